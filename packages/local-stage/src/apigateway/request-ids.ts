import { createHash } from 'node:crypto';

function digest(...parts: string[]): Buffer {
  return createHash('sha256').update(parts.join('\n')).digest();
}

/**
 * API Gateway's second request id (`requestContext.extendedRequestId`, the `x-amz-apigw-id` header),
 * derived from the request id so that the event and the response carry the same one.
 *
 * @example
 * extendedRequestIdFor('c6af9ac6-7b61-11e6-9a41-93e8deadbeef'); // e.g. 'Qm9xS2dDaGFuZ2U=' (16 characters)
 */
export function extendedRequestIdFor(requestId: string): string {
  return digest('apigw-id', requestId).subarray(0, 11).toString('base64').replaceAll('/', '-');
}

/**
 * An X-Ray trace header for the request, `Root=1-{8 hex}-{24 hex}`, derived from the request id.
 *
 * @example
 * traceIdFor('c6af9ac6-7b61-11e6-9a41-93e8deadbeef'); // e.g. 'Root=1-5f2b7c1a-0c9d…'
 */
export function traceIdFor(requestId: string): string {
  const hex = digest('trace', requestId).toString('hex');
  return `Root=1-${hex.slice(0, 8)}-${hex.slice(8, 32)}`;
}

/**
 * A stage's deployment id (`requestContext.deploymentId`): stable for an API and stage.
 *
 * @example
 * deploymentIdFor('a1b2c3d4e5', 'local'); // e.g. 'k3x9q2'
 */
export function deploymentIdFor(apiId: string, stageName: string): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...digest('deployment', apiId, stageName).subarray(0, 6)]
    .map((byte) => alphabet[byte % alphabet.length])
    .join('');
}
