import { normalizeEncoding, uriEncode } from './percent-encoding';

export interface CanonicalUriOptions {
  /** Encode the path as received once more: every service but S3 (and the test suite's `service`). */
  doubleEncodePath: boolean;
  /** Remove `.` and `..` segments and merge repeated slashes: every service but S3. */
  normalizePath: boolean;
}

/**
 * The canonical URI of a raw request path. Clients sign the path they send encoded once more
 * (botocore's `quote(path)`, smithy's `uriEscapePath`, aws4's default), so with `doubleEncodePath`
 * each segment is encoded as received; otherwise (S3, the suite's `service`) each segment is
 * decoded and encoded once, which is how `/example space/` signs as `/example%20space/`.
 *
 * @example
 * canonicalUri('/a%20b/./c', { doubleEncodePath: true, normalizePath: true })  // '/a%2520b/c'
 * canonicalUri('/a%20b/./c', { doubleEncodePath: false, normalizePath: true }) // '/a%20b/c'
 */
export function canonicalUri(rawPath: string, options: CanonicalUriOptions): string {
  const path = rawPath.length === 0 ? '/' : rawPath;
  const segments = options.normalizePath ? removeDotSegments(path) : path.split('/');
  const encode = options.doubleEncodePath ? uriEncode : normalizeEncoding;
  const encoded = segments.map((segment) => encode(segment)).join('/');
  if (!options.normalizePath) return encoded;
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return `/${encoded}${trailing}`;
}

/**
 * The path's segments without empty, `.` and `..` ones, the way botocore's `normpath` and smithy
 * normalize before signing: `//example//` → `example`, `/a/b/../..` → nothing.
 */
function removeDotSegments(path: string): string[] {
  const kept: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') kept.pop();
    else kept.push(segment);
  }
  return kept;
}
