/** An HTTP/1.1 request read from the test suite's `.req` / `.sreq` bytes, nothing normalised. */
export interface RawHttpRequest {
  method: string;
  /** The request-target as written, spaces and raw UTF-8 included (`/example space/`). */
  target: string;
  /** Header pairs in file order; a folded (continuation) line stays in its value after a line break. */
  headers: Array<[name: string, value: string]>;
  body: Buffer;
}

/**
 * Parses a raw request: request line, header lines (continuation lines folded into the header
 * before them), a blank line, then the body bytes.
 *
 * @example
 * parseRawHttp(Buffer.from('GET / HTTP/1.1\nHost:example.amazonaws.com')).headers // [['Host', 'example.amazonaws.com']]
 */
export function parseRawHttp(bytes: Buffer): RawHttpRequest {
  const text = bytes.toString('utf8');
  const blank = /\r?\n\r?\n/.exec(text);
  const head = blank ? text.slice(0, blank.index) : text;
  const body = blank ? Buffer.from(text.slice(blank.index + blank[0].length), 'utf8') : Buffer.alloc(0);
  const [requestLine = '', ...headerLines] = head.split(/\r?\n/);
  return { ...parseRequestLine(requestLine), headers: parseHeaderLines(headerLines), body };
}

function parseRequestLine(line: string): { method: string; target: string } {
  const firstSpace = line.indexOf(' ');
  const version = line.lastIndexOf(' HTTP/');
  if (firstSpace === -1 || version <= firstSpace) throw new Error(`Not an HTTP request line: ${line}`);
  return { method: line.slice(0, firstSpace), target: line.slice(firstSpace + 1, version) };
}

function parseHeaderLines(lines: string[]): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  for (const line of lines) {
    if (line === '') continue; // a file may end its headers with a newline and no body
    const previous = headers.at(-1);
    if (/^[ \t]/.test(line) && previous) {
      previous[1] = `${previous[1]}\n${line}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon === -1) throw new Error(`Not a header line: ${line}`);
    headers.push([line.slice(0, colon), line.slice(colon + 1)]);
  }
  return headers;
}
