import { AwsError } from '../errors';

/**
 * A request path after the stage, as the front door routes it, authorizes it and hands it on.
 *
 * API Gateway REST routes on the path as sent and passes it, and its path parameters, to the function
 * still percent-encoded. What it does with paths that a URL normaliser would rewrite (dot segments,
 * repeated slashes, an encoded `/`) is not documented, and a signer normalises some of them before
 * signing (`/a/../b` is signed as `/b`). So the front door refuses those paths outright: on every path
 * it accepts, the path the signature covers, the path routed and the path in the method ARN are one.
 */
export interface GatewayPath {
  /** The path as received, percent-encoding untouched: what is routed and what `event.path` carries. */
  raw: string;
  /**
   * Every path the method ARN could be built from: as received and decoded, with and without a
   * trailing slash. Which one API Gateway uses is not documented, so every one must be allowed.
   */
  arnPaths: string[];
}

/**
 * The refusal of a path the local stage cannot route the way API Gateway would: API Gateway's answer
 * for a path no route serves, 403 Missing Authentication Token, with the reason.
 */
export const unroutablePath = (reason: string) =>
  new AwsError(
    403,
    'MissingAuthenticationTokenException',
    `Missing Authentication Token ([local stage] ${reason}: API Gateway's handling of such a path is not documented, so no route serves it here; see SECURITY.md)`,
  );

/** Characters a request path may carry unencoded (RFC 3986 pchar, plus `/`), but `\`, which some proxies read as `/`. */
const RAW_ALLOWED = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%/[\]{}|^`"<>]*$/;
const MALFORMED_ESCAPE = /%(?![0-9A-Fa-f]{2})/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Checks a path after the stage (`/users/42`, `/` for the root) and gives the ARN paths to authorize.
 * Throws a 403 `MissingAuthenticationTokenException`, as for a path no route serves, for what the
 * local stage refuses to guess at: repeated slashes,
 * `.` and `..` segments (raw or encoded), an encoded `/` or `\`, malformed or non-UTF-8 escapes, and
 * characters that must be encoded.
 *
 * @example
 * gatewayPath('/users/a%20b/'); // { raw: '/users/a%20b/', arnPaths: ['/users/a%20b/', '/users/a%20b', '/users/a b/', '/users/a b'] }
 * gatewayPath('/users/../admin'); // throws 403 Missing Authentication Token
 */
export function gatewayPath(rawPath: string): GatewayPath {
  const path = rawPath === '' ? '/' : rawPath;
  if (!path.startsWith('/') || !RAW_ALLOWED.test(path)) {
    throw unroutablePath('The path has a character that must be percent-encoded');
  }
  const trailingSlash = path.length > 1 && path.endsWith('/');
  const base = trailingSlash ? path.slice(0, -1) : path;
  const decoded = base === '/' ? '/' : `/${base.slice(1).split('/').map(decodeSegment).join('/')}`;
  const arnPaths = [base, decoded].flatMap((candidate) =>
    trailingSlash ? [`${candidate}/`, candidate] : [candidate],
  );
  return { raw: path, arnPaths: [...new Set(arnPaths)] };
}

function decodeSegment(segment: string): string {
  if (segment === '') throw unroutablePath('The path has an empty segment (a repeated slash)');
  if (MALFORMED_ESCAPE.test(segment)) {
    throw unroutablePath(`The path segment ${quoted(segment)} has a malformed percent-encoding`);
  }
  // RAW_ALLOWED made the path ASCII: without an escape, a segment decodes to itself.
  const text = segment.includes('%') ? decodeUtf8(segment) : segment;
  if (text === '.' || text === '..') throw unroutablePath(`The path has a dot segment (${quoted(segment)})`);
  if (text.includes('/') || text.includes('\\')) {
    throw unroutablePath(`The path segment ${quoted(segment)} has an encoded path separator`);
  }
  return text;
}

/** `%XY` escapes to bytes, read as UTF-8; the segment is ASCII, as RAW_ALLOWED made sure. */
function decodeUtf8(segment: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < segment.length; i++) {
    if (segment[i] === '%') {
      bytes.push(Number.parseInt(segment.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(segment.charCodeAt(i));
    }
  }
  try {
    return utf8.decode(Uint8Array.from(bytes));
  } catch {
    throw unroutablePath(`The path segment ${quoted(segment)} is not UTF-8 once decoded`);
  }
}

/** A segment as an error message shows it: quoted, and cut short when long. */
function quoted(segment: string): string {
  return `'${segment.length > 64 ? `${segment.slice(0, 64)}…` : segment}'`;
}
