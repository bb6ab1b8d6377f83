/**
 * SigV4's URI encoding (RFC 3986): every byte but the unreserved characters `A-Z a-z 0-9 - . _ ~`
 * becomes `%XY` with upper-case hex, over the UTF-8 bytes of the text.
 */
const UNRESERVED_ONLY = /^[A-Za-z0-9\-._~]*$/;
/** Each byte as SigV4 writes it: itself if unreserved, else `%XY`. */
const ENCODED_BYTES = Array.from({ length: 256 }, (_, byte) => {
  const char = String.fromCharCode(byte);
  return byte < 0x80 && UNRESERVED_ONLY.test(char)
    ? char
    : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
});

/**
 * Encodes text as SigV4 does; an existing `%XY` is encoded again (`%` → `%25`).
 *
 * @example
 * uriEncode('a b/ሴ') // 'a%20b%2F%E1%88%B4'
 */
export function uriEncode(text: string | Buffer): string {
  // Most path segments (ids, names) have nothing to encode.
  if (typeof text === 'string' && UNRESERVED_ONLY.test(text)) return text;
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  let encoded = '';
  for (const byte of bytes) encoded += ENCODED_BYTES[byte];
  return encoded;
}

/**
 * Decodes `%XY` escapes to bytes, leaving a malformed `%` as it is; `plusIsSpace` applies the
 * form-encoding rule that query strings follow.
 *
 * @example
 * uriDecode('a%20b+c', { plusIsSpace: true }).toString() // 'a b c'
 */
export function uriDecode(text: string, { plusIsSpace = false } = {}): Buffer {
  const source = Buffer.from(plusIsSpace ? text.replace(/\+/g, ' ') : text, 'utf8');
  const bytes: number[] = [];
  for (let i = 0; i < source.length; i++) {
    const byte = source[i] as number;
    const hex = byte === 0x25 ? source.subarray(i + 1, i + 3).toString('latin1') : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(byte);
    }
  }
  return Buffer.from(bytes);
}

/**
 * Brings any encoding of a path segment or query component to SigV4's one: decode, then encode.
 *
 * @example
 * normalizeEncoding('%7euser%2a') // '~user%2A'
 */
export function normalizeEncoding(text: string, options: { plusIsSpace?: boolean } = {}): string {
  // Unreserved characters alone (no `%`, no `+`) decode and encode to themselves.
  if (UNRESERVED_ONLY.test(text)) return text;
  return uriEncode(uriDecode(text, options));
}
