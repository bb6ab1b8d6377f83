import type { IncomingMessage } from 'node:http';
import { AwsError } from '../errors';
import type { ReceivedRequest } from '../types';

/** API Gateway's payload limit; larger requests are refused before any code runs. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/**
 * Reads a request exactly as sent: the raw target, the raw header pairs in order and the body bytes,
 * so the signature is verified on what the client signed, not on what Node normalised.
 */
export async function readReceivedRequest(
  req: IncomingMessage,
  maxBytes = MAX_PAYLOAD_BYTES,
): Promise<ReceivedRequest> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new AwsError(413, 'RequestEntityTooLarge', 'Request Too Long');
    chunks.push(chunk as Buffer);
  }
  const headers: Array<[string, string]> = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    headers.push([req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string]);
  }
  return {
    method: req.method ?? 'GET',
    target: req.url ?? '/',
    headers,
    body: Buffer.concat(chunks),
    sourceIp: normaliseIp(req.socket.remoteAddress),
  };
}

/** The first value of a header, by case-insensitive name. */
export function headerValue(request: ReceivedRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return request.headers.find(([key]) => key.toLowerCase() === wanted)?.[1];
}

function normaliseIp(address: string | undefined): string {
  if (!address) return '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
