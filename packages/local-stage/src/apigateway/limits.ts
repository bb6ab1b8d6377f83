import { AwsError } from '../errors';
import type { EndpointType, RestApiDefinition } from './types';

/**
 * API Gateway REST's request limits, from "Quotas for configuring and running a REST API in API
 * Gateway" and "Amazon API Gateway quotas and important notes" (developer guide, limits.html):
 * - "Total combined size of all header values, including header names, values, any line terminators,
 *   and white spaces": 10,240 bytes; 8,000 for a private API;
 * - "Length, in characters, of the URL": 10,240 for a regional API, 8,192 for an edge-optimized or
 *   private one;
 * - "the maximum length of the method's ARN … is 1600 bytes … the API client receives a 414 Request
 *   URI too long response" (when authorization is enabled on the method);
 * - payload size 10 MB (front-door/received.ts).
 * The guide gives the 414 for the ARN alone; the status and body for the other two are the local
 * stage's choice (431 and 414), marked as such in SECURITY.md.
 */
export const MAX_HEADER_BYTES: Readonly<Record<EndpointType, number>> = {
  EDGE: 10_240,
  REGIONAL: 10_240,
  PRIVATE: 8_000,
};
export const MAX_URL_CHARACTERS: Readonly<Record<EndpointType, number>> = {
  EDGE: 8_192,
  REGIONAL: 10_240,
  PRIVATE: 8_192,
};
export const MAX_METHOD_ARN_BYTES = 1_600;

/**
 * The API's endpoint type, from `EndpointConfiguration.Types`; `EDGE`, CloudFormation's default,
 * when the template names none.
 *
 * @example
 * endpointTypeOf({ ...api, endpointTypes: ['REGIONAL'] }); // 'REGIONAL'
 */
export function endpointTypeOf(api: Pick<RestApiDefinition, 'endpointTypes'>): EndpointType {
  const type = api.endpointTypes?.[0];
  return type === 'REGIONAL' || type === 'PRIVATE' ? type : 'EDGE';
}

const uriTooLong = () => new AwsError(414, 'RequestUriTooLong', 'Request URI too long');

/**
 * Refuses headers over the quota: names, values, `: ` and each line's CRLF, counted in bytes.
 *
 * @example
 * checkHeaderSize([['Host', 'example.com']], 'REGIONAL'); // passes
 */
export function checkHeaderSize(headers: Array<[string, string]>, endpointType: EndpointType): void {
  let bytes = 0;
  // Node reads header names and values as latin1, a byte per character.
  for (const [name, value] of headers) bytes += name.length + value.length + 4;
  if (bytes > MAX_HEADER_BYTES[endpointType]) {
    throw new AwsError(431, 'RequestHeaderFieldsTooLarge', 'Request Header Fields Too Large');
  }
}

/**
 * Refuses a URL longer than the quota, measured on the URL the request has on AWS:
 * `https://{apiId}.execute-api.{region}.amazonaws.com/{stage}/{path}?{query}`.
 *
 * @example
 * checkUrlLength({ apiId: 'a1b2c3d4e5', region: 'us-east-1', pathAndQuery: '/local/users/42' }, 'REGIONAL'); // passes
 */
export function checkUrlLength(
  url: { apiId: string; region: string; pathAndQuery: string },
  endpointType: EndpointType,
): void {
  const origin = `https://${url.apiId}.execute-api.${url.region}.amazonaws.com`;
  if (origin.length + url.pathAndQuery.length > MAX_URL_CHARACTERS[endpointType]) throw uriTooLong();
}

/**
 * Refuses a call whose method ARN would be over 1,600 bytes, with API Gateway's 414.
 *
 * @example
 * checkMethodArnLength(['arn:aws:execute-api:us-east-1:000000000000:a1b2c3d4e5/local/GET/users/42']); // passes
 */
export function checkMethodArnLength(arns: string[]): void {
  if (arns.some((arn) => Buffer.byteLength(arn, 'utf8') > MAX_METHOD_ARN_BYTES)) throw uriTooLong();
}
