import { isAbsolute, relative } from 'node:path';
import type { Statement } from '../types';
import { isForLambdaService } from './access-report';
import type { PrincipalUnderEvaluation, TypedStatementRef } from './decide';
import { listOf, statementRef, statementsOf } from './evaluate';
import type { Fix, StatementSite } from './explain';
import { summarizeStatement } from './messages';
import { parseMethodArn, type RouteTemplate, routeCoverage, routeGrantArn } from './route-arns';
import { type RecordedDecision, type RecordedSignatureFailure, type Run, templateDigest } from './run-file';
import type { AllowBroaderEntry, YamlStatementItem } from './serverless-yml';
import { type ApiIam, type RoleIam, routeName, type StageIam } from './stage-iam';
import { serverlessResource, yamlStatementLines } from './template-variables';
import { actionMatches, arnMatches } from './wildcards';
import { type LineEdit, unifiedDiff } from './yaml-patch';

/** One (action, resource) a statement granted during the run, how often, and the route it reached. */
export interface StatementUse {
  action: string;
  resource: string;
  count: number;
  /** For an API call: `GET /users/{id} (users)`. */
  route?: string;
}

/** A statement of a role, with what the run used it for. */
export interface StatementUsage {
  key: string;
  statement: TypedStatementRef;
  effect: Statement['Effect'];
  summary: string;
  site?: StatementSite;
  uses: number;
  used: StatementUse[];
  /** Only actions the Lambda service performs with the role (logs, traces, network interfaces). */
  forLambdaService: boolean;
}

export type FindingKind =
  | 'never-used'
  | 'action-never-called'
  | 'action-wider'
  | 'resource-never-used'
  | 'routes-never-called'
  | 'resource-wider';

/** A grant broader than the run used it. */
export interface Finding {
  kind: FindingKind;
  statementKey: string;
  site?: StatementSite;
  text: string;
  /** The `custom.iamAllowBroader` entry that keeps it, and why. */
  allowedBy?: { line: number; reason?: string };
}

/** A denial of the run, with the stage's explanation. */
export interface ReportedDenial {
  principal: string;
  action: string;
  resource: string;
  count: number;
  summary: string;
  fix?: Fix;
}

/** The narrowest statements that allow what one statement allowed during the run. */
export interface Narrowing {
  statementKey: string;
  site?: StatementSite;
  /** `remove` (never used), `keep` (already the narrowest), `replace` (with `yaml`). */
  action: 'remove' | 'keep' | 'replace';
  yaml: string[];
}

export interface RoleReport {
  service: string;
  role: string;
  file: string;
  statements: StatementUsage[];
  findings: Finding[];
  denials: ReportedDenial[];
  narrowings: Narrowing[];
}

export interface UsageReport {
  run: {
    file: string;
    source: string;
    startedAt: string;
    complete: boolean;
    dropped: number;
    changedServices: string[];
  };
  roles: RoleReport[];
  /** Principals that are no role of a service (the developer, unsigned callers). */
  otherPrincipals: Array<{ principal: string; allowed: number; denied: number }>;
  signatureFailures: RecordedSignatureFailure[];
  /** Allow-list entries without a reason, or that keep nothing. */
  allowListProblems: Array<{ file: string; line: number; problem: string }>;
  /** One unified diff per serverless.yml that would change: the narrowest grants of what was used. */
  patches: Array<{ file: string; diff: string }>;
}

export interface UsageReportOptions {
  /** Only these services (default: every service with a role). */
  services?: string[];
}

/**
 * Least privilege from use: for each role, each statement of its policies with what the run used it
 * for; statements never used; statements broader than their use (actions never called, routes of the
 * callee never called, wildcards used on one resource); the run's denials with their explanations; and
 * the narrowest statements that allow exactly what was allowed, as a patch per serverless.yml.
 *
 * @example
 * const report = usageReport(await loadStageIam(), readRun(findRun(repoRoot, 'integration')));
 * report.roles.find((role) => role.service === 'orders')?.findings; // []
 */
