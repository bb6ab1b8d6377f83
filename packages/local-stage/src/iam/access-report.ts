import type { NamedPolicy, Principal, Statement } from '../types';
import {
  type Decision,
  type RequestToAuthorize,
  type StatementRef,
  statementRef,
  statementsOf,
} from './evaluate';
import { describeStatement } from './messages';

/** One statement of a role's policies and how many requests it decided. */
export interface StatementUsage {
  statement: StatementRef;
  effect: Statement['Effect'];
  /** e.g. `execute-api:Invoke on arn:aws:execute-api:…/GET/users/*` */
  summary: string;
  /** Allowed requests it granted, or denied requests it refused, for a Deny. */
  uses: number;
  /** Only CloudWatch Logs actions: used by the Lambda service to write the function's logs. */
  forLambdaLogging: boolean;
}

/** A role (or, for an IAM user, the user's ARN) with every statement of its policies. */
export interface RoleAccess {
  role: string;
  principalArns: string[];
  statements: StatementUsage[];
}

/** Identical denials are counted together. */
export interface Denial {
  role: string;
  principalArn: string;
  action: string;
  resource: string;
  effect: 'ExplicitDeny' | 'ImplicitDeny';
  reason: string;
  count: number;
}

export interface AccessReport {
  roles: RoleAccess[];
  denials: Denial[];
}

interface KnownRole {
  policies: NamedPolicy[];
  principalArns: Set<string>;
}

/** Reports group a role's sessions together; an IAM user stands for itself. */
function roleOf(principal: Principal): string {
  return principal.roleName ?? principal.arn;
}

/**
 * Keeps what the front door decided, so a template's author sees which IAM statements were used, which
 * never were (candidates to remove or tighten), and every request refused, with why.
 *
 * @example
 * const recorder = new AccessRecorder();
 * recorder.record(principal, request, evaluate(principal.policies, request));
 * console.log(formatAccessReport(recorder.report([principal])));
 */
export class AccessRecorder {
  private readonly uses = new Map<string, number>();
  private readonly denials = new Map<string, Denial>();
  private readonly seen = new Map<string, KnownRole>();

  /** Every evaluation the front door made. */
  record(principal: Principal, request: RequestToAuthorize, decision: Decision): void {
    const role = roleOf(principal);
    this.remember(role, principal);
    if (decision.effect !== 'ImplicitDeny') {
      for (const ref of decision.matched) this.countUse(role, ref);
    }
    if (decision.effect !== 'Allow') this.countDenial(role, principal.arn, request, decision);
  }

  /**
   * For each role of `allPrincipals` (and any other principal that made a request), each statement of
   * each policy with its use count; and every denial with principal, action, resource and why.
   */
  report(allPrincipals: Principal[]): AccessReport {
    for (const principal of allPrincipals) this.remember(roleOf(principal), principal, false);
    const roles = [...this.seen.entries()].map(([role, known]) => ({
      role,
      principalArns: [...known.principalArns].sort(),
      statements: known.policies.flatMap((policy) => this.usageOf(role, policy)),
    }));
    return { roles, denials: [...this.denials.values()].map((denial) => ({ ...denial })) };
  }

  private remember(role: string, principal: Principal, madeRequest = true): void {
    const known = this.seen.get(role) ?? { policies: principal.policies, principalArns: new Set<string>() };
    if (madeRequest) known.principalArns.add(principal.arn);
    this.seen.set(role, known);
  }

  private countUse(role: string, ref: StatementRef): void {
    const key = usageKey(role, ref);
    this.uses.set(key, (this.uses.get(key) ?? 0) + 1);
  }

  private countDenial(
    role: string,
    principalArn: string,
    request: RequestToAuthorize,
    decision: Exclude<Decision, { effect: 'Allow' }>,
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
      effect: decision.effect,
      reason,
      count: 1,
    });
  }

  private usageOf(role: string, policy: NamedPolicy): StatementUsage[] {
    return statementsOf(policy).map((statement, index) => {
      const ref = statementRef(policy.name, index, statement);
      return {
        statement: ref,
        effect: statement.Effect,
        summary: summarize(statement),
        uses: this.uses.get(usageKey(role, ref)) ?? 0,
        forLambdaLogging: isLambdaLogging(statement),
      };
    });
  }
}

function usageKey(role: string, ref: StatementRef): string {
  return JSON.stringify([role, ref.policyName, ref.index]);
}

function denialReason(decision: Exclude<Decision, { effect: 'Allow' }>): string {
  const unevaluable = (decision.unevaluableConditions ?? []).map(
    ({ statement, reason }) => `${describeStatement(statement)}: ${reason}`,
  );
  const note = unevaluable.length > 0 ? `; [local stage] could not evaluate ${unevaluable.join('; ')}` : '';
  if (decision.effect === 'ExplicitDeny') {
    return `explicit deny in ${decision.matched.map(describeStatement).join(', ')}${note}`;
  }
  return `no identity-based policy allows it${note}`;
}

function listed(value: string | string[] | undefined): string {
  if (value === undefined) return '';
  return Array.isArray(value) ? value.join(', ') : value;
}

function summarize(statement: Statement): string {
  const actions =
    statement.Action !== undefined
      ? listed(statement.Action)
      : `any action but ${listed(statement.NotAction)}`;
  const resources =
    statement.Resource !== undefined
      ? listed(statement.Resource)
      : `any resource but ${listed(statement.NotResource)}`;
  const conditions = statement.Condition ? ` when ${JSON.stringify(statement.Condition)}` : '';
  return `${actions} on ${resources}${conditions}`;
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
  lines.push(...formatDenials(report.denials));
  return lines.join('\n');
}

function formatRole(role: RoleAccess): string[] {
  const lines = [`${role.role.startsWith('arn:') ? 'Principal' : 'Role'} ${role.role}`];
  if (role.principalArns.length > 0) lines.push(`  called as ${role.principalArns.join(', ')}`);
  if (role.statements.length === 0) lines.push('  (no identity policies)');
  for (const usage of role.statements) {
    const count =
      usage.uses > 0 ? `used ${usage.uses}×` : usage.forLambdaLogging ? 'by Lambda' : 'NEVER USED';
    lines.push(
      `  ${count.padEnd(11)} ${describeStatement(usage.statement)}: ${usage.effect} ${usage.summary}`,
    );
  }
  return lines;
}

/**
 * CloudWatch Logs statements serve the Lambda service, which writes a function's logs with its role;
 * the local stage prints logs instead, so "never used" would wrongly suggest removing them.
 */
function isLambdaLogging(statement: Statement): boolean {
  const actions = statement.Action === undefined ? [] : [statement.Action].flat();
  return actions.length > 0 && actions.every((action) => action.toLowerCase().startsWith('logs:'));
}

function formatDenials(denials: Denial[]): string[] {
  if (denials.length === 0) return ['Denials: none'];
  const lines = [`Denials (${denials.reduce((sum, denial) => sum + denial.count, 0)}):`];
  for (const denial of denials) {
    lines.push(`  ${denial.count}× ${denial.principalArn}: ${denial.action} on ${denial.resource}`);
    lines.push(`      why: ${denial.reason}`);
  }
  return lines;
}
