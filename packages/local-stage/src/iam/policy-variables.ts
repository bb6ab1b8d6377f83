/**
 * Policy variables (`${aws:username}`) in `Resource` and condition values.
 *
 * IAM substitutes them only in policies whose `Version` is `2012-10-17`; in older or unversioned
 * policies `${…}` is literal text. A variable with a default (`${aws:username, 'nobody'}`) takes the
 * default when the key is missing; the escapes `${*}`, `${?}` and `${$}` stand for the literal characters.
 * A variable the request context has no value for cannot be substituted: the local stage reports it as
 * unevaluable rather than guessing (AWS would leave the element unmatched).
 */

export type Substitution = { ok: true; value: string } | { ok: false; missingKey: string };

const VARIABLE = /\$\{([^}]*)\}/g;
const ESCAPES: Record<string, string> = { '*': '*', '?': '?', $: '$' };

/**
 * Whether IAM substitutes variables in a policy of this `Version`.
 *
 * @example
 * substitutesVariables('2008-10-17'); // false
 */
export function substitutesVariables(version: string | undefined): boolean {
  return version === '2012-10-17';
}

/**
 * Replaces each `${key}` in `text` with the request's single value for that key.
 *
 * @example
 * substitute('arn:aws:iam::000000000000:user/${aws:username}', (key) => key === 'aws:username' ? 'ada' : undefined);
 * // { ok: true, value: 'arn:aws:iam::000000000000:user/ada' }
 */
export function substitute(text: string, lookup: (key: string) => string | undefined): Substitution {
  let missingKey: string | undefined;
  const value = text.replace(VARIABLE, (whole, inner: string) => {
    const escaped = ESCAPES[inner.trim()];
    if (escaped !== undefined) return escaped;
    const [key = '', fallback] = splitDefault(inner);
    const resolved = lookup(key) ?? fallback;
    if (resolved === undefined) missingKey ??= key;
    return resolved ?? whole;
  });
  return missingKey === undefined ? { ok: true, value } : { ok: false, missingKey };
}

/** `aws:username, 'nobody'` → [`aws:username`, `nobody`]. */
function splitDefault(inner: string): [string, string | undefined] {
  const comma = inner.indexOf(',');
  if (comma === -1) return [inner.trim(), undefined];
  const fallback = inner
    .slice(comma + 1)
    .trim()
    .replace(/^'(.*)'$/s, '$1');
  return [inner.slice(0, comma).trim(), fallback];
}
