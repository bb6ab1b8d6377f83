import * as z from 'zod';

const headerValue = z.union([z.string(), z.boolean()]);

/**
 * The proxy response API Gateway REST accepts: every field optional, nothing else allowed; a status
 * code given as a string of digits is accepted; header values are strings (booleans are printed).
 */
export const PROXY_RESPONSE = z.strictObject({
  statusCode: z
    .union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)])
    .pipe(z.number().min(100).max(599))
    .optional(),
  headers: z.record(z.string(), headerValue).nullable().optional(),
  multiValueHeaders: z.record(z.string(), z.array(headerValue)).nullable().optional(),
  body: z.string().nullable().optional(),
  isBase64Encoded: z.boolean().optional(),
});
export type ProxyResponse = z.infer<typeof PROXY_RESPONSE>;

/**
 * A function's result as a proxy response, or undefined when API Gateway would refuse it.
 *
 * @example
 * readProxyResponse({ statusCode: '201', body: 'made' }); // { statusCode: 201, body: 'made' }
 * readProxyResponse({ status: 200 }); // undefined
 */
export function readProxyResponse(payload: unknown): ProxyResponse | undefined {
  // Nearly every function answers in the plain form, which PROXY_RESPONSE accepts as it is.
  if (isPlainProxyResponse(payload)) return payload;
  const parsed = PROXY_RESPONSE.safeParse(payload);
  return parsed.success ? parsed.data : undefined;
}

/**
 * A response PROXY_RESPONSE would accept and hand back unchanged: known fields only, none explicitly
 * undefined, a whole status code, headers without a `__proto__` name (which the schema drops).
 * Anything else is left to the schema.
 */
function isPlainProxyResponse(payload: unknown): payload is ProxyResponse {
  if (!isPlainObject(payload)) return false;
  for (const key in payload) {
    const value = payload[key];
    switch (key) {
      case 'statusCode':
        if (!(Number.isInteger(value) && (value as number) >= 100 && (value as number) <= 599)) return false;
        break;
      case 'headers':
        if (value !== null && !isHeaderMap(value, isHeaderValue)) return false;
        break;
      case 'multiValueHeaders':
        if (value !== null && !isHeaderMap(value, isHeaderValueList)) return false;
        break;
      case 'body':
        if (value !== null && typeof value !== 'string') return false;
        break;
      case 'isBase64Encoded':
        if (typeof value !== 'boolean') return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function isHeaderMap(value: unknown, isEntry: (entry: unknown) => boolean): boolean {
  if (!isPlainObject(value)) return false;
  for (const name in value) if (name === '__proto__' || !isEntry(value[name])) return false;
  return true;
}

function isHeaderValue(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'boolean';
}

function isHeaderValueList(value: unknown): boolean {
  return Array.isArray(value) && value.every(isHeaderValue);
}
