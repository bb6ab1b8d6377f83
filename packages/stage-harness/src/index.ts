import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createSignedClient } from '@internal-apis/signed-client';
import type { AxiosInstance } from 'axios';
import { credentialsFor } from './credentials';
import { serviceUrl } from './service-url';
import type { RawRequest } from './signed-request';
import { stageTarget } from './target';

export { type AwsErrorAnswer, awsErrorOf } from './aws-answers';
export { type AwsClientConfig, awsClientConfig } from './aws-clients';
export { type CredentialsProvider, credentialsFor, roleNameOf } from './credentials';
export { PreflightError, StageHarnessError } from './errors';
export { serviceUrl } from './service-url';
export { type RawRequest, type SignedRequestOptions, signedRequestFor, withHeader } from './signed-request';
export { describeTarget, type StageTarget, stageTarget } from './target';

/**
 * A signed client for a service, calling as the runner or as another service's role. It never
 * throws on a status and never retries, so tests assert each answer as it came.
 *
 * @example const users = await signedClientFor('users', { as: { service: 'notifications' } });
 */
export async function signedClientFor(
  service: string,
  options: { as?: 'runner' | { service: string } } = {},
): Promise<AxiosInstance> {
  const target = stageTarget();
  return createSignedClient({
    baseURL: await serviceUrl(service),
    region: target.region,
    credentials: credentialsFor(options.as),
    retry: { retries: 0 },
    callee: service,
    axiosConfig: { validateStatus: () => true },
  });
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: () => unknown;
}

/** Sends exactly these bytes and headers (no client in between), for tests that tamper with a request. */
export function sendRaw(request: RawRequest): Promise<RawAnswer> {
  const url = new URL(request.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = send(url, { method: request.method, headers: request.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}
