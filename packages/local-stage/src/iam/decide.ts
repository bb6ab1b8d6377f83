import type { NamedPolicy, PolicyDocument } from '../types';
import { ownerOfResource } from './arns';
import { type Decision, evaluate, type RequestToAuthorize, type StatementRef } from './evaluate';
import type { CallerChain } from './principals';

/** The kinds of policy the local stage evaluates for a request. */
export type PolicyType = 'identity' | 'resource' | 'boundary';

/** A statement and the kind of policy it belongs to. */
export interface TypedStatementRef extends StatementRef {
  policyType: PolicyType;
}

/** A statement the local stage could not evaluate, why, and the kind of policy it belongs to. */
export interface TypedUnevaluable {
  statement: TypedStatementRef;
  reason: string;
}

/** Who asks: the caller and the policies attached to it. A `Principal` of the key ring is one. */
export interface PrincipalUnderEvaluation {
  /** The role session's or IAM user's ARN. */
  arn: string;
  accountId: string;
  /** For a role session: its role's ARN, path included. */
  roleArn?: string;
  /** `AROA…:{session}` or `AIDA…`: the unique id a resource policy may name. */
  userId?: string;
  /** Identity-based policies: inline and managed. */
  policies: NamedPolicy[];
  /** The permissions boundary, if the role or user has one. */
  permissionsBoundary?: NamedPolicy;
}

/**
 * An unsigned caller, as API Gateway names it in its messages: a method without authorization on an
 * API with a resource policy. No identity policy applies; only the resource policy can allow.
 */
export const ANONYMOUS: Readonly<PrincipalUnderEvaluation & { userId: string }> = Object.freeze({
  arn: 'anonymous',
  accountId: '',
  userId: 'anonymous',
  policies: [],
});

/** A resource-based policy (a REST API's `Policy`), and the account that owns the resource. */
export interface ResourcePolicy {
  /** How reports and messages name it, e.g. `users-local (REST API k3q8…)`. */
  name: string;
  document: PolicyDocument;
  ownerAccountId: string;
}

/**
 * The policy a typed statement reference names: the resource policy, the permissions boundary, or
 * one of the principal's identity policies by name.
 *
 * @example
 * policyOfRef({ policyName: 'orders-local-lambda', index: 0, policyType: 'identity' }, principal)?.document;
 */
export function policyOfRef(
  ref: TypedStatementRef,
  principal: PrincipalUnderEvaluation,
  resourcePolicy?: ResourcePolicy,
): NamedPolicy | undefined {
  if (ref.policyType === 'resource') return resourcePolicy;
  if (ref.policyType === 'boundary') return principal.permissionsBoundary;
  return principal.policies.find((policy) => policy.name === ref.policyName);
}

export interface AuthorizationInput {
  principal: PrincipalUnderEvaluation;
  request: RequestToAuthorize;
  resourcePolicy?: ResourcePolicy;
}

/**
 * What IAM decided and why.
 * - `effect`: `Allow`, `ExplicitDeny` (a Deny applied, or one the stage could not evaluate) or
 *   `ImplicitDeny` (nothing allowed it).
 * - `decidedBy`: the kind of policy that settled it: the one holding the Deny; for an implicit deny,
 *   the one that did not allow (AWS's "because no {identity-based policy | permissions boundary |
 *   resource-based policy} allows …"); for an Allow, the one whose Allow granted.
 * - `matched`: the statements that decided (the Allows used, or the Denies that applied).
 * - `unevaluableConditions`: what the stage could not evaluate among the statements that mattered.
 * - `crossAccount`: whether the caller's account differs from the resource owner's.
 * - `verdicts`: each policy type's own outcome, for explanations.
 */
export interface AuthorizationDecision {
  effect: 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';
  decidedBy: PolicyType;
  matched: TypedStatementRef[];
  unevaluableConditions: TypedUnevaluable[];
  crossAccount: boolean;
  verdicts: { identity: Decision; boundary?: Decision; resource?: Decision };
}

type Verdict = [PolicyType, Decision];

