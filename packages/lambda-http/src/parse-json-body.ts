import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { z } from 'zod';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from './errors';
import { toFieldErrors } from './zod-fields';

/** Default body limit. API Gateway accepts up to 10 MB; an internal JSON API needs far less. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads and validates a JSON body: 415 for a non-JSON Content-Type, 413 over `maxBytes`, 400
 * `{message, fields}` for a missing or malformed body or one the schema rejects. Every 400 names its
 * fields; the path `''` is the body as a whole (a body that is missing, not JSON, or not an object).
 *
 * @example
 * const input = parseJsonBody(event, z.strictObject({ email: z.email(), name: z.string() }));
 */
export function parseJsonBody<S extends z.ZodType>(
  event: APIGatewayProxyEvent,
  schema: S,
  options: { maxBytes?: number } = {},
): z.infer<S> {
  assertJsonContentType(event);
  const text = bodyText(event, options.maxBytes ?? DEFAULT_MAX_BODY_BYTES);
  const result = schema.safeParse(parseJson(text));
  if (!result.success) {
    throw new BadRequestError('Invalid request body', { fields: toFieldErrors(result.error) });
  }
  return result.data;
}

function assertJsonContentType(event: APIGatewayProxyEvent): void {
  const contentType = headerValue(event, 'content-type');
  if (contentType === undefined) return;
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType !== 'application/json' && !/^application\/[\w.+-]+\+json$/.test(mediaType)) {
    throw new UnsupportedMediaTypeError('Content-Type must be application/json', { contentType });
  }
}

// API Gateway REST keeps header names as the client sent them, so the lookup ignores case.
function headerValue(event: APIGatewayProxyEvent, name: string): string | undefined {
  const entry = Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return entry?.[1] ?? undefined;
}

// API Gateway base64-encodes bodies of binary media types; the limit applies to the decoded bytes.
function bodyText(event: APIGatewayProxyEvent, maxBytes: number): string {
  if (event.body === null || event.body === undefined || event.body === '') {
    throw new BadRequestError('Request body is required', { fields: [{ path: '', message: 'Required' }] });
  }
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (bytes.length > maxBytes) {
    throw new PayloadTooLargeError(`Request body exceeds ${maxBytes} bytes`, { maxBytes });
  }
  return bytes.toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const fields = [{ path: '', message: 'Must be JSON' }];
    throw new BadRequestError('Request body is not valid JSON', { fields }, { cause: error });
  }
}
