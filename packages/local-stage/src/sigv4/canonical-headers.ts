import type { ReceivedRequest } from '../types';
import { headerValues } from './raw-request';

/**
 * The canonical headers block for the signed header names: `name:value\n` for each, values of a
 * repeated header joined with `,` in arrival order, each value trimmed with runs of whitespace
 * (a folded line's line break included) collapsed to one space. A signed header the request lacks
 * contributes no line, so the signature cannot match.
 *
 * @example
 * canonicalHeaders(request, ['host', 'my-header1']) // 'host:example.amazonaws.com\nmy-header1:a b,c\n'
 */
export function canonicalHeaders(request: ReceivedRequest, signedHeaders: string[]): string {
  return signedHeaders
    .map((name) => [name, headerValues(request, name)] as const)
    .filter(([, values]) => values.length > 0)
    .map(([name, values]) => `${name}:${values.map(canonicalHeaderValue).join(',')}\n`)
    .join('');
}

/**
 * One header value as SigV4 signs it.
 *
 * @example
 * canonicalHeaderValue('  "a   b"\n   c ') // '"a b" c'
 */
export function canonicalHeaderValue(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}
