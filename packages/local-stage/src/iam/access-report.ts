import type { NamedPolicy, Principal, Statement } from '../types';
import { lambdaServiceActions } from './aws-managed-policies';
import type { AuthorizationDecision, PolicyType, ResourcePolicy, TypedStatementRef } from './decide';
import { type RequestToAuthorize, statementRef, statementsOf } from './evaluate';
import type { DecidedRequest } from './explain';
import { describeStatement, nothingAllows, summarizeStatement, unevaluableNotes } from './messages';

/** One statement of a role's policies (or of a resource policy) and how many requests it decided. */
export interface StatementUsage {
  statement: TypedStatementRef;
  effect: Statement['Effect'];
  /** e.g. `execute-api:Invoke on arn:aws:execute-api:…/GET/users/*` */
  summary: string;
  /** Allowed requests it granted (or, for a boundary, let through), or denied requests it refused, for a Deny. */
  uses: number;
  /** Only actions the Lambda service or runtime performs with the role (logs, X-Ray, the ENIs of a VPC). */
  forLambdaService: boolean;
}

/** A role (or, for an IAM user, the user's ARN) with every statement of its policies and boundary. */
export interface RoleAccess {
  role: string;
  principalArns: string[];
  statements: StatementUsage[];
}

/** A resource policy (a REST API's) with every statement and its uses. */
export interface ResourcePolicyAccess {
  name: string;
  statements: StatementUsage[];
}

/** Identical denials are counted together. */
export interface Denial {
  role: string;
  principalArn: string;
  action: string;
  resource: string;
  effect: 'ExplicitDeny' | 'ImplicitDeny';
  /** The kind of policy that refused it. */
  decidedBy: PolicyType;
  reason: string;
  count: number;
  /** What the stage explained the first time: the closest statement, what differed, the grant to add. */
  explanation?: string;
}

export interface AccessReport {
  roles: RoleAccess[];
  resourcePolicies: ResourcePolicyAccess[];
  denials: Denial[];
}

export interface AccessRecorderOptions {
  /**
   * Told of every decision, with the request context and resource policy it was made with; for a
   * denial it may answer an explanation, which the report shows under the denial.
   */
  onDecision?: (decided: DecidedRequest) => string | undefined;
}

/** What `record` may add to a decision: the request as decided (with its context) and the resource policy. */
export interface DecisionDetail {
  request?: RequestToAuthorize;
  resourcePolicy?: ResourcePolicy;
}

interface KnownRole {
  policies: NamedPolicy[];
  boundary?: NamedPolicy;
  principalArns: Set<string>;
}

/** Reports group a role's sessions together; an IAM user stands for itself. */
function roleOf(principal: Principal): string {
  return principal.roleName ?? principal.arn;
}

/**
 * Keeps what the front door decided, so a template's author sees which IAM statements were used, which
 * never were (candidates to remove or tighten), and every request refused, with why. Statements of
 * managed policies and permissions boundaries count as those of inline policies do; resource policies
 * are reported on their own.
 *
 * @example
 * const recorder = new AccessRecorder();
 * recorder.record(principal, request, decide({ principal, request }));
 * console.log(formatAccessReport(recorder.report([principal])));
 */
export class AccessRecorder {
  private readonly uses = new Map<string, number>();
  private readonly denials = new Map<string, Denial>();
  private readonly seen = new Map<string, KnownRole>();

  constructor(private readonly options: AccessRecorderOptions = {}) {}

  /** Every decision the front door made; for a denial, answers its explanation, if there is one. */
  record(
    principal: Principal,
    request: RequestToAuthorize,
    decision: AuthorizationDecision,
    detail: DecisionDetail = {},
  ): string | undefined {
    const role = roleOf(principal);
    this.remember(role, principal);
    for (const ref of decision.matched) this.countUse(role, ref);
    const explanation = this.options.onDecision?.({
      principal,
      request: detail.request ?? request,
      decision,
      ...(detail.resourcePolicy ? { resourcePolicy: detail.resourcePolicy } : {}),
    });
    if (decision.effect !== 'Allow') this.countDenial(role, principal.arn, request, decision, explanation);
    return explanation;
  }

  /**
   * For each role of `allPrincipals` (and any other principal that made a request), each statement of
   * each policy and of its boundary with its use count; each statement of each resource policy; and
   * every denial with principal, action, resource and why.
   */
  report(allPrincipals: Principal[], resourcePolicies: ResourcePolicy[] = []): AccessReport {
    for (const principal of allPrincipals) this.remember(roleOf(principal), principal, false);
    const roles = [...this.seen.entries()].map(([role, known]) => ({
      role,
      principalArns: [...known.principalArns].sort(),
      statements: [
        ...known.policies.flatMap((policy) => this.usageOf(role, policy, 'identity')),
        ...(known.boundary ? this.usageOf(role, known.boundary, 'boundary') : []),
      ],
    }));
    const resources = resourcePolicies.map(({ name, document }) => ({
      name,
      statements: this.usageOf(RESOURCE_POLICIES, { name, document }, 'resource'),
    }));
    return {
      roles,
      resourcePolicies: resources,
      denials: [...this.denials.values()].map((denial) => ({ ...denial })),
    };
  }

