/**
 * SigV4's URI encoding (RFC 3986): every byte but the unreserved characters `A-Z a-z 0-9 - . _ ~`
 * becomes `%XY` with upper-case hex, over the UTF-8 bytes of the text.
 */
const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * Encodes text as SigV4 does; an existing `%XY` is encoded again (`%` → `%25`).
 *
 * @example
 * uriEncode('a b/ሴ') // 'a%20b%2F%E1%88%B4'
 */
export function uriEncode(text: string | Buffer): string {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  let encoded = '';
  for (const byte of bytes) {
    const char = String.fromCharCode(byte);
    encoded +=
      byte < 0x80 && UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
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
  return uriEncode(uriDecode(text, options));
}
