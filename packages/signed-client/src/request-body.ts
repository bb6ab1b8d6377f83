import type { AxiosRequestHeaders } from 'axios';
import { SignedClientConfigError } from './errors';

/** The `form-data` npm package, which axios itself uses to send objects as multipart in Node. */
interface LegacyFormData {
  getBuffer(): Buffer;
  getHeaders(): Record<string, string>;
}

/**
 * The request body as the bytes that go on the wire, from `config.data` after axios's transformRequest.
 * The payload hash is part of the signature, so a body must be whole before it is signed: FormData and
 * Blobs are serialized here (setting the multipart boundary header), streams are refused.
 *
 * @example
 * await toWireBody('{"a":1}', headers); // '{"a":1}'
 */
export async function toWireBody(
  data: unknown,
  headers: AxiosRequestHeaders,
): Promise<string | Buffer | undefined> {
  if (data === undefined || data === null) return undefined;
  if (typeof data === 'string') return wellFormed(data);
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof URLSearchParams) return urlEncodedForm(data, headers);
  if (data instanceof FormData) return multipartForm(data, headers);
  if (isLegacyFormData(data)) return legacyMultipartForm(data, headers);
  if (data instanceof Blob) return blobBytes(data, headers);
  throw new SignedClientConfigError(
    'Cannot sign this request body: SigV4 hashes the whole payload, so pass a string, a Buffer, a ' +
      'Uint8Array, URLSearchParams, FormData or a JSON-serializable object, not a stream',
  );
}

/**
 * A transformRequest step that runs before axios's own: axios turns a typed-array view into its whole
 * underlying ArrayBuffer, which sends the wrong bytes for a `subarray()`. A Buffer it leaves alone.
 *
 * @example
 * axios.create({ transformRequest: [viewsToBuffers, ...axios.defaults.transformRequest] });
 */
export function viewsToBuffers(data: unknown): unknown {
  if (ArrayBuffer.isView(data) && !Buffer.isBuffer(data)) {
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  }
  return data;
}

// A lone surrogate would be sent, and hashed, as U+FFFD: the signature would hold, but the callee
// would read other text than the caller wrote. (JSON bodies never hold one: JSON.stringify escapes it.)
function wellFormed(text: string): string {
  if (!/\p{Cs}/u.test(text)) return text;
  throw new SignedClientConfigError(
    'The request body is a string with an unpaired surrogate (not well-formed Unicode), which UTF-8 ' +
      'cannot carry: send an object (JSON escapes it) or a Buffer',
  );
}

function urlEncodedForm(data: URLSearchParams, headers: AxiosRequestHeaders): string {
  headers.setContentType('application/x-www-form-urlencoded;charset=utf-8', false);
  return data.toString();
}

async function multipartForm(data: FormData, headers: AxiosRequestHeaders): Promise<Buffer> {
  // Node's own fetch Response serializes spec FormData to multipart and picks the boundary.
  const response = new Response(data);
  const contentType = response.headers.get('content-type');
  if (contentType) headers.setContentType(contentType, true);
  return Buffer.from(await response.arrayBuffer());
}

function isLegacyFormData(data: unknown): data is LegacyFormData {
  const candidate = data as Partial<LegacyFormData>;
  return typeof candidate.getBuffer === 'function' && typeof candidate.getHeaders === 'function';
}

function legacyMultipartForm(data: LegacyFormData, headers: AxiosRequestHeaders): Buffer {
  headers.set(data.getHeaders(), true);
  return data.getBuffer();
}

async function blobBytes(data: Blob, headers: AxiosRequestHeaders): Promise<Buffer> {
  headers.setContentType(data.type || 'application/octet-stream', false);
  return Buffer.from(await data.arrayBuffer());
}
