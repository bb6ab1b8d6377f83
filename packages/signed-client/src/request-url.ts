import axios, { type InternalAxiosRequestConfig } from 'axios';
import { SignedClientConfigError } from './errors';

/**
 * The absolute URL axios would request for this config (`baseURL` + `url` + `params`, through axios's
 * own `getUri`, then the WHATWG parser its http adapter uses), rewritten in the unambiguous form that
 * SigV4 canonicalizes: every path segment and query component percent-encoded per RFC 3986.
 *
 * Why rewrite: axios sends a space in `params` as `+`, which AWS reads as a literal plus, so the
 * signature would not match. A query `+` therefore means a space here (as axios meant it); write a
 * literal plus as `%2B`, which is what `params` does.
 *
 * @example
 * requestUrl({ baseURL: 'https://h/dev', url: '/users', params: { q: 'a b' } } as InternalAxiosRequestConfig);
 * // 'https://h/dev/users?q=a%20b'
 */
export function requestUrl(config: InternalAxiosRequestConfig): string {
  const url = parseAbsolute(joinedUri(config));
  url.hash = '';
  // The http adapter turns user info into Basic auth and then drops our Authorization header.
  url.username = '';
  url.password = '';
  url.pathname = url.pathname.split('/').map(reencode).join('/');
  url.search = toRfc3986Query(url.search);
  return url.href;
}

/**
 * The URL as errors report it: no query string (it may hold personal data) and no user info.
 *
 * @example
 * redactUrl('https://h/dev/users?email=a@b.c'); // 'https://h/dev/users'
 */
export function redactUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.origin + parsed.pathname;
  } catch {
    return url.replace(/[?#].*$/s, '');
  }
}

// In a `u` regular expression a surrogate pair is one code point: only a lone surrogate matches.
const LONE_SURROGATE = /\p{Cs}/u;
const NOT_WELL_FORMED =
  'holds an unpaired surrogate (text that is not well-formed Unicode), which UTF-8, and so a URL, cannot carry';

/**
 * `baseURL` + `url` + `params` as axios joins them. A lone surrogate is refused here, wherever it is:
 * in `params` axios's encoder would throw a bare URIError, and in the path the URL parser would
 * silently send U+FFFD instead, i.e. another URL than the one asked for.
 */
function joinedUri(config: InternalAxiosRequestConfig): string {
  let uri: string;
  try {
    uri = axios.getUri(config);
  } catch (cause) {
    if (!(cause instanceof URIError)) throw cause;
    throw new SignedClientConfigError(`A query parameter ${NOT_WELL_FORMED}`, {}, { cause });
  }
  if (LONE_SURROGATE.test(uri)) {
    throw new SignedClientConfigError(`The URL ${NOT_WELL_FORMED}`, { url: redactUrl(uri) });
  }
  return uri;
}

function parseAbsolute(uri: string): URL {
  try {
    return new URL(uri);
  } catch (cause) {
    throw new SignedClientConfigError(
      `Cannot sign a request to "${redactUrl(uri)}": the URL must be absolute; set baseURL`,
      { url: redactUrl(uri) },
      { cause },
    );
  }
}

function toRfc3986Query(search: string): string {
  const pairs = search.replace(/^\?/, '').split('&');
  return pairs
    .filter((pair) => pair !== '' && !pair.startsWith('='))
    .map((pair) => pair.split(/=(.*)/s, 2).map(formDecodeThenEncode).join('='))
    .join('&');
}

function formDecodeThenEncode(component: string): string {
  return reencode(component.replace(/\+/g, ' '));
}

function reencode(component: string): string {
  return encodeRfc3986(decodeStrictly(component));
}

function decodeStrictly(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch (cause) {
    throw new SignedClientConfigError(
      'Malformed percent-encoding (a lone % or invalid UTF-8) in the URL',
      {},
      { cause },
    );
  }
}

/** Leaves only the RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`) unencoded, as SigV4 does. */
function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
