/**
 * IAM's two wildcards, `*` (any run of characters) and `?` (exactly one), compiled to anchored
 * regular expressions. Compiled patterns are cached: the same policies are evaluated on every request.
 */

/** One cache per kind of pattern, keyed by the pattern itself. */
const actions = new Map<string, RegExp>();
const arns = new Map<string, RegExp>();
const strings = new Map<string, RegExp>();

function escapeRegExp(literal: string): string {
  return literal.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}

function compile(
  cache: Map<string, RegExp>,
  pattern: string,
  build: (pattern: string) => string,
  flags: string,
): RegExp {
  const cached = cache.get(pattern);
  if (cached) return cached;
  const compiled = new RegExp(`^${build(pattern)}$`, flags);
  cache.set(pattern, compiled);
  return compiled;
}

/**
 * Matches an action name against an `Action`/`NotAction` pattern. IAM compares action names
 * case-insensitively: `Execute-API:invoke` and `execute-api:*` both grant `execute-api:Invoke`.
 *
 * @example
 * actionMatches('ssm:Get*', 'ssm:GetParameter'); // true
 */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = compile(actions, pattern, globBody, 'is');
  return regex.test(action);
}

/**
 * Matches an ARN against a `Resource`/`NotResource` or `ArnLike` pattern, case-sensitively. Following
 * IAM's documented rule, a `*` matches anything within an ARN segment, `/` included, and a `*` that ends a
 * segment (followed by `:` or closing the pattern) may also run on across `:` boundaries; so
 * `arn:aws:execute-api:*` covers every execute-api ARN while `us-*-1` stays within the region segment.
 *
 * @example
 * arnMatches('arn:aws:execute-api:*:*:abc123/local/GET/users/*', 'arn:aws:execute-api:us-east-1:000000000000:abc123/local/GET/users/42'); // true
 */
export function arnMatches(pattern: string, arn: string): boolean {
  const regex = compile(arns, pattern, arnGlobBody, 's');
  return regex.test(arn);
}

/**
 * `StringLike` matching: `*` and `?` anywhere, case-sensitive, every other character literal.
 *
 * @example
 * stringLike('orders-*', 'orders-local'); // true
 */
export function stringLike(pattern: string, value: string): boolean {
  const regex = compile(strings, pattern, globBody, 's');
  return regex.test(value);
}

function globBody(pattern: string): string {
  return [...pattern].map((char) => (char === '*' ? '.*' : char === '?' ? '.' : escapeRegExp(char))).join('');
}

function arnGlobBody(pattern: string): string {
  const chars = [...pattern];
  return chars
    .map((char, index) => {
      if (char === '?') return '.';
      if (char !== '*') return escapeRegExp(char);
      const next = chars[index + 1];
      return next === undefined || next === ':' ? '.*' : '[^:]*';
    })
    .join('');
}