  private remember(role: string, principal: Principal, madeRequest = true): void {
    const known = this.seen.get(role) ?? {
      policies: principal.policies,
      ...(principal.permissionsBoundary ? { boundary: principal.permissionsBoundary } : {}),
      principalArns: new Set<string>(),
    };
    if (madeRequest) known.principalArns.add(principal.arn);
    this.seen.set(role, known);
  }

  private countUse(role: string, ref: TypedStatementRef): void {
    const key = usageKey(ref.policyType === 'resource' ? RESOURCE_POLICIES : role, ref);
    this.uses.set(key, (this.uses.get(key) ?? 0) + 1);
  }

  private countDenial(
    role: string,
    principalArn: string,
    request: RequestToAuthorize,
    decision: AuthorizationDecision,
    explanation: string | undefined,
  ): void {
    const reason = denialReason(decision);
    const key = JSON.stringify([principalArn, request.action, request.resource, reason]);
    const existing = this.denials.get(key);
    if (existing) {
      existing.count += 1;
      return;
    }
    const { action, resource } = request;
    this.denials.set(key, {
      role,
      principalArn,
      action,
      resource,
      effect: decision.effect === 'ExplicitDeny' ? 'ExplicitDeny' : 'ImplicitDeny',
      decidedBy: decision.decidedBy,
      reason,
      count: 1,
      ...(explanation ? { explanation } : {}),
    });
  }

  private usageOf(owner: string, policy: NamedPolicy, policyType: PolicyType): StatementUsage[] {
    return statementsOf(policy).map((statement, index) => {
      const statementAt: TypedStatementRef = { ...statementRef(policy.name, index, statement), policyType };
      return {
        statement: statementAt,
        effect: statement.Effect,
        summary: summarizeStatement(statement),
        uses: this.uses.get(usageKey(owner, statementAt)) ?? 0,
        forLambdaService: isForLambdaService(statement),
      };
    });
  }
}

/** Resource policies are counted apart from any role: any caller may use them. */
const RESOURCE_POLICIES = '\u0000resource-policies';

function usageKey(owner: string, ref: TypedStatementRef): string {
  return JSON.stringify([owner, ref.policyType, ref.policyName, ref.index]);
}

function denialReason(decision: AuthorizationDecision): string {
  const unevaluable = unevaluableNotes(decision);
  const note = unevaluable.length > 0 ? `; [local stage] could not evaluate ${unevaluable.join('; ')}` : '';
  const across = decision.crossAccount ? ' (the resource belongs to another account)' : '';
  if (decision.effect === 'ExplicitDeny') {
    return `explicit deny in ${decision.matched.map(describeStatement).join(', ')}${note}`;
  }
  return `${nothingAllows(decision.decidedBy)}${across}${note}`;
}

/**
 * The access report as text, for the console on stop and on demand.
 *
 * @example
 * console.log(formatAccessReport(recorder.report(principals)));
 */
export function formatAccessReport(report: AccessReport): string {
  const lines = ['Access report (local stage): IAM statements used and never used, and every denial', ''];
  for (const role of report.roles) lines.push(...formatRole(role), '');
  for (const policy of report.resourcePolicies) lines.push(...formatResourcePolicy(policy), '');
  lines.push(...formatDenials(report.denials));
  return lines.join('\n');
}

function formatRole(role: RoleAccess): string[] {
  const lines = [`${role.role.startsWith('arn:') ? 'Principal' : 'Role'} ${role.role}`];
  if (role.principalArns.length > 0) lines.push(`  called as ${role.principalArns.join(', ')}`);
  if (role.statements.length === 0) lines.push('  (no identity policies)');
  lines.push(...role.statements.map(formatUsage));
  return lines;
}

function formatResourcePolicy(policy: ResourcePolicyAccess): string[] {
  return [`Resource policy ${policy.name}`, ...policy.statements.map(formatUsage)];
}

function formatUsage(usage: StatementUsage): string {
  const count = usage.uses > 0 ? `used ${usage.uses}×` : usage.forLambdaService ? 'by Lambda' : 'NEVER USED';
  return `  ${count.padEnd(11)} ${describeStatement(usage.statement)}: ${usage.effect} ${usage.summary}`;
}

/**
 * Actions the Lambda service and runtime perform with a function's role, which no request through the
 * front door uses: CloudWatch Logs (the function's logs), X-Ray (traces) and the network interfaces of a
 * function in a VPC; "never used" would wrongly suggest removing them.
 */
const LAMBDA_SERVICE_ACTIONS = lambdaServiceActions();

export function isForLambdaService(statement: Statement): boolean {
  const actions = statement.Action === undefined ? [] : [statement.Action].flat();
  return (
    actions.length > 0 &&
    actions.every((action) => {
      const lower = action.toLowerCase();
      return lower.startsWith('logs:') || LAMBDA_SERVICE_ACTIONS.has(lower);
    })
  );
}

function formatDenials(denials: Denial[]): string[] {
  if (denials.length === 0) return ['Denials: none'];
  const lines = [`Denials (${denials.reduce((sum, denial) => sum + denial.count, 0)}):`];
  for (const denial of denials) {
    lines.push(`  ${denial.count}× ${denial.principalArn}: ${denial.action} on ${denial.resource}`);
    lines.push(`      why: ${denial.reason}`);
    if (denial.explanation) lines.push(`      explained: ${denial.explanation}`);
  }
  return lines;
}
