import type { Statement } from '../types';
import {
  type AuthorizationDecision,
  callerChain,
  type PolicyType,
  type PrincipalUnderEvaluation,
  policyOfRef,
  type ResourcePolicy,
  type TypedStatementRef,
} from './decide';
import { type RequestToAuthorize, statementRef, statementsOf } from './evaluate';
import { describeStatement, nothingAllows, summarizeStatement, unevaluableNotes } from './messages';
import { parseMethodArn, type RouteTemplate, routeGrantArn } from './route-arns';
import { type Difference, type RequestPart, statementDifferences } from './statement-distance';
import {
  apiIdParameterLines,
  apiIdParameterName,
  serverlessResource,
  type TemplateVariables,
  type YamlStatement,
  yamlStatementLines,
} from './template-variables';

/** Where a statement is written: its stable key, and its service's serverless.yml, list and line. */
export interface StatementSite {
  /** Stack, resource and position, e.g. `orders-local:IamRoleLambdaExecution/Policies/0#2`. */
  key: string;
  service?: string;
  /** serverless.yml, relative to the repository. */
  file?: string;
  /** The statements list in it, e.g. `provider.iam.role.statements`. */
  where?: string;
  line?: number;
  endLine?: number;
}

/** Where a new grant of a role goes. */
export interface GrantSite {
  service: string;
  file: string;
  where: string;
  /** The line of the list's key, the column of its items, the line after which to add. */
  line?: number;
  indent?: number;
  afterLine?: number;
  variables: TemplateVariables;
  /** Whether the file already has `resources.Parameters`. */
  hasParameters: boolean;
}

/** A REST API as an explanation names it: its service, stage and routes. */
export interface ApiSite {
  service: string;
  stage: string;
  routes: RouteTemplate[];
  route(method: string, path: string): RouteTemplate | undefined;
}

/** What an explanation needs to know of the stage beyond the decision; all optional. */
export interface ExplainSites {
  apiSite(apiId: string): ApiSite | undefined;
  statementSite(
    ref: TypedStatementRef,
    principal: PrincipalUnderEvaluation,
    resourcePolicy?: ResourcePolicy,
  ): StatementSite | undefined;
  grantSite(principal: PrincipalUnderEvaluation, near?: TypedStatementRef): GrantSite | undefined;
}

/** A statement in an explanation, with where it is written and, for the closest ones, how it differs. */
export interface StatementView {
  statement: TypedStatementRef;
  effect: Statement['Effect'];
  /** e.g. `execute-api:Invoke on arn:aws:execute-api:…/GET/users/*` */
  summary: string;
  site?: StatementSite;
  differences: Difference[];
}

/** The grant (or change) that would let the request through, written for the file it belongs in. */
export interface Fix {
  kind: 'add-statement' | 'explicit-deny' | 'unevaluable' | 'no-route';
  /** What to do, in a sentence. */
  text: string;
  file?: string;
  where?: string;
  line?: number;
  /** The statement to add, as YAML at the list's indentation. */
  yaml?: string[];
  /** A template parameter to add under `resources.Parameters` for it. */
  parameterYaml?: string[];
  /** The statement as IAM would evaluate it (resolved), for `--json` and tests. */
  statement?: { Effect: 'Allow'; Action: string; Resource: string };
}

/** Why a request was allowed or refused, and what would change it. */
export interface Explanation {
  effect: AuthorizationDecision['effect'] | 'NoRoute';
  principal: string;
  /** The role (by name) the principal is a session of, and its service. */
  role?: string;
  service?: string;
  action: string;
  resource: string;
  /** For an API call: the callee, its API, stage, verb, path and the route the path reached. */
  target?: { service?: string; apiId: string; stage: string; verb: string; path: string; route?: string };
  decidedBy?: PolicyType;
  crossAccount?: boolean;
  /** The principal's policies: name, kind and how many statements. */
  policies: Array<{ name: string; type: PolicyType; statements: number }>;
  /** The statements that decided: the Allows that granted, or the Denies that refused. */
  matched: StatementView[];
  /** For an implicit deny: the Allow statements of the policy type that did not allow that came closest. */
  closest: StatementView[];
  /** `[local stage]` notes on conditions it could not evaluate. */
  unevaluable: string[];
  fix?: Fix;
  /** One line: the decision, the one part that differed, the fix. */
  summary: string;
}

