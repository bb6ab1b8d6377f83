import type { AxiosRequestHeaders } from 'axios';
import { SignedClientConfigError } from './errors';

// Visible ASCII, space and tab. axios strips control characters when a header is set and anything
// beyond Latin-1 just before sending, so such a value would be signed one way and sent another
// (and how a server decodes Latin-1 bytes varies).
const SENDABLE_VALUE = /^[\t\x20-\x7e]*$/;

/**
 * The headers axios will send, as a plain object: axios has already merged its per-method groups
 * (`common`, `get`, `post`…) into the request and dropped them, and empty (`null`/`false`) entries are
 * left out. Our own signing headers are removed, so a header set copied from an earlier signed
 * request cannot smuggle in a stale date, token or signature.
 *
 * @example
 * toSignableHeaders(AxiosHeaders.from({ Accept: 'application/json' })); // { Accept: 'application/json' }
 */
export function toSignableHeaders(headers: AxiosRequestHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers.toJSON(true))) {
    const text = String(value);
    if (isSigningHeader(name)) continue;
    if (!SENDABLE_VALUE.test(text)) {
      throw new SignedClientConfigError(
        `Header "${name}" has characters HTTP cannot carry (line breaks, control or non-ASCII characters)`,
      );
    }
    result[name] = text;
  }
  return result;
}

function isSigningHeader(name: string): boolean {
  return ['authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256'].includes(
    name.toLowerCase(),
  );
}
