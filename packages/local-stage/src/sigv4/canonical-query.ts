import { normalizeEncoding } from './percent-encoding';
import { queryPairs } from './raw-request';

/**
 * The canonical query string: each name and value decoded (with `+` as a space, as form encoding
 * has it) and encoded the SigV4 way, then sorted by name and by value. A presigned request leaves out
 * its own `X-Amz-Signature`, which cannot sign itself.
 *
 * @example
 * canonicalQuery('b=2&a=%7e&a=1+2', { presigned: false }) // 'a=1%202&a=~&b=2'
 */
export function canonicalQuery(rawQuery: string, { presigned }: { presigned: boolean }): string {
  return queryPairs(rawQuery)
    .map(([name, value]) => [
      normalizeEncoding(name, { plusIsSpace: true }),
      normalizeEncoding(value, { plusIsSpace: true }),
    ])
    .filter(([name]) => !(presigned && name === 'X-Amz-Signature'))
    .sort(
      ([nameA = '', valueA = ''], [nameB = '', valueB = '']) =>
        compare(nameA, nameB) || compare(valueA, valueB),
    )
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** Byte order, which is code-unit order for the ASCII that encoding leaves. */
function compare(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