/** What was decided, as the front door (or a policy test) decided it. */
export interface DecidedRequest {
  principal: PrincipalUnderEvaluation & { roleName?: string };
  request: RequestToAuthorize;
  decision: AuthorizationDecision;
  resourcePolicy?: ResourcePolicy;
}

/** How many of the closest statements an explanation lists. */
const CLOSEST = 3;

/**
 * Explains an IAM decision: who asked (and its policies), what for (for an API call, the callee's route),
 * which statements decided, and for a denial the statements that came closest with the one part that
 * differed (API id, stage, verb, path, action, account, region, a condition and its value), whether a
 * Deny matched and in which policy, and the statement to add to which serverless.yml, written with the
 * file's own variables (`#{UsersApiId}`, `${sls:stage}`) rather than as a resolved ARN. Pure: `sites`
 * (the stage's `StageIam`) says where statements are written; without it the explanation names
 * policies only.
 *
 * @example
 * const explanation = explainDecision({ principal, request, decision }, stageIam);
 * explanation.closest[0]?.differences; // [{ part: 'stage', statement: 'prod', request: 'local' }]
 * explanation.fix?.yaml; // ['        - Effect: Allow', '          Action: execute-api:Invoke', '          Resource: "arn:aws:execute-api:#{AWS::Region}:…"']
 */
export function explainDecision(decided: DecidedRequest, sites?: ExplainSites): Explanation {
  const { principal, request, decision, resourcePolicy } = decided;
  const target = targetOf(request, sites);
  const site = (ref: TypedStatementRef) => sites?.statementSite(ref, principal, resourcePolicy);
  const matched = decision.matched.map((ref) => viewOf(ref, decided, site(ref), []));
  const unevaluable = unevaluableNotes(decision);
  const base = {
    effect: decision.effect,
    principal: principal.arn,
    ...roleOf(principal),
    action: request.action,
    resource: request.resource,
    ...(target ? { target } : {}),
    decidedBy: decision.decidedBy,
    crossAccount: decision.crossAccount,
    policies: policiesOf(principal, resourcePolicy),
    matched,
    unevaluable,
  };
  if (decision.effect === 'Allow') {
    return { ...base, closest: [], summary: `allowed by ${matched.map(describeView).join(', ')}` };
  }
  if (decision.effect === 'ExplicitDeny') {
    const fix = denyFix(matched, unevaluable.length > 0 && decision.matched.length > 0);
    const summary = `explicit deny in ${matched.map(describeView).join(', ')}${unevaluable.length ? ` ([local stage] could not evaluate: ${unevaluable.join('; ')})` : ''}`;
    return { ...base, closest: [], fix, summary };
  }
  const closest = closestStatements(decided, site);
  const fix = grantFix(decided, target, closest[0], sites);
  return { ...base, closest, fix, summary: implicitSummary(decided, closest, fix, unevaluable) };
}

/**
 * The explanation for a call no route of the callee answers (API Gateway's 403 Missing
 * Authentication Token, before any IAM decision).
 *
 * @example
 * explainNoRoute(principal, { method: 'GET', service: 'users', path: '/user/42' }, { service: 'users', routes }).summary;
 * // 'users has no route GET /user/42 (API Gateway answers 403 Missing Authentication Token); its routes: GET /users, POST /users, …'
 */