/**
 * The local stage's one IAM engine: whether `principal` may perform `request.action` on
 * `request.resource`, combining its identity-based policies, its permissions boundary and the
 * resource's policy as AWS does. A pure function: the front door, the access report and any policy
 * test evaluate through it.
 *
 * Rules, from "Policy evaluation logic", "Cross-account policy evaluation logic", "Permissions
 * boundaries for IAM entities" and, for REST APIs, "How API Gateway resource policies affect
 * authorization workflow" (its tables A and B for IAM authentication):
 * 1. an explicit Deny in any policy denies (an unevaluable Deny counts as one);
 * 2. same account: identity-based policies allow within the boundary (the intersection), or the
 *    resource policy allows on its own when it names the caller itself or `"*"`, within the boundary
 *    when it names the caller's role, and only together with an identity Allow when it names the account;
 * 3. across accounts: identity-based policies (within the boundary) and the resource policy must both
 *    allow; with no resource policy nothing crosses;
 * 4. an anonymous caller (`ANONYMOUS`, a method without authorization) needs an explicit Allow of the
 *    resource policy ("API Gateway resource policy only").
 *
 * @example
 * decide({ principal: session, request: { action: 'execute-api:Invoke', resource: methodArn },
 *   resourcePolicy: { name: 'users-local', document, ownerAccountId: '000000000000' } });
 * // { effect: 'ExplicitDeny', decidedBy: 'resource', matched: [{ policyType: 'resource', policyName: 'users-local', index: 0 }], … }
 */
export function decide({ principal, request, resourcePolicy }: AuthorizationInput): AuthorizationDecision {
  const identity = evaluate(principal.policies, request);
  const boundary = principal.permissionsBoundary
    ? evaluate([principal.permissionsBoundary], request)
    : undefined;
  const resource = resourcePolicy
    ? evaluate([{ name: resourcePolicy.name, document: resourcePolicy.document }], request, {
        caller: callerChain(principal),
      })
    : undefined;
  const owner = resourcePolicy?.ownerAccountId ?? ownerOfResource(request.resource) ?? principal.accountId;
  const anonymous = isAnonymous(principal);
  const crossAccount = !anonymous && owner !== principal.accountId;
  const verdicts: Verdict[] = [['identity', identity]];
  if (resource) verdicts.push(['resource', resource]);
  if (boundary) verdicts.push(['boundary', boundary]);
  const outcome =
    explicitDeny(verdicts) ??
    (anonymous ? resourcePolicyOnly(resource) : allowOrImplicitDeny(verdicts, crossAccount));
  const verdictsByType: AuthorizationDecision['verdicts'] = { identity };
  if (boundary) verdictsByType.boundary = boundary;
  if (resource) verdictsByType.resource = resource;
  return {
    crossAccount,
    verdicts: verdictsByType,
    effect: outcome.effect,
    decidedBy: outcome.decidedBy,
    matched: outcome.matched,
    unevaluableConditions: outcome.unevaluableConditions,
  };
}

function isAnonymous(principal: PrincipalUnderEvaluation): boolean {
  return principal.arn === ANONYMOUS.arn && principal.accountId === ANONYMOUS.accountId;
}

/** An anonymous caller: only an explicit Allow of the resource policy lets it through. */
function resourcePolicyOnly(resource: Decision | undefined): Outcome {
  if (resource?.effect === 'Allow') return allowedBy('resource', [['resource', resource]]);
  return {
    effect: 'ImplicitDeny',
    decidedBy: 'resource',
    matched: [],
    unevaluableConditions: resource ? typedUnevaluable(['resource', resource]) : [],
  };
}

type Outcome = Pick<AuthorizationDecision, 'effect' | 'decidedBy' | 'matched' | 'unevaluableConditions'>;

/** Step 1: a Deny that applied in any policy; failing that, one the stage could not evaluate. */
function explicitDeny(verdicts: Verdict[]): Outcome | undefined {
  const denying = verdicts.filter(([, decision]) => decision.effect === 'ExplicitDeny');
  const definite = denying.filter(([, decision]) => unevaluableOf(decision).length === 0);
  const chosen = definite.length > 0 ? definite : denying;
  const [first] = chosen;
  if (!first) return undefined;
  return {
    effect: 'ExplicitDeny',
    decidedBy: first[0],
    matched: chosen.flatMap(typedMatches),
    unevaluableConditions: definite.length > 0 ? [] : chosen.flatMap(typedUnevaluable),
  };
}

