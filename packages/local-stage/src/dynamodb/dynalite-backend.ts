/// <reference path="./dynalite.d.ts" />
import { once } from 'node:events';
import { type IncomingHttpHeaders, request } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { formatAmzDate } from '../sigv4/request-time';

import dynalite = require('dynalite');

export interface DynamoDbAnswer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * DynamoDB on this machine: dynalite, in memory or in LevelDB files under `path`, listening on a
 * loopback port of its own. The front door authenticates and authorizes each call, then forwards the
 * request bytes unchanged, so dynalite answers exactly as it would an SDK.
 */
export class DynaliteBackend {
  private constructor(
    private readonly server: Server,
    private readonly port: number,
  ) {}

  /** @example const db = await DynaliteBackend.start({ path: '.local-stage/data/dynamodb' }) */
  static async start(options: { path?: string } = {}): Promise<DynaliteBackend> {
    // Tables are ACTIVE at once: provisioning need not poll DescribeTable.
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...options }) as Server;
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return new DynaliteBackend(server, (server.address() as AddressInfo).port);
  }

  /** Sends one DynamoDB JSON 1.0 call, as received, and returns dynalite's answer. */
  forward(headers: Array<[string, string]>, body: Buffer): Promise<DynamoDbAnswer> {
    const outgoing: Record<string, string> = {};
    for (const [name, value] of headers) {
      const key = name.toLowerCase();
      if (key === 'connection' || key === 'transfer-encoding') continue;
      outgoing[key] = outgoing[key] === undefined ? value : `${outgoing[key]},${value}`;
    }
    outgoing['content-length'] = String(body.length);
    return new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: this.port, method: 'POST', path: '/', headers: outgoing },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ statusCode: res.statusCode ?? 500, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Calls dynalite directly, for provisioning tables (no signature: dynalite only checks one is present). */
  async call(
    operation: string,
    input: unknown,
  ): Promise<{ statusCode: number; output: Record<string, unknown> }> {
    const answer = await this.forward(
      [
        ['content-type', 'application/x-amz-json-1.0'],
        ['x-amz-target', `DynamoDB_20120810.${operation}`],
        ['x-amz-date', formatAmzDate(new Date())],
        [
          'authorization',
          'AWS4-HMAC-SHA256 Credential=local/19700101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=local',
        ],
      ],
      Buffer.from(JSON.stringify(input)),
    );
    return { statusCode: answer.statusCode, output: JSON.parse(answer.body.toString('utf8') || '{}') };
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