export function explainNoRoute(
  principal: PrincipalUnderEvaluation & { roleName?: string },
  call: { method: string; service: string; path: string },
  api: { service: string; routes: RouteTemplate[] } | undefined,
): Explanation {
  const routes = api?.routes.map((route) => `${route.method} ${route.path}`).join(', ');
  const text = api
    ? `${api.service} has no route ${call.method} ${call.path} (API Gateway answers 403 Missing Authentication Token); its routes: ${routes || 'none'}`
    : `no service ${call.service} with a REST API in this stage`;
  return {
    effect: 'NoRoute',
    principal: principal.arn,
    ...roleOf(principal),
    action: 'execute-api:Invoke',
    resource: `${call.service} ${call.method} ${call.path}`,
    policies: policiesOf(principal),
    matched: [],
    closest: [],
    unevaluable: [],
    fix: { kind: 'no-route', text },
    summary: text,
  };
}

function roleOf(principal: PrincipalUnderEvaluation & { roleName?: string }): { role?: string } {
  const roleName = principal.roleName ?? principal.roleArn?.split('/').at(-1);
  return roleName ? { role: roleName } : {};
}

function policiesOf(
  principal: PrincipalUnderEvaluation,
  resourcePolicy?: ResourcePolicy,
): Explanation['policies'] {
  const count = (document: { Statement: unknown }) =>
    Array.isArray(document.Statement) ? document.Statement.length : 1;
  return [
    ...principal.policies.map((policy) => ({
      name: policy.name,
      type: 'identity' as const,
      statements: count(policy.document),
    })),
    ...(principal.permissionsBoundary
      ? [
          {
            name: principal.permissionsBoundary.name,
            type: 'boundary' as const,
            statements: count(principal.permissionsBoundary.document),
          },
        ]
      : []),
    ...(resourcePolicy
      ? [{ name: resourcePolicy.name, type: 'resource' as const, statements: count(resourcePolicy.document) }]
      : []),
  ];
}

function targetOf(request: RequestToAuthorize, sites?: ExplainSites): Explanation['target'] {
  if (request.action.toLowerCase() !== 'execute-api:invoke') return undefined;
  const method = parseMethodArn(request.resource);
  if (!method) return undefined;
  const api = sites?.apiSite(method.apiId);
  const route = api?.route(method.verb, `/${method.path}`);
  return {
    ...(api ? { service: api.service } : {}),
    apiId: method.apiId,
    stage: method.stage,
    verb: method.verb,
    path: `/${method.path}`,
    ...(route ? { route: `${route.method} ${route.path}` } : {}),
  };
}

function viewOf(
  ref: TypedStatementRef,
  decided: DecidedRequest,
  site: StatementSite | undefined,
  differences: Difference[],
): StatementView {
  const policy = policyOfRef(ref, decided.principal, decided.resourcePolicy);
  const statement = policy ? statementsOf(policy)[ref.index] : undefined;
  return {
    statement: ref,
    effect: statement?.Effect ?? 'Allow',
    summary: statement ? summarizeStatement(statement) : '(statement not found)',
    ...(site ? { site } : {}),
    differences,
  };
}

/**
 * The Allow statements of the policy type that did not allow, ordered by how few parts differ. Only
 * those as close as the closest are listed (at most three): the one part that differed, if one did.
 */
function closestStatements(
  decided: DecidedRequest,
  site: (ref: TypedStatementRef) => StatementSite | undefined,
): StatementView[] {
  const { principal, request, resourcePolicy, decision } = decided;
  const type = decision.decidedBy;
  const policies =
    type === 'resource'
      ? resourcePolicy
        ? [resourcePolicy]
        : []
      : type === 'boundary'
        ? principal.permissionsBoundary
          ? [principal.permissionsBoundary]
          : []
        : principal.policies;
  const caller = type === 'resource' ? callerChain(principal) : undefined;
  const candidates: Array<{ ref: TypedStatementRef; differences: Difference[] }> = [];
  for (const policy of policies) {
    statementsOf(policy).forEach((statement, index) => {
      if (statement.Effect !== 'Allow') return;
      const differences = statementDifferences(statement, request, {
        version: policy.document.Version,
        caller,
      });
      candidates.push({
        ref: { ...statementRef(policy.name, index, statement), policyType: type },
        differences,
      });
    });
  }
  const ranked = candidates
    .filter((candidate) => candidate.differences.length > 0 && isClose(candidate.differences))
    .sort((a, b) => weight(a.differences) - weight(b.differences));
  const best = ranked[0] ? weight(ranked[0].differences) : 0;
  return ranked
    .filter((candidate) => weight(candidate.differences) === best)
    .slice(0, CLOSEST)
    .map(({ ref, differences }) => viewOf(ref, decided, site(ref), differences));
}

