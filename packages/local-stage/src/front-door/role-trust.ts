import { type Decision, evaluate, type RequestToAuthorize } from '../iam';
import type { Role } from '../identity/key-ring';
import type { Principal, Statement } from '../types';

/** A trust policy statement: an identity statement with the principals it applies to. */
type TrustStatement = Statement & { Principal?: unknown; NotPrincipal?: unknown };

export interface TrustDecision {
  effect: Decision['effect'];
  /**
   * True when an Allow names the caller itself (its user or role ARN), not its account: within one
   * account, a resource-based policy that names the principal grants access without an identity policy.
   */
  namesCaller: boolean;
}

/**
 * Evaluates a role's trust policy (`AssumeRolePolicyDocument`) for a caller of `sts:AssumeRole`: the
 * statements whose `Principal` includes the caller (or whose `NotPrincipal` leaves it out) are
 * evaluated as IAM evaluates any policy, an explicit Deny winning
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 * A service principal (`lambda.amazonaws.com`) never matches a caller of the front door.
 *
 * @example
 * trustDecision(ordersRole, developer, { action: 'sts:AssumeRole', resource: ordersRole.arn });
 * // { effect: 'ImplicitDeny', namesCaller: false }: its trust allows only lambda.amazonaws.com
 */
export function trustDecision(role: Role, caller: Principal, request: RequestToAuthorize): TrustDecision {
  const statements = listOf<TrustStatement>(role.trustPolicy?.Statement);
  const applying = statements.filter((statement) => appliesTo(statement, caller));
  const document = { Version: '2012-10-17', Statement: applying.map(asIdentityStatement) };
  const decision = evaluate([{ name: `trust policy of ${role.roleName}`, document }], request);
  const namesCaller =
    decision.effect === 'Allow' &&
    applying.some(
      (statement) =>
        statement.Effect === 'Allow' &&
        statement.Principal !== undefined &&
        principalArns(statement.Principal).some((arn) => namesExactly(arn, caller)),
    );
  return { effect: decision.effect, namesCaller };
}

function appliesTo(statement: TrustStatement, caller: Principal): boolean {
  if (statement.Principal !== undefined) return includes(statement.Principal, caller);
  if (statement.NotPrincipal !== undefined) return !includes(statement.NotPrincipal, caller);
  return false;
}

/** The statement as identity-policy evaluation reads it: the resource is the role itself. */
function asIdentityStatement({ Principal, NotPrincipal, ...statement }: TrustStatement): Statement {
  return { ...statement, Resource: '*' };
}

function includes(principal: unknown, caller: Principal): boolean {
  if (principal === '*') return true;
  return principalArns(principal).some(
    (entry) => entry === '*' || namesAccount(entry, caller) || namesExactly(entry, caller),
  );
}

/** The `AWS` entries of a Principal element; service, federated and canonical-user entries never match. */
function principalArns(principal: unknown): string[] {
  if (typeof principal !== 'object' || principal === null) return [];
  return listOf<unknown>((principal as { AWS?: unknown }).AWS).filter(
    (entry): entry is string => typeof entry === 'string',
  );
}

/** `123456789012` or `arn:aws:iam::123456789012:root`: every principal of that account. */
function namesAccount(entry: string, caller: Principal): boolean {
  return entry === caller.accountId || entry === `arn:aws:iam::${caller.accountId}:root`;
}

/** The caller's own ARN: the user, the role of a role session (with any path), or the session itself. */
function namesExactly(entry: string, caller: Principal): boolean {
  if (entry === caller.arn) return true;
  if (!caller.roleName) return false;
  const prefix = `arn:aws:iam::${caller.accountId}:role/`;
  return entry.startsWith(prefix) && entry.slice(prefix.length).split('/').at(-1) === caller.roleName;
}

function listOf<T>(value: unknown): T[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as T[];
}