function allowOrImplicitDeny(verdicts: Verdict[], crossAccount: boolean): Outcome {
  const identity = verdictOf(verdicts, 'identity') as Verdict;
  const boundary = verdictOf(verdicts, 'boundary');
  const resource = verdictOf(verdicts, 'resource');
  const withinBoundary = !boundary || allows(boundary);
  const identityGrants = allows(identity) && withinBoundary;
  const boundaryUsed = boundary ? [boundary] : [];
  if (crossAccount) {
    if (identityGrants && resource && allows(resource))
      return allowedBy('resource', [identity, ...boundaryUsed, resource]);
  } else if (identityGrants) {
    return allowedBy('identity', [identity, ...boundaryUsed]);
  } else if (resource?.[1].effect === 'Allow') {
    const grantedTo = resource[1].grantedTo ?? 'account';
    if (grantedTo === 'caller' || grantedTo === 'everyone') return allowedBy('resource', [resource]);
    if (grantedTo === 'role' && withinBoundary) return allowedBy('resource', [resource, ...boundaryUsed]);
  }
  return {
    effect: 'ImplicitDeny',
    decidedBy: implicitDenier(identity, boundary, resource, crossAccount),
    matched: [],
    unevaluableConditions: verdicts.flatMap(typedUnevaluable),
  };
}

function verdictOf(verdicts: Verdict[], type: PolicyType): Verdict | undefined {
  for (const verdict of verdicts) if (verdict[0] === type) return verdict;
  return undefined;
}

function allows(verdict: Verdict): boolean {
  return verdict[1].effect === 'Allow';
}

function allowedBy(decidedBy: PolicyType, used: Verdict[]): Outcome {
  return { effect: 'Allow', decidedBy, matched: used.flatMap(typedMatches), unevaluableConditions: [] };
}

/** The policy type AWS names in "because no … allows the action". */
function implicitDenier(
  identity: Verdict,
  boundary: Verdict | undefined,
  resource: Verdict | undefined,
  crossAccount: boolean,
): PolicyType {
  const boundaryDenies = boundary !== undefined && boundary[1].effect !== 'Allow';
  if (crossAccount) {
    if (identity[1].effect !== 'Allow') return 'identity';
    return boundaryDenies ? 'boundary' : 'resource';
  }
  const resourceGrantsToRole = resource?.[1].effect === 'Allow' && resource[1].grantedTo === 'role';
  if (boundaryDenies && (identity[1].effect === 'Allow' || resourceGrantsToRole)) return 'boundary';
  return 'identity';
}

function typedMatches([policyType, decision]: Verdict): TypedStatementRef[] {
  if (decision.effect === 'ImplicitDeny') return [];
  return decision.matched.map((ref) => ({ ...ref, policyType }));
}

function unevaluableOf(decision: Decision) {
  return decision.effect === 'Allow' ? [] : (decision.unevaluableConditions ?? []);
}

function typedUnevaluable([policyType, decision]: Verdict): TypedUnevaluable[] {
  return unevaluableOf(decision).map(({ statement, reason }) => ({
    statement: { ...statement, policyType },
    reason,
  }));
}

/**
 * The caller as a resource policy's `Principal` can name it: its session ARN, account, role ARN and
 * unique id (`AROA…`, without the session name).
 *
 * @example callerChain(principal).uniqueId; // 'AROAEXAMPLEORDERS000'
 */
export function callerChain(principal: PrincipalUnderEvaluation): CallerChain {
  const uniqueId = principal.userId?.split(':')[0];
  return {
    arn: principal.arn,
    accountId: principal.accountId,
    ...(principal.roleArn ? { roleArn: principal.roleArn } : {}),
    ...(uniqueId ? { uniqueId } : {}),
  };
}
