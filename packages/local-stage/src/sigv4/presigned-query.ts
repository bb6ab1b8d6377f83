import type { ReceivedRequest } from '../types';
import { firstHeader, queryParam, signedHeaderNames } from './raw-request';
import { reject, type ServiceProfile } from './service-profile';
import type { SignatureParams } from './signature-params';

const REQUIRED = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Signature',
  'X-Amz-SignedHeaders',
  'X-Amz-Date',
];

/**
 * Reads a presigned request's `X-Amz-*` query parameters. Another algorithm than
 * `AWS4-HMAC-SHA256` is no signature at all; each missing parameter is named.
 *
 * @example
 * fromPresignedQuery(request, 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=…', profile).presigned // true
 */
export function fromPresignedQuery(
  request: ReceivedRequest,
  query: string,
  profile: ServiceProfile,
): SignatureParams {
  const algorithm = queryParam(query, 'X-Amz-Algorithm');
  if (algorithm !== undefined && algorithm !== 'AWS4-HMAC-SHA256') throw reject.missingToken(profile);
  const missing = REQUIRED.filter((name) => !queryParam(query, name));
  if (missing.length > 0) {
    const parts = missing.map((name) => `AWS query-string parameters must include '${name}'.`);
    throw reject.incomplete(profile, `${parts.join(' ')} Re-examine the query-string parameters.`);
  }
  return {
    presigned: true,
    algorithm: algorithm ?? '',
    credential: queryParam(query, 'X-Amz-Credential') ?? '',
    signedHeaders: signedHeaderNames(queryParam(query, 'X-Amz-SignedHeaders') ?? ''),
    signature: queryParam(query, 'X-Amz-Signature') ?? '',
    timestamp: queryParam(query, 'X-Amz-Date') ?? '',
    timestampSource: 'x-amz-date',
    expires: queryParam(query, 'X-Amz-Expires'),
    sessionToken: queryParam(query, 'X-Amz-Security-Token') ?? firstHeader(request, 'x-amz-security-token'),
  };
}
