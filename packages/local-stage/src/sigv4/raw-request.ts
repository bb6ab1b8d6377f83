import type { ReceivedRequest } from '../types';

/** A request-target split into its raw path and raw query string, percent-encoding untouched. */
export interface RawTarget {
  path: string;
  query: string;
}

/**
 * Splits a request-target; an absolute-form target (`http://host/path`) keeps only its path.
 *
 * @example
 * splitTarget('/users/a%20b?x=1') // { path: '/users/a%20b', query: 'x=1' }
 */
export function splitTarget(target: string): RawTarget {
  // The origin form (`/path?query`) every client sends needs no rewriting.
  const originForm = target.startsWith('/') ? target : target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?]*/i, '');
  const at = originForm.indexOf('?');
  if (at === -1) return { path: originForm, query: '' };
  return { path: originForm.slice(0, at), query: originForm.slice(at + 1) };
}

/**
 * The raw `name=value` pairs of a query string, in order, neither decoded nor sorted.
 *
 * @example
 * queryPairs('b=2&a&c=') // [['b', '2'], ['a', ''], ['c', '']]
 */
export function queryPairs(query: string): Array<[name: string, value: string]> {
  if (query === '') return [];
  return query
    .split('&')
    .filter((piece) => piece.length > 0)
    .map((piece) => {
      const at = piece.indexOf('=');
      return at === -1 ? [piece, ''] : [piece.slice(0, at), piece.slice(at + 1)];
    });
}

/**
 * The first value of a query parameter, decoded; parameter names are case-sensitive, as AWS reads them.
 *
 * @example
 * queryParam('X-Amz-Expires=300', 'X-Amz-Expires') // '300'
 */
export function queryParam(query: string, name: string): string | undefined {
  const pair = queryPairs(query).find(([key]) => safeDecode(key) === name);
  return pair ? safeDecode(pair[1]) : undefined;
}

/**
 * Every value of a header, in arrival order, by case-insensitive name.
 *
 * @example
 * headerValues({ ...request, headers: [['My-H', 'a'], ['my-h', 'b']] }, 'my-h') // ['a', 'b']
 */
export function headerValues(request: ReceivedRequest, name: string): string[] {
  const wanted = name.toLowerCase();
  const ascii = ASCII.test(wanted);
  const values: string[] = [];
  for (const [key, value] of request.headers) if (isNamed(key, wanted, ascii)) values.push(value);
  return values;
}

/** The first value of a header, which is the one AWS reads where a header should appear once. */
export function firstHeader(request: ReceivedRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const ascii = ASCII.test(wanted);
  for (const [key, value] of request.headers) if (isNamed(key, wanted, ascii)) return value;
  return undefined;
}

/** Text without a character beyond ASCII. */
const ASCII = /^[^\u0080-\uffff]*$/;

/**
 * Whether a header name is `wanted` (lower case) in any case. Names are looked up a dozen times per
 * request: for an ASCII name, comparing lengths first spares lower-casing every other name, since no
 * name lower-cases to ASCII text of another length.
 */
function isNamed(key: string, wanted: string, ascii: boolean): boolean {
  if (ascii && key.length !== wanted.length) return false;
  return key === wanted || key.toLowerCase() === wanted;
}

/**
 * The `SignedHeaders` list as lower-case names.
 *
 * @example
 * signedHeaderNames('Host;x-amz-date') // ['host', 'x-amz-date']
 */
export function signedHeaderNames(list: string): string[] {
  return list
    .split(';')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
