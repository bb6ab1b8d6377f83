import { type AwsCredentials, signRequest } from '@internal-apis/signed-client';
import { credentialsFor } from './credentials';
import { serviceUrl } from './service-url';
import { stageTarget } from './target';

/** A request exactly as it goes on the wire: what `sendRaw` sends. */
export interface RawRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface SignedRequestOptions {
  /** Whose credentials sign it. Default: the runner. */
  as?: 'runner' | { service: string };
  /** Sign with these instead of `as` (a wrong secret, an unknown key, a key without its token). */
  credentials?: AwsCredentials;
  /** The region in the credential scope. Default: the stage's region. */
  region?: string;
  /** The service in the credential scope. Default: `execute-api`. */
  signingService?: string;
  /** The signing clock, to date a request in the past or the future. */
  now?: () => Date;
}

/**
 * Signs a request to a service's API as a client would and returns every header to send, so a test
 * can alter any part after signing (body, path, query, a signed header) and send it with `sendRaw`.
 * An object body is sent as JSON.
 *
 * @example
 * const signed = await signedRequestFor('users', { method: 'POST', path: '/users', body: { email, name } });
 * const answer = await sendRaw({ ...signed, body: JSON.stringify({ email, name: 'Mallory' }) });
 */
export async function signedRequestFor(
  service: string,
  request: { method: string; path: string; headers?: Record<string, string>; body?: unknown },
  options: SignedRequestOptions = {},
): Promise<RawRequest> {
  const target = stageTarget();
  const url = `${await serviceUrl(service)}${request.path}`;
  const body = serialize(request.body);
  const headers = {
    ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    ...request.headers,
  };
  const credentials = options.credentials ?? (await credentialsFor(options.as)());
  const signed = signRequest({ method: request.method, url, headers, body }, credentials, {
    service: options.signingService ?? 'execute-api',
    region: options.region ?? target.region,
    now: options.now,
  });
  return { method: request.method, url, headers: signed, body };
}

function serialize(body: unknown): string | undefined {
  if (body === undefined || typeof body === 'string') return body;
  return JSON.stringify(body);
}

/**
 * A copy of the request with one header replaced, whatever the letter case it was signed under.
 *
 * @example
 * await sendRaw(withHeader(signed, 'X-Amz-Date', '20200101T000000Z'));
 */
export function withHeader(request: RawRequest, name: string, value: string | undefined): RawRequest {
  const lower = name.toLowerCase();
  const headers = Object.fromEntries(
    Object.entries(request.headers).filter(([key]) => key.toLowerCase() !== lower),
  );
  if (value !== undefined) headers[name] = value;
  return { ...request, headers };
}