/**
 * Close enough to be worth showing: it differs in the action or in the resource, not in both (a
 * statement for the function's logs says nothing about a denied call to another service).
 */
function isClose(differences: Difference[]): boolean {
  const action = differences.some((difference) => difference.part === 'action');
  const resource = differences.some((difference) => RESOURCE_PARTS.includes(difference.part));
  return !(action && resource);
}

const RESOURCE_PARTS: RequestPart[] = [
  'partition',
  'service',
  'region',
  'account',
  'resource',
  'api',
  'stage',
  'verb',
  'path',
];

/** A statement for another service or action is further away than one differing in a path or a stage. */
function weight(differences: Difference[]): number {
  const far: RequestPart[] = ['service', 'action', 'resource'];
  return differences.reduce((sum, difference) => sum + (far.includes(difference.part) ? 3 : 1), 0);
}

function denyFix(matched: StatementView[], unevaluable: boolean): Fix {
  const where = matched.map(describeView).join(', ');
  if (unevaluable) {
    return {
      kind: 'unevaluable',
      text: `the local stage applies a Deny it cannot evaluate as if it matched: ${where}; see SECURITY.md for the condition keys it knows`,
    };
  }
  return {
    kind: 'explicit-deny',
    text: `an explicit Deny wins over every Allow: no grant can let this through; change ${where}, or make a request it does not cover`,
  };
}

/** The narrowest statement that grants exactly this request: for an API call, its route's pattern. */
function narrowestGrant(request: RequestToAuthorize, target: Explanation['target'], sites?: ExplainSites) {
  const method = parseMethodArn(request.resource);
  if (method && target) {
    const route = sites?.apiSite(method.apiId)?.route(method.verb, `/${method.path}`);
    if (route) return { action: 'execute-api:Invoke', resource: routeGrantArn(method, route) };
  }
  return { action: request.action, resource: request.resource };
}

/**
 * The statement that lets this request through, for the policy that lacked an Allow: the role's own
 * grants (next to the closest statement, in the same list), the permissions boundary, or the callee's
 * resource policy (`provider.apiGateway.resourcePolicy`, for another account or an unsigned caller).
 */
