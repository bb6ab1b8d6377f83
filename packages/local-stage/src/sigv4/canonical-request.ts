import { hash } from 'node:crypto';
import type { ReceivedRequest } from '../types';
import { canonicalHeaders } from './canonical-headers';
import { canonicalQuery } from './canonical-query';
import { type CanonicalUriOptions, canonicalUri } from './canonical-uri';
import { splitTarget } from './raw-request';

export interface CanonicalRequestOptions extends CanonicalUriOptions {
  presigned: boolean;
}

/**
 * The canonical request of a request as received: method, canonical URI, canonical query, the
 * signed headers and their list, and the SHA-256 of the body.
 *
 * The payload line is always the hash of the bytes received. `x-amz-content-sha256` (and its
 * `UNSIGNED-PAYLOAD`) is S3's; API Gateway, SSM and DynamoDB hash the body whatever that header says,
 * so a signer that trusted it fails against AWS as it fails here.
 *
 * @example
 * canonicalRequest(request, ['host', 'x-amz-date'], { doubleEncodePath: true, normalizePath: true, presigned: false })
 */
export function canonicalRequest(
  request: ReceivedRequest,
  signedHeaders: string[],
  options: CanonicalRequestOptions,
): string {
  const { path, query } = splitTarget(request.target);
  return [
    request.method,
    canonicalUri(path, options),
    canonicalQuery(query, options),
    canonicalHeaders(request, signedHeaders),
    signedHeaders.join(';'),
    payloadHash(request.body),
  ].join('\n');
}

/**
 * Hex SHA-256 of the body.
 *
 * @example
 * payloadHash(Buffer.alloc(0)) // 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
 */
export function payloadHash(body: Buffer): string {
  return body.length === 0 ? EMPTY_PAYLOAD_HASH : hash('sha256', body, 'hex');
}

/** The hash of an empty body, which every GET signs. */
const EMPTY_PAYLOAD_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
