import { hash } from 'node:crypto';

/** The ids API Gateway gives a request besides its request id. */
export interface RequestIds {
  /** `requestContext.extendedRequestId`, the `x-amz-apigw-id` header. */
  extendedRequestId: string;
  /** The X-Ray trace header API Gateway adds, `Root=1-{8 hex}-{24 hex}`. */
  traceId: string;
}

/**
 * A request's extended request id and trace header, derived from its request id (one digest for
 * both), so that the event and the response carry the same ones.
 *
 * @example
 * requestIdsFor('c6af9ac6-7b61-11e6-9a41-93e8deadbeef'); // { extendedRequestId: 'Qm9xS2dDaGFuZ2U=', traceId: 'Root=1-5f2b7c1a-0c9d…' }
 */
export function requestIdsFor(requestId: string): RequestIds {
  const digest = hash('sha256', `apigw\n${requestId}`, 'buffer');
  const hex = digest.toString('hex', 11, 27);
  return {
    extendedRequestId: digest.toString('base64', 0, 11).replaceAll('/', '-'),
    traceId: `Root=1-${hex.slice(0, 8)}-${hex.slice(8)}`,
  };
}

/** Deployment ids already derived, by API and stage: every request to an API carries its stage's. */
const deploymentIds = new Map<string, string>();
const MAX_DEPLOYMENT_IDS = 1024;

/**
 * A stage's deployment id (`requestContext.deploymentId`): stable for an API and stage.
 *
 * @example
 * deploymentIdFor('a1b2c3d4e5', 'local'); // e.g. 'k3x9q2'
 */
export function deploymentIdFor(apiId: string, stageName: string): string {
  const key = `${apiId}\n${stageName}`;
  const known = deploymentIds.get(key);
  if (known !== undefined) return known;
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const id = [...hash('sha256', `deployment\n${key}`, 'buffer').subarray(0, 6)]
    .map((byte) => alphabet[byte % alphabet.length])
    .join('');
  if (deploymentIds.size >= MAX_DEPLOYMENT_IDS) deploymentIds.clear();
  deploymentIds.set(key, id);
  return id;
}
