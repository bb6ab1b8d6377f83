import type { PolicyPrincipal, Statement } from '../types';

/**
 * Who is calling, as a resource-based policy's `Principal` sees it: the caller itself (a role session's
 * or an IAM user's ARN), the role a session belongs to, and the account.
 */
export interface CallerChain {
  /** `arn:aws:sts::{account}:assumed-role/{role}/{session}` or `arn:aws:iam::{account}:user/{name}` */
  arn: string;
  accountId: string;
  /** For a role session: the role's ARN, path included. */
  roleArn?: string;
  /** The role's or user's unique id (`AROA…`, `AIDA…`), which a policy shows for a deleted principal. */
  uniqueId?: string;
}

/**
 * How a statement's `Principal` names the caller, from the most direct to the least. It decides which
 * implicit denies still apply to what the statement grants ("Policy evaluation logic", resource-based
 * policies within one account):
 * - `caller`: the session's or user's own ARN; not limited by identity policies or a boundary;
 * - `everyone`: `"*"`; for principals of the account "no other permissions are required", and a
 *   boundary does not limit it ("AWS JSON policy elements: Principal", all principals);
 * - `role`: the session's role; limited by the role's permissions boundary;
 * - `account`: delegates to the account ("AWS account principals"), whose identity policies must then
 *   allow the request too.
 */
export type PrincipalMatch = 'caller' | 'everyone' | 'role' | 'account';

export type PrincipalOutcome =
  | { kind: 'match'; how: PrincipalMatch }
  | { kind: 'nomatch' }
  | { kind: 'unevaluable'; reason: string };

const STRENGTH: Record<PrincipalMatch, number> = { caller: 3, everyone: 2, role: 1, account: 0 };

/**
 * The stronger of two ways a caller was named, for a request several statements allow.
 *
 * @example strongest('account', 'role'); // 'role'
 */
export function strongest(a: PrincipalMatch, b: PrincipalMatch): PrincipalMatch {
  return STRENGTH[a] >= STRENGTH[b] ? a : b;
}

/**
 * Whether a resource-policy statement applies to the caller, through `Principal` or `NotPrincipal`
 * ("AWS JSON policy elements: Principal" and "…: NotPrincipal"). A statement with neither does not
 * apply: a resource-based policy must name its principals. A value IAM does not accept (a partial
 * wildcard, an unknown form) makes the statement unevaluable.
 *
 * @example
 * matchPrincipal({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:role/orders' }, Action: '*', Resource: '*' },
 *   { arn: 'arn:aws:sts::000000000000:assumed-role/orders/fn', accountId: '000000000000', roleArn: 'arn:aws:iam::000000000000:role/orders' });
 * // { kind: 'match', how: 'role' }
 */
export function matchPrincipal(statement: Statement, caller: CallerChain): PrincipalOutcome {
  if (statement.Principal !== undefined) return matchNamed(statement.Principal, caller);
  if (statement.NotPrincipal !== undefined) return matchNotPrincipal(statement, caller);
  return { kind: 'nomatch' };
}

function matchNamed(principal: PolicyPrincipal, caller: CallerChain): PrincipalOutcome {
  let best: PrincipalMatch | undefined;
  for (const value of awsValues(principal)) {
    const how = nameFor(value, caller);
    if (typeof how === 'object') return { kind: 'unevaluable', reason: how.invalid };
    if (how) best = best ? strongest(best, how) : how;
  }
  return best ? { kind: 'match', how: best } : { kind: 'nomatch' };
}

/**
 * `NotPrincipal` applies a statement to everyone it does not list. AWS may check each level of a
 * caller (account, then role, then session), so with `Deny` the caller escapes only when every level
 * is listed, as the NotPrincipal page's examples do. With `Allow` the local stage grants only when no
 * level is listed, which can grant less than AWS, never more.
 */
function matchNotPrincipal(statement: Statement, caller: CallerChain): PrincipalOutcome {
  const listed = { account: false, role: false, caller: false };
  for (const value of awsValues(statement.NotPrincipal ?? {})) {
    const how = nameFor(value, caller);
    if (typeof how === 'object') return { kind: 'unevaluable', reason: how.invalid };
    if (how === 'everyone') listed.account = listed.role = listed.caller = true;
    else if (how) listed[how] = true;
  }
  const levels = [listed.account, caller.roleArn ? listed.role : true, listed.caller];
  if (statement.Effect === 'Deny') {
    return levels.every(Boolean) ? { kind: 'nomatch' } : { kind: 'match', how: 'everyone' };
  }
  return levels.some(Boolean) ? { kind: 'nomatch' } : { kind: 'match', how: 'everyone' };
}

/** The `AWS` principals of the element (`"*"` is `{"AWS": "*"}`); services and federated providers are never an IAM caller. */
function awsValues(principal: PolicyPrincipal): string[] {
  if (principal === '*') return ['*'];
  if (typeof principal !== 'object' || principal === null) return [String(principal)];
  const aws = principal.AWS;
  if (aws === undefined) return [];
  return (Array.isArray(aws) ? aws : [aws]).map(String);
}

/** How one `AWS` principal value names the caller; `undefined` when it names someone else. */
function nameFor(value: string, caller: CallerChain): PrincipalMatch | undefined | { invalid: string } {
  if (value === '*') return 'everyone';
  if (value.includes('*') || value.includes('?')) {
    return { invalid: `the principal ${value} uses a wildcard, which IAM accepts only as "*" alone` };
  }
  if (/^\d{12}$/.test(value)) return value === caller.accountId ? 'account' : undefined;
  if (/^A[A-Z]{3}[A-Z0-9]{12,}$/.test(value)) {
    return value === caller.uniqueId ? (caller.roleArn ? 'role' : 'caller') : undefined;
  }
  const arn = /^arn:[^:]+:(iam|sts)::(\d{12}):(.+)$/.exec(value);
  if (!arn) return { invalid: `${value} is not a principal IAM recognises` };
  const [, , account, resource] = arn;
  if (resource === 'root') return account === caller.accountId ? 'account' : undefined;
  if (value === caller.arn) return 'caller';
  if (caller.roleArn && value === caller.roleArn) return 'role';
  return undefined;
}
