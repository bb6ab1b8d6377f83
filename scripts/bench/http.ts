import http from 'node:http';
import { signRequest } from '@internal-apis/signed-client';
import type { StageReady } from './stage-ready';

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * One HTTP request on `agent` (keep-alive, so both sides of a comparison pay the same connection
 * cost: none after the first request), resolving with the whole answer.
 *
 * @example
 * const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
 * const { status, body } = await send(agent, { method: 'GET', url: 'http://127.0.0.1:3000/local/users/42' });
 */
export function send(agent: http.Agent, request: HttpRequest): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      request.url,
      { method: request.method, headers: request.headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

/** A keep-alive agent allowing exactly `sockets` connections: one per request in flight. */
export function keepAliveAgent(sockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
}

/**
 * A request to the local stage signed afresh with its developer's keys, as any client sends one; a
 * `body` is sent as JSON.
 *
 * @example
 * const { status } = await signedSend(stage, agent, 'POST', `${usersUrl}/users`, { email, name });
 */
export function signedSend(
  stage: StageReady,
  agent: http.Agent,
  method: string,
  url: string,
  body?: unknown,
): Promise<HttpAnswer> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const headers = signRequest(
    { method, url, headers: text === undefined ? {} : { 'content-type': 'application/json' }, body: text },
    stage.developer,
    { service: 'execute-api', region: stage.description.region },
  );
  return send(agent, { method, url, headers, body: text });
}
