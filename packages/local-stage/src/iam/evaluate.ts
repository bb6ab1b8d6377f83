import type { NamedPolicy, Statement } from '../types';
import { type ConditionContext, conditionContext, evaluateConditions, singleValue } from './conditions';
import { type Substitution, substitute, substitutesVariables } from './policy-variables';
import { type CallerChain, matchPrincipal, type PrincipalMatch, strongest } from './principals';
import { actionMatches, arnMatches } from './wildcards';

/** Which statement: its policy, its position in the policy's `Statement` list, and its `Sid` if any. */
export interface StatementRef {
  policyName: string;
  index: number;
  sid?: string;
}

/** A statement the local stage could not evaluate, and why. */
export interface UnevaluableStatement {
  statement: StatementRef;
  reason: string;
}

/**
 * The outcome of evaluating one set of policies (identity-based, a boundary, or a resource policy).
 * `matched` lists the statements that decided it. An `ExplicitDeny` rests on the Deny statements that
 * matched or, when none did, on those whose conditions could not be evaluated: the local stage applies
 * those conservatively and lists the conditions in `unevaluableConditions`. For a resource policy, an
 * `Allow` says how directly its statements named the caller (`grantedTo`).
 */
export type Decision =
  | { effect: 'Allow'; matched: StatementRef[]; grantedTo?: PrincipalMatch }
  | { effect: 'ExplicitDeny'; matched: StatementRef[]; unevaluableConditions?: UnevaluableStatement[] }
  | { effect: 'ImplicitDeny'; unevaluableConditions: UnevaluableStatement[] };

/** One action on one resource, with the request's condition keys. */
export interface RequestToAuthorize {
  /** e.g. `execute-api:Invoke` */
  action: string;
  /** The resource ARN, or `*` for actions without resource-level permissions. */
  resource: string;
  /** Condition keys such as `aws:SourceIp`, `aws:PrincipalArn`, `aws:CurrentTime`, `aws:SecureTransport`. */
  context?: Record<string, string | string[]>;
  /**
   * Condition keys AWS leaves out of this request's context (a family as `aws:PrincipalTag/*`). A key
   * neither in `context` nor here is one the evaluator cannot know: a condition on it is unevaluable.
   */
  absentKeys?: readonly string[];
}

/** How to evaluate: identity-based policies by default; a resource policy for a given caller. */
export interface EvaluateOptions {
  /** Evaluate as a resource-based policy: a statement applies only if its `Principal` names this caller. */
  caller?: CallerChain;
}

type Match =
  | { kind: 'match'; how?: PrincipalMatch }
  | { kind: 'nomatch' }
  | { kind: 'unevaluable'; reasons: string[] };

const MATCH: Match = { kind: 'match' };
const NO_MATCH: Match = { kind: 'nomatch' };

interface Evaluated {
  ref: StatementRef;
  match: Match;
}

/**
 * Evaluates one set of policies the way IAM does ("Policy evaluation logic"): an explicit Deny wins,
 * then any Allow, else implicit deny. With `options.caller` the policies are a resource policy and a
 * statement applies only to the principals it names; `decide` combines the policy types.
 *
 * What the local stage cannot evaluate (an unknown condition operator, a condition key it does not
 * know for the request, a policy variable with no value, a principal IAM would not accept) makes
 * that statement unevaluable. An unevaluable Allow grants nothing, so the request is denied unless another Allow
 * grants it, and the decision says which condition failed to evaluate. An unevaluable Deny is
 * applied as if it matched: the stage never lets through a request AWS might refuse.
 *
 * @example
 * evaluate([{ name: 'orders', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: 'arn:aws:execute-api:*:*:abc123/local/GET/users/*' }] } }],
 *   { action: 'execute-api:Invoke', resource: 'arn:aws:execute-api:us-east-1:000000000000:abc123/local/GET/users/42' });
 * // { effect: 'Allow', matched: [{ policyName: 'orders', index: 0 }] }
 */
export function evaluate(
  policies: NamedPolicy[],
  request: RequestToAuthorize,
  options: EvaluateOptions = {},
): Decision {
  const context = new LazyContext(request);
  // One pass, in statement order; most statements neither match nor are unevaluable.
  const denying: StatementRef[] = [];
  const doubtfulDenies: Evaluated[] = [];
  const granting: Evaluated[] = [];
  const doubtfulAllows: Evaluated[] = [];
  for (const policy of policies) {
    const variables = substitutesVariables(policy.document.Version);
    const statements = statementsOf(policy);
    for (let index = 0; index < statements.length; index++) {
      const statement = statements[index] as Statement;
      const match = matchStatement(statement, request, context, variables, options.caller);
      if (match.kind === 'nomatch') continue;
      const evaluated = { ref: statementRef(policy.name, index, statement), match };
      if (statement.Effect === 'Deny') {
        if (match.kind === 'match') denying.push(evaluated.ref);
        else doubtfulDenies.push(evaluated);
      } else if (match.kind === 'match') {
        granting.push(evaluated);
      } else {
        doubtfulAllows.push(evaluated);
      }
    }
  }
  if (denying.length > 0) return { effect: 'ExplicitDeny', matched: denying };
  const doubtful = unevaluableOf(doubtfulDenies);
  if (doubtful.length > 0) {
    const matched = [...new Set(doubtful.map(({ statement }) => statement))];
    return { effect: 'ExplicitDeny', matched, unevaluableConditions: doubtful };
  }
  if (granting.length > 0) {
    const matched = granting.map((item) => item.ref);
    const grantedTo = mostDirectGrant(granting);
    return grantedTo ? { effect: 'Allow', matched, grantedTo } : { effect: 'Allow', matched };
  }
  return { effect: 'ImplicitDeny', unevaluableConditions: unevaluableOf(doubtfulAllows) };
}