function grantFix(
  decided: DecidedRequest,
  target: Explanation['target'],
  closest: StatementView | undefined,
  sites?: ExplainSites,
): Fix | undefined {
  const { principal, request, decision } = decided;
  if (decision.unevaluableConditions.length > 0 && closest?.differences.length === 0) return undefined;
  const grant = narrowestGrant(request, target, sites);
  const statement = { Effect: 'Allow' as const, Action: grant.action, Resource: grant.resource };
  const type = decision.decidedBy;
  if (type === 'resource') {
    const api = target?.service ? `${target.service}'s` : "the API's";
    return {
      kind: 'add-statement',
      text: `${api} resource policy (provider.apiGateway.resourcePolicy) must allow ${principal.arn === 'anonymous' ? 'this unsigned caller' : (principal.roleArn ?? principal.arn)}${decision.crossAccount ? ' (another account: both its identity policy and the resource policy must allow)' : ''}`,
      statement,
    };
  }
  const site = type === 'identity' ? sites?.grantSite(principal, closest?.statement) : undefined;
  const boundarySite = type === 'boundary' && closest?.site ? closest.site : undefined;
  if (!site) {
    const where = boundarySite?.file ? ` in ${location(boundarySite)}` : '';
    return {
      kind: 'add-statement',
      text:
        type === 'boundary'
          ? `the permissions boundary ${principal.permissionsBoundary?.name ?? ''}${where} caps the role: allow ${grant.action} on ${grant.resource} there too`
          : `grant ${grant.action} on ${grant.resource} to ${principal.roleArn ?? principal.arn}`,
      statement,
    };
  }
  const method = parseMethodArn(grant.resource);
  const variables = { ...site.variables, parameters: { ...site.variables.parameters } };
  let parameterYaml: string[] | undefined;
  if (method && target?.service && !Object.values(variables.parameters).includes(method.apiId)) {
    const name = apiIdParameterName(target.service);
    variables.parameters[name] = method.apiId;
    parameterYaml = [
      ...(site.hasParameters ? [] : ['resources:', '  Parameters:']),
      ...apiIdParameterLines(name, target.service, 4),
    ];
  }
  const yamlStatement: YamlStatement = {
    effect: 'Allow',
    actions: [grant.action],
    resources: [serverlessResource(grant.resource, variables)],
  };
  return {
    kind: 'add-statement',
    text: `add to ${site.file}, ${site.where}${site.line ? ` (line ${site.line})` : ''}`,
    file: site.file,
    where: site.where,
    ...(site.line ? { line: site.line } : {}),
    yaml: yamlStatementLines(yamlStatement, site.indent ?? 8),
    ...(parameterYaml ? { parameterYaml } : {}),
    statement,
  };
}

function implicitSummary(
  decided: DecidedRequest,
  closest: StatementView[],
  fix: Fix | undefined,
  unevaluable: string[],
): string {
  const { decision } = decided;
  const across = decision.crossAccount ? ' (the resource belongs to another account)' : '';
  const parts = [`${nothingAllows(decision.decidedBy)}${across}`];
  const [first] = closest;
  if (first) parts.push(`closest: ${describeView(first)}, ${differenceText(first.differences)}`);
  else parts.push(`no statement comes close to ${decided.request.action} on it`);
  if (unevaluable.length) parts.push(`[local stage] could not evaluate ${unevaluable.join('; ')}`);
  if (fix?.yaml && fix.statement) {
    const resource = fix.yaml
      .find((line) => line.includes('Resource:'))
      ?.split('Resource:')[1]
      ?.trim();
    parts.push(`${fix.text}: ${fix.statement.Action} on ${resource || fix.statement.Resource}`);
  } else if (fix) {
    parts.push(fix.text);
  }
  return parts.join('; ');
}

/** `whose stage differs (prod, not local)` or `whose verb and path differ (GET, not POST; /users/*, not /users)`. */
export function differenceText(differences: Difference[]): string {
  const names = differences.map((difference) => PART_NAMES[difference.part]);
  const values = differences.map((difference) => `${difference.statement}, not ${difference.request}`);
  const listed = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0];
  return `whose ${listed} ${names.length > 1 ? 'differ' : 'differs'} (${values.join('; ')})`;
}

export const PART_NAMES: Record<RequestPart, string> = {
  principal: 'principal',
  action: 'action',
  partition: 'partition',
  service: 'service',
  region: 'region',
  account: 'account',
  resource: 'resource',
  api: 'API id',
  stage: 'stage',
  verb: 'verb',
  path: 'path',
  condition: 'condition',
};

function describeView(view: StatementView): string {
  const where = view.site?.file ? ` (${location(view.site)})` : '';
  return `${describeStatement(view.statement)}${where}`;
}

/** Where a statement is written: `file:line`, or the file and the list it is in. */
export function location(site: StatementSite): string {
  return `${site.file}${site.line ? `:${site.line}` : site.where ? ` ${site.where}` : ''}`;
}
