import type { IncomingMessage } from 'node:http';
import { AwsError } from '../errors';
import type { ReceivedRequest } from '../types';

/** API Gateway's payload limit; larger requests are refused before any code runs. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

const requestTooLong = () => new AwsError(413, 'RequestEntityTooLarge', 'Request Too Long');

/**
 * Reads a request exactly as sent: the raw target, the raw header pairs in order and the body bytes,
 * so the signature is verified on what the client signed, not on what Node normalised. A body over
 * `maxBytes` is refused as soon as its declared length, or what has arrived, says so.
 */
export async function readReceivedRequest(
  req: IncomingMessage,
  maxBytes = MAX_PAYLOAD_BYTES,
): Promise<ReceivedRequest> {
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) throw requestTooLong();
  const body = await readBody(req, maxBytes);
  const headers: Array<[string, string]> = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    headers.push([req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string]);
  }
  return {
    method: req.method ?? 'GET',
    target: req.url ?? '/',
    headers,
    body,
    sourceIp: normaliseIp(req.socket.remoteAddress),
  };
}

// Events rather than `for await`: leaving that loop early destroys the socket before the 413 is sent.
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      req.off('data', onData).pause();
      reject(requestTooLong());
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function normaliseIp(address: string | undefined): string {
  if (!address) return '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
