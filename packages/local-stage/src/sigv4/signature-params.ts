import type { ReceivedRequest } from '../types';
import { fromAuthorizationHeader } from './authorization-header';
import { fromPresignedQuery } from './presigned-query';
import { firstHeader, queryParam, splitTarget } from './raw-request';
import { reject, type ServiceProfile } from './service-profile';

/** What a request says about its signature, from the `Authorization` header or the presigned query. */
export interface SignatureParams {
  presigned: boolean;
  algorithm: string;
  credential: string;
  /** Lower-case header names, in the order the signer listed them. */
  signedHeaders: string[];
  signature: string;
  /** `X-Amz-Date` as sent, or the `Date` header when there is no `X-Amz-Date`. */
  timestamp: string;
  timestampSource: 'x-amz-date' | 'date';
  /** `X-Amz-Expires` as sent, for a presigned request. */
  expires?: string;
  sessionToken?: string;
}

/**
 * Whether a request carries a signature at all: an `Authorization` header or the presigned query
 * parameters. Without one, API Gateway answers 403 "Missing Authentication Token".
 *
 * @example
 * hasSignature({ method: 'GET', target: '/?X-Amz-Credential=…', headers: [], body: Buffer.alloc(0), sourceIp: '' }) // true
 */
export function hasSignature(request: ReceivedRequest): boolean {
  if (firstHeader(request, 'authorization') !== undefined) return true;
  const { query } = splitTarget(request.target);
  if (query === '') return false;
  const names = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature'];
  return names.some((name) => queryParam(query, name) !== undefined);
}

/**
 * Reads the signature parameters, failing as AWS does on a missing or malformed part: both forms at
 * once, a header that is not `key=value` pairs, or missing parameters (all named in one message).
 *
 * @example
 * readSignatureParams(request, serviceProfile('execute-api')).signedHeaders // ['host', 'x-amz-date']
 */
export function readSignatureParams(request: ReceivedRequest, profile: ServiceProfile): SignatureParams {
  const authorization = firstHeader(request, 'authorization');
  const { query } = splitTarget(request.target);
  if (authorization !== undefined && queryParam(query, 'X-Amz-Algorithm') !== undefined) {
    throw reject.invalid(
      profile,
      "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
    );
  }
  if (authorization !== undefined) return fromAuthorizationHeader(request, authorization, profile);
  if (hasSignature(request)) return fromPresignedQuery(request, query, profile);
  throw reject.missingToken(profile);
}
