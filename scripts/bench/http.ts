import http from 'node:http';

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