/** Of the Allows of a resource policy that matched, the one that names the caller most directly. */
function mostDirectGrant(granting: Evaluated[]): PrincipalMatch | undefined {
  let best: PrincipalMatch | undefined;
  for (const { match } of granting) {
    if (match.kind === 'match' && match.how) best = best ? strongest(best, match.how) : match.how;
  }
  return best;
}

/** The request's condition context, built on first use: most statements have no condition and no variable. */
class LazyContext {
  private built: ConditionContext | undefined;

  constructor(private readonly request: RequestToAuthorize) {}

  get(): ConditionContext {
    this.built ??= conditionContext(this.request.context, this.request.absentKeys);
    return this.built;
  }
}

function unevaluableOf(items: Evaluated[]): UnevaluableStatement[] {
  return items.flatMap((item) =>
    item.match.kind === 'unevaluable'
      ? item.match.reasons.map((reason) => ({ statement: item.ref, reason }))
      : [],
  );
}

/**
 * A policy's statements, as a list whether the document holds one or many.
 *
 * @example
 * statementsOf({ name: 'p', document: { Statement: { Effect: 'Allow', Action: '*', Resource: '*' } } }).length; // 1
 */
export function statementsOf(policy: NamedPolicy): Statement[] {
  const { Statement: statements } = policy.document;
  return Array.isArray(statements) ? statements : [statements];
}

/**
 * The reference the decision and the access report use for a statement.
 *
 * @example
 * statementRef('orders-lambda', 0, { Sid: 'ReadUsers', Effect: 'Allow', Action: '*', Resource: '*' }); // { policyName: 'orders-lambda', index: 0, sid: 'ReadUsers' }
 */
export function statementRef(policyName: string, index: number, statement: Statement): StatementRef {
  return statement.Sid ? { policyName, index, sid: statement.Sid } : { policyName, index };
}

function matchStatement(
  statement: Statement,
  request: RequestToAuthorize,
  context: LazyContext,
  variables: boolean,
  caller: CallerChain | undefined,
): Match {
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') return NO_MATCH;
  const principal = caller ? matchPrincipal(statement, caller) : undefined;
  if (principal?.kind === 'nomatch') return NO_MATCH;
  if (!matchesAction(statement, request.action)) return NO_MATCH;
  const resource = matchesResource(statement, request.resource, context, variables);
  if (resource.kind === 'nomatch') return NO_MATCH;
  const conditions = statement.Condition
    ? evaluateConditions(statement.Condition, context.get(), variables)
    : ({ kind: 'true' } as const);
  if (conditions.kind === 'false') return NO_MATCH;
  const reasons = [
    ...(principal?.kind === 'unevaluable' ? [principal.reason] : []),
    ...(resource.kind === 'unevaluable' ? resource.reasons : []),
    ...(conditions.kind === 'unevaluable' ? conditions.reasons : []),
  ];
  if (reasons.length > 0) return { kind: 'unevaluable', reasons };
  return principal?.kind === 'match' ? { kind: 'match', how: principal.how } : MATCH;
}

/** A policy element that may be one string or a list, as a list. */
export function listOf(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** `Action` matches when any pattern does; `NotAction` when none does. A statement with neither is invalid. */
function matchesAction(statement: Statement, action: string): boolean {
  if (statement.Action !== undefined) return anyActionMatches(statement.Action, action);
  if (statement.NotAction !== undefined) return !anyActionMatches(statement.NotAction, action);
  return false;
}

function anyActionMatches(patterns: string | string[], action: string): boolean {
  if (typeof patterns === 'string') return actionMatches(patterns, action);
  for (const pattern of patterns) if (actionMatches(pattern, action)) return true;
  return false;
}

/** `Resource` matches when any pattern does; `NotResource` when none does. */
function matchesResource(
  statement: Statement,
  resource: string,
  context: LazyContext,
  variables: boolean,
): Match {
  const negated = statement.Resource === undefined;
  const patterns = listOf(negated ? statement.NotResource : statement.Resource);
  if (patterns.length === 0) return NO_MATCH;
  const reasons: string[] = [];
  for (const pattern of patterns) {
    // Only a pattern with `${…}` in it needs the request context.
    const resolved: Substitution =
      variables && pattern.includes('${')
        ? substitute(pattern, (key) => singleValue(context.get(), key))
        : { ok: true, value: pattern };
    if (!resolved.ok) {
      reasons.push(
        `${negated ? 'NotResource' : 'Resource'} ${pattern}: the policy variable \${${resolved.missingKey}} has no value in the request context`,
      );
    } else if (arnMatches(resolved.value, resource)) {
      return negated ? NO_MATCH : MATCH;
    }
  }
  if (reasons.length > 0) return { kind: 'unevaluable', reasons };
  return negated ? MATCH : NO_MATCH;
}