export function usageReport(iam: StageIam, run: Run, options: UsageReportOptions = {}): UsageReport {
  const scope = options.services ? new Set(options.services) : undefined;
  const roles = iam
    .roles()
    .filter((role) => role.service && (!scope || scope.has(role.service.name)))
    .map((role) => roleReport(iam, role, run));
  const known = new Set(iam.roles().map((role) => role.name));
  return {
    run: {
      file: run.file,
      source: run.header.source,
      startedAt: run.header.startedAt,
      complete: run.complete,
      dropped: run.dropped,
      changedServices: changedServices(iam, run),
    },
    roles,
    otherPrincipals: otherPrincipals(run.decisions, known),
    signatureFailures: run.signatureFailures,
    allowListProblems: allowListProblems(iam, roles),
    patches: patches(iam, roles),
  };
}

function changedServices(iam: StageIam, run: Run): string[] {
  const recorded = new Map(run.header.services.map((service) => [service.name, service.templateDigest]));
  return iam.services
    .filter(
      (service) =>
        recorded.has(service.name) &&
        recorded.get(service.name) !== templateDigest(service.stack.stack.template),
    )
    .map((service) => service.name);
}

function roleReport(iam: StageIam, role: RoleIam, run: Run): RoleReport {
  const principal = role.session();
  const decisions = run.decisions.filter((decision) => decision.principal.role === role.name);
  const statements = statementsOfRole(iam, role, principal, decisions);
  const allowList = role.service?.yml?.allowBroader() ?? [];
  const findings = statements.flatMap((usage) => findingsOf(iam, principal, usage, allowList));
  return {
    service: role.service?.name ?? '',
    role: role.name,
    file: role.service?.file ?? '',
    statements,
    findings,
    denials: denialsOf(decisions),
    narrowings: statements.flatMap((usage) => narrowingOf(iam, role, principal, usage)),
  };
}

function statementsOfRole(
  iam: StageIam,
  role: RoleIam,
  principal: PrincipalUnderEvaluation,
  decisions: RecordedDecision[],
): StatementUsage[] {
  const policies = [
    ...role.role.policies.map((policy) => ({ policy, type: 'identity' as const })),
    ...(role.role.permissionsBoundary
      ? [{ policy: role.role.permissionsBoundary, type: 'boundary' as const }]
      : []),
  ];
  return policies.flatMap(({ policy, type }) =>
    statementsOf(policy).map((statement, index) => {
      const ref: TypedStatementRef = { ...statementRef(policy.name, index, statement), policyType: type };
      const site = iam.statementSite(ref, principal);
      const key = site?.key ?? iam.statementKey(ref, principal);
      const used = usesOf(iam, key, ref, decisions);
      return {
        key,
        statement: ref,
        effect: statement.Effect,
        summary: summarizeStatement(statement),
        ...(site ? { site } : {}),
        uses: used.reduce((sum, use) => sum + use.count, 0),
        used,
        forLambdaService: isForLambdaService(statement),
      };
    }),
  );
}

function usesOf(
  iam: StageIam,
  key: string,
  ref: TypedStatementRef,
  decisions: RecordedDecision[],
): StatementUse[] {
  const byRequest = new Map<string, StatementUse>();
  for (const decision of decisions) {
    if (decision.effect !== 'Allow') continue;
    const granted = decision.statements.some(
      (recorded) =>
        recorded.key === key ||
        (recorded.key.startsWith('policy:') &&
          recorded.policyType === ref.policyType &&
          recorded.policyName === ref.policyName &&
          recorded.index === ref.index),
    );
    if (!granted) continue;
    const id = `${decision.action} ${decision.resource}`;
    const known = byRequest.get(id);
    if (known) known.count += decision.count ?? 1;
    else {
      const route = routeOf(iam, decision.resource);
      byRequest.set(id, {
        action: decision.action,
        resource: decision.resource,
        count: decision.count ?? 1,
        ...(route ? { route } : {}),
      });
    }
  }
  return [...byRequest.values()].sort(
    (a, b) => a.action.localeCompare(b.action) || a.resource.localeCompare(b.resource),
  );
}

/** `GET /users/{id} (users)` for a method ARN of one of the stage's APIs. */
function routeOf(iam: StageIam, resource: string): string | undefined {
  const method = parseMethodArn(resource);
  const api = method ? iam.api(method.apiId) : undefined;
  const route = method && api ? api.route(method.verb, `/${method.path}`) : undefined;
  return route && api ? routeName(route, api.service.name) : undefined;
}

function isWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** Whether a statement is one the service writes (not serverless's own, nor an AWS managed policy). */
function isOwn(usage: StatementUsage): boolean {
  return (
    usage.statement.policyType === 'identity' &&
    usage.effect === 'Allow' &&
    !usage.forLambdaService &&
    usage.site?.line !== undefined
  );
}

function findingsOf(
  iam: StageIam,
  principal: PrincipalUnderEvaluation,
  usage: StatementUsage,
  allowList: AllowBroaderEntry[],
): Finding[] {
  if (!isOwn(usage)) return [];
  const statement = iam.statementOf(usage.statement, principal);
  if (!statement) return [];
  const found: Array<Omit<Finding, 'statementKey' | 'site'>> = [];
  if (usage.uses === 0) {
    found.push({ kind: 'never-used', text: 'never used in this run' });
  } else {
    found.push(...actionFindings(statement, usage), ...resourceFindings(iam, statement, usage));
  }
  const item = iam.statementItem(usage.statement, principal)?.item;
  const entry = item ? allowListEntryFor(allowList, item, statement) : undefined;
  return found.map((finding) => ({
    ...finding,
    statementKey: usage.key,
    ...(usage.site ? { site: usage.site } : {}),
    ...(entry ? { allowedBy: { line: entry.line, ...(entry.reason ? { reason: entry.reason } : {}) } } : {}),
  }));
}

function actionFindings(
  statement: Statement,
  usage: StatementUsage,
): Array<Omit<Finding, 'statementKey' | 'site'>> {
  if (statement.Action === undefined) {
    return [
      {
        kind: 'action-wider',
        text: `NotAction grants every action but ${listOf(statement.NotAction).join(', ')}; used only ${unique(usage.used.map((use) => use.action)).join(', ')}`,
      },
    ];
  }
  return listOf(statement.Action).flatMap((pattern): Array<Omit<Finding, 'statementKey' | 'site'>> => {
    const called = unique(
      usage.used.map((use) => use.action).filter((action) => actionMatches(pattern, action)),
    );
    if (called.length === 0)
      return [{ kind: 'action-never-called' as const, text: `${pattern} never called` }];
    if (isWildcard(pattern))
      return [{ kind: 'action-wider' as const, text: `${pattern} used only as ${called.join(', ')}` }];
    return [];
  });
}

function resourceFindings(
  iam: StageIam,
  statement: Statement,
  usage: StatementUsage,
): Array<Omit<Finding, 'statementKey' | 'site'>> {
  if (statement.Resource === undefined) {
    return [
      {
        kind: 'resource-wider',
        text: `NotResource grants every resource but ${listOf(statement.NotResource).join(', ')}; used only on ${unique(usage.used.map((use) => use.resource)).join(', ')}`,
      },
    ];
  }
  return listOf(statement.Resource).flatMap((pattern): Array<Omit<Finding, 'statementKey' | 'site'>> => {
    const used = unique(
      usage.used.map((use) => use.resource).filter((resource) => arnMatches(pattern, resource)),
    );
    if (used.length === 0) return [{ kind: 'resource-never-used' as const, text: `${pattern} never used` }];
    if (parseMethodArn(pattern) || pattern.includes(':execute-api:')) {
      const unused = routesNeverCalled(iam, pattern, used);
      if (unused.length === 0) return [];
      return [
        {
          kind: 'routes-never-called' as const,
          text: `${pattern} also grants ${unused.join(', ')}, never called`,
        },
      ];
    }
    if (isWildcard(pattern))
      return [{ kind: 'resource-wider' as const, text: `${pattern} used only on ${used.join(', ')}` }];
    return [];
  });
}

/** The routes of the stage's APIs a pattern grants in full that no used ARN reached. */
function routesNeverCalled(iam: StageIam, pattern: string, used: string[]): string[] {
  const reached = new Set(used.map((resource) => routeOf(iam, resource)).filter(Boolean));
  return iam
    .apiRoutes()
    .filter(
      ({ name, home, route }) => !reached.has(name) && routeCoverage(pattern, home, route, used) === 'full',
    )
    .map(({ name }) => name);
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

function allowListEntryFor(
  entries: AllowBroaderEntry[],
  item: YamlStatementItem,
  statement: Statement,
): AllowBroaderEntry | undefined {
  return entries.find((entry) => {
    const named =
      (entry.sid !== undefined && entry.sid === statement.Sid) ||
      (entry.resource !== undefined && item.resources.includes(entry.resource));
    const action =
      entry.action === undefined ||
      item.actions.some((written) => written.toLowerCase() === entry.action?.toLowerCase());
    return named && action;
  });
}

function denialsOf(decisions: RecordedDecision[]): ReportedDenial[] {
  const byRequest = new Map<string, ReportedDenial>();
  for (const decision of decisions) {
    if (decision.effect === 'Allow') continue;
    const id = `${decision.action} ${decision.resource}`;
    const known = byRequest.get(id);
    if (known) {
      known.count += decision.count ?? 1;
      continue;
    }
    byRequest.set(id, {
      principal: decision.principal.arn,
      action: decision.action,
      resource: decision.resource,
      count: decision.count ?? 1,
      summary: decision.explanation?.summary ?? `${decision.effect} (${decision.decidedBy})`,
      ...(decision.explanation?.fix ? { fix: decision.explanation.fix } : {}),
    });
  }
  return [...byRequest.values()].sort((a, b) => a.resource.localeCompare(b.resource));
}

function otherPrincipals(decisions: RecordedDecision[], roles: Set<string>): UsageReport['otherPrincipals'] {
  const counts = new Map<string, { allowed: number; denied: number }>();
  for (const decision of decisions) {
    if (decision.principal.role && roles.has(decision.principal.role)) continue;
    const principal = decision.principal.role ?? decision.principal.arn;
    const entry = counts.get(principal) ?? { allowed: 0, denied: 0 };
    if (decision.effect === 'Allow') entry.allowed += decision.count ?? 1;
    else entry.denied += decision.count ?? 1;
    counts.set(principal, entry);
  }
  return [...counts]
    .map(([principal, entry]) => ({ principal, ...entry }))
    .sort((a, b) => a.principal.localeCompare(b.principal));
}

/**
 * The narrowest statements for what one statement allowed: each API call as its route's grant
 * (`GET/users/*` for `GET /users/{id}`), anything else on the exact resource used, resources sharing
 * the same actions in one statement.
 */
function narrowingOf(
  iam: StageIam,
  role: RoleIam,
  principal: PrincipalUnderEvaluation,
  usage: StatementUsage,
): Narrowing[] {
  if (!isOwn(usage) || !role.service) return [];
  const found = iam.statementItem(usage.statement, principal);
  const statement = iam.statementOf(usage.statement, principal);
  if (!found || !statement) return [];
  const base = { statementKey: usage.key, ...(usage.site ? { site: usage.site } : {}) };
  if (usage.uses === 0) return [{ ...base, action: 'remove', yaml: [] }];
  const byResource = new Map<string, Set<string>>();
  for (const use of usage.used) {
    const resource = narrowestResource(iam, use.resource);
    byResource.set(resource, (byResource.get(resource) ?? new Set()).add(use.action));
  }
  const byActions = new Map<string, string[]>();
  for (const [resource, actions] of byResource) {
    const key = [...actions].sort().join(',');
    byActions.set(key, [...(byActions.get(key) ?? []), resource].sort());
  }
  const narrowest = [...byActions].map(([actions, resources]) => ({
    actions: actions.split(','),
    resources,
  }));
  const [only] = narrowest;
  const sameActions = (a: string[], b: string[]) =>
    unique(a.map((action) => action.toLowerCase())).join() ===
    unique(b.map((action) => action.toLowerCase())).join();
  if (
    narrowest.length === 1 &&
    only &&
    sameActions(only.actions, listOf(statement.Action)) &&
    unique(only.resources).join() === unique(listOf(statement.Resource)).join()
  ) {
    return [{ ...base, action: 'keep', yaml: [] }];
  }
  const variables = role.service.variables;
  const yaml = narrowest.flatMap(({ actions, resources }) =>
    yamlStatementLines(
      {
        effect: 'Allow',
        actions,
        resources: resources.map((resource) => serverlessResource(resource, variables)),
      },
      found.item.indent,
    ),
  );
  return [{ ...base, action: 'replace', yaml }];
}

function narrowestResource(iam: StageIam, resource: string): string {
  const method = parseMethodArn(resource);
  const api: ApiIam | undefined = method ? iam.api(method.apiId) : undefined;
  const route: RouteTemplate | undefined =
    method && api ? api.route(method.verb, `/${method.path}`) : undefined;
  if (!method || !route) return resource;
  return routeGrantArn(method, route);
}

function allowListProblems(iam: StageIam, roles: RoleReport[]): UsageReport['allowListProblems'] {
  const problems: UsageReport['allowListProblems'] = [];
  const services = new Set(roles.map((role) => role.service));
  for (const service of iam.services) {
    if (!services.has(service.name)) continue;
    const used = new Set(roles.flatMap((role) => role.findings.map((finding) => finding.allowedBy?.line)));
    for (const entry of service.yml?.allowBroader() ?? []) {
      if (!entry.reason)
        problems.push({
          file: service.file,
          line: entry.line,
          problem: 'custom.iamAllowBroader entry without a reason',
        });
      else if (!entry.sid && !entry.resource)
        problems.push({
          file: service.file,
          line: entry.line,
          problem: 'custom.iamAllowBroader entry names neither a sid nor a resource',
        });
      else if (!used.has(entry.line))
        problems.push({
          file: service.file,
          line: entry.line,
          problem: 'custom.iamAllowBroader entry keeps nothing broader: remove it',
        });
    }
  }
  return problems;
}

/** A unified diff per serverless.yml: statements never used removed, broader ones narrowed. */
function patches(iam: StageIam, roles: RoleReport[]): UsageReport['patches'] {
  const byFile = new Map<string, LineEdit[]>();
  for (const role of roles) {
    const principal = iam.findRole(role.role)?.session();
    if (!principal) continue;
    for (const narrowing of role.narrowings) {
      if (narrowing.action === 'keep') continue;
      const usage = role.statements.find((candidate) => candidate.key === narrowing.statementKey);
      const found = usage ? iam.statementItem(usage.statement, principal) : undefined;
      if (!found) continue;
      const from =
        narrowing.action === 'remove'
          ? withCommentsAbove(found.yml.lines, found.item.startLine)
          : found.item.startLine;
      const edits = byFile.get(found.service.file) ?? [];
      edits.push(trimmed({ from, to: found.item.endLine, lines: narrowing.yaml }, found.yml.lines));
      byFile.set(found.service.file, edits);
    }
  }
  return [...byFile].map(([file, edits]) => {
    const service = iam.services.find((candidate) => candidate.file === file);
    return { file, diff: service?.yml ? unifiedDiff(file, service.yml.text, edits) : '' };
  });
}

/** The edit without the lines it would leave as they are, so the patch shows only what changes. */
function trimmed(edit: LineEdit, lines: string[]): LineEdit {
  let { from, to } = edit;
  const added = [...edit.lines];
  while (from <= to && added.length > 0 && lines[from - 1] === added[0]) {
    from += 1;
    added.shift();
  }
  while (to >= from && added.length > 0 && lines[to - 1] === added.at(-1)) {
    to -= 1;
    added.pop();
  }
  return { from, to, lines: added };
}

/** The first line of the comment block right above an item: it describes the statement removed. */
function withCommentsAbove(lines: string[], line: number): number {
  let first = line;
  while (first > 1 && /^\s*#/.test(lines[first - 2] ?? '')) first -= 1;
  return first;
}

/**
 * What the CI mode fails on: a grant broader than its use that no `custom.iamAllowBroader` entry keeps,
 * an entry without a reason, and a run older than the templates of the services checked.
 *
 * @example
 * const failures = ciFailures(report); // ['services/orders/serverless.yml:27: statement 2 of policy orders-local-lambda: never used in this run']
 */
export function ciFailures(report: UsageReport): string[] {
  const failures: string[] = [];
  const checked = new Set(report.roles.map((role) => role.service));
  for (const service of report.run.changedServices) {
    if (checked.has(service))
      failures.push(`${service}: its template changed since this run; run the integration suite again`);
  }
  for (const role of report.roles) {
    for (const finding of role.findings) {
      if (finding.allowedBy?.reason) continue;
      const where = finding.site?.file
        ? `${finding.site.file}${finding.site.line ? `:${finding.site.line}` : ''}`
        : role.file;
      failures.push(
        `${where}: ${role.service} (${role.role}): ${finding.text} — narrow it (npm run iam -- report --suggest), or keep it with a reason in custom.iamAllowBroader`,
      );
    }
  }
  for (const problem of report.allowListProblems)
    failures.push(`${problem.file}:${problem.line}: ${problem.problem}`);
  return failures;
}

/** A path for output: relative to the working directory when under it. */
export function shownPath(file: string): string {
  const shown = relative(process.cwd(), file);
  return shown.startsWith('..') || isAbsolute(shown) ? file : shown;
}
