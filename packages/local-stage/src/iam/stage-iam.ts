import { join, relative } from 'node:path';
import type { RestApiDefinition } from '../apigateway';
import { resolveParameters } from '../cloudformation';
import { LocalStageError } from '../errors';
import type { DeployedApi } from '../front-door/execute-api';
import { restApiTarget } from '../front-door/guard';
import { type Role, rolePrincipal } from '../identity/key-ring';
import type { ProvisionedStack } from '../provision/provision-stack';
import { parameterArn } from '../ssm/parameter-names';
import type { NamedPolicy, PolicyDocument, Principal, Statement } from '../types';
import { executeApiArn } from './authorizations';
import {
  type AuthorizationDecision,
  decide,
  type PrincipalUnderEvaluation,
  policyOfRef,
  type ResourcePolicy,
  type TypedStatementRef,
} from './decide';
import { type RequestToAuthorize, statementsOf } from './evaluate';
import {
  type ExplainSites,
  type Explanation,
  explainDecision,
  explainNoRoute,
  type GrantSite,
  type StatementSite,
} from './explain';
import { requestContext } from './request-context';
import { type RouteTemplate, routeTemplates } from './route-arns';
import {
  ServerlessYml,
  type YamlPath,
  type YamlStatementItem,
  type YamlStatementList,
} from './serverless-yml';
import type { TemplateVariables } from './template-variables';

/** A question to the stage's IAM: may this role call that route, or perform that action on that resource? */
export type AccessQuestion =
  | { kind: 'api'; method: string; service: string; path: string }
  | { kind: 'action'; action: string; resource: string };

/** The answer, with the same explanation the stage gives a live denial. */
export interface AccessAnswer {
  allowed: boolean;
  question: AccessQuestion;
  /** What IAM was asked: the action, the resource ARN and the request context. */
  request?: RequestToAuthorize;
  decision?: AuthorizationDecision;
  /** For an API call: the route it reaches. */
  route?: { service: string; method: string; path: string };
  explanation: Explanation;
}

/** Options of one question: the request context a live call would carry. */
export interface AccessOptions {
  /** The role session's name; default: the first function that runs with the role. */
  session?: string;
  sourceIp?: string;
  userAgent?: string;
  now?: Date;
  /** Condition keys to add or override, e.g. `{ 'aws:SourceVpce': 'vpce-1' }`. */
  context?: Record<string, string | string[]>;
}

/** Where a policy of a role comes from: a stack's resource, and the list in serverless.yml that writes it. */
interface PolicySource {
  service?: ServiceIam;
  key: string;
  /** The statements list in serverless.yml, and template statement index → list item index. */
  list?: YamlStatementList;
  items?: Map<number, number>;
  kind: 'inline' | 'policy' | 'managed' | 'aws-managed' | 'resource-policy';
}

/** One service as the stage provisioned it: its stack, its roles, its REST API. */
export class ServiceIam {
  readonly roles: RoleIam[] = [];
  api?: ApiIam;
  readonly yml: ServerlessYml | undefined;

  constructor(
    readonly name: string,
    readonly stack: ProvisionedStack,
    /** serverless.yml, relative to the repository root. */
    readonly file: string,
    readonly variables: TemplateVariables,
    absoluteFile: string,
  ) {
    this.yml = ServerlessYml.read(absoluteFile);
  }

  get stackName(): string {
    return this.stack.stack.stackName;
  }
}

/** A REST API of the stage: its id, routes and resource policy. */
export class ApiIam {
  readonly routes: RouteTemplate[];

  constructor(
    readonly service: ServiceIam,
    readonly deployed: DeployedApi,
    readonly resourcePolicy: ResourcePolicy | undefined,
  ) {
    this.routes = routeTemplates(deployed.definition);
  }

  get apiId(): string {
    return this.deployed.definition.apiId;
  }

  get stage(): string {
    return this.deployed.definition.stageName;
  }

  get definition(): RestApiDefinition {
    return this.deployed.definition;
  }

  /** The route a request reaches, as API Gateway routes it. */
  route(method: string, path: string): RouteTemplate | undefined {
    const matched = this.deployed.router.match(path.split('?')[0] ?? path, method);
    if (!matched) return undefined;
    return this.routes.find(
      (route) =>
        route.path === matched.resourcePath && route.method === matched.method.httpMethod.toUpperCase(),
    );
  }
}

/** A role of the stage, and questions about what it may do. */
export class RoleIam {
  constructor(
    private readonly iam: StageIam,
    readonly role: Role,
    readonly service: ServiceIam | undefined,
    /** The functions that run with it, by name. */
    readonly functions: string[],
  ) {}

  get name(): string {
    return this.role.roleName;
  }

  get arn(): string {
    return this.role.arn;
  }

  /** A session of the role, as Lambda opens one for a function (named after it). */
  session(name = this.functions[0] ?? 'local-stage-iam', now = new Date()): Principal {
    return {
      ...rolePrincipal(this.role, this.iam.accountId),
      arn: `arn:aws:sts::${this.iam.accountId}:assumed-role/${this.role.roleName}/${name}`,
      userId: `${this.role.roleId}:${name}`,
      tokenIssueTime: now,
    };
  }

  /**
   * Whether the role may call `method path` on a service's API (`can('GET', 'users', '/users/42')`),
   * or perform an action on a resource (`can('ssm:GetParameter', '/local/users/url')`,
   * `can('dynamodb:PutItem', 'orders-local')`), as the stage would decide it.
   */
  can(method: string, service: string, path: string, options?: AccessOptions): boolean;
  can(action: string, resource: string, options?: AccessOptions): boolean;
  can(first: string, second: string, third?: string | AccessOptions, fourth?: AccessOptions): boolean {
    return this.check(first, second, third as string, fourth).allowed;
  }

  /** `can`, with the decision and the explanation. */
  check(method: string, service: string, path: string, options?: AccessOptions): AccessAnswer;
  check(action: string, resource: string, options?: AccessOptions): AccessAnswer;
  check(first: string, second: string, third?: string | AccessOptions, fourth?: AccessOptions): AccessAnswer {
    const question: AccessQuestion =
      typeof third === 'string'
        ? { kind: 'api', method: first.toUpperCase(), service: second, path: third }
        : { kind: 'action', action: first, resource: second };
    const options = (typeof third === 'string' ? fourth : third) ?? {};
    return this.iam.ask(this, question, options);
  }
}

/** A route of a service's REST API, as reports and contract checks go through them. */
export interface StageRoute {
  api: ApiIam;
  /** The API's region, account, id and stage: the fixed part of its method ARNs. */
  home: { region: string; account: string; apiId: string; stage: string };
  route: RouteTemplate;
  /** `GET /users/{id} (users)` */
  name: string;
}

/**
 * How reports name a route of a service: `GET /users/{id} (users)`.
 *
 * @example routeName({ method: 'GET', path: '/users/{id}' }, 'users'); // 'GET /users/{id} (users)'
 */
export function routeName(route: Pick<RouteTemplate, 'method' | 'path'>, service: string): string {
  return `${route.method} ${route.path} (${service})`;
}

export interface StageIamInput {
  stage: string;
  region: string;
  accountId: string;
  /** The repository: files are named relative to it. */
  repoRoot: string;
  stacks: readonly ProvisionedStack[];
  /** The provisioned roles (by ARN), REST APIs (by id) and customer managed policies (by ARN). */
  roles: ReadonlyMap<string, Role>;
  apis: ReadonlyMap<string, DeployedApi>;
  managedPolicies?: ReadonlyMap<string, NamedPolicy>;
  /** SSM's current values, for template parameters read from it. */
  readSsm: (name: string) => string | undefined;
}

/**
 * The IAM of a stage as its compiled templates provision it: every service, role, policy and REST API,
 * where each statement is written in serverless.yml, and questions answered by the stage's one engine
 * (`decide`). The live stage explains its denials with it; `loadStageIam` builds it without running
 * anything, for policy tests and the `iam` command.
 *
 * @example
 * const iam = await loadStageIam({ stage: 'local' });
 * iam.role('orders').can('GET', 'users', '/users/42'); // true
 */
export class StageIam implements ExplainSites {
  readonly services: ServiceIam[] = [];
  readonly stage: string;
  readonly region: string;
  readonly accountId: string;
  readonly repoRoot: string;
  private readonly rolesByName = new Map<string, RoleIam>();
  private readonly apisById = new Map<string, ApiIam>();
  private readonly sources = new Map<PolicyDocument, PolicySource>();

  constructor(input: StageIamInput) {
    this.stage = input.stage;
    this.region = input.region;
    this.accountId = input.accountId;
    this.repoRoot = input.repoRoot;
    for (const provisioned of input.stacks) this.addService(provisioned, input);
    for (const role of input.roles.values()) {
      if (!this.rolesByName.has(role.roleName))
        this.rolesByName.set(role.roleName, new RoleIam(this, role, undefined, []));
    }
  }

  /**
   * Every route of every service's REST API, with where its method ARNs point (`home`) and how reports
   * name it: `GET /users/{id} (users)`.
   */
  apiRoutes(): StageRoute[] {
    return this.services.flatMap((service) => {
      const { api } = service;
      if (!api) return [];
      const home = { region: this.region, account: this.accountId, apiId: api.apiId, stage: api.stage };
      return api.routes.map((route) => ({ api, home, route, name: routeName(route, service.name) }));
    });
  }

  /** Every role, sorted by name. */
  roles(): RoleIam[] {
    return [...this.rolesByName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * A role by its name, or by its service's name when the service has one role (`orders`).
   *
   * @throws LocalStageError naming the roles there are.
   */
  role(name: string): RoleIam {
    const found = this.findRole(name);
    if (found) return found;
    const known = this.services
      .filter((service) => service.roles.length > 0)
      .map((service) => `${service.name} (${service.roles.map((role) => role.name).join(', ')})`);
    throw new LocalStageError(
      `No role or service ${name} in stage ${this.stage}; there are: ${known.join(', ')}`,
    );
  }

  findRole(name: string): RoleIam | undefined {
    const byName = this.rolesByName.get(name);
    if (byName) return byName;
    const roles = this.service(name)?.roles ?? [];
    if (roles.length > 1) {
      throw new LocalStageError(
        `Service ${name} has ${roles.length} roles; name one: ${roles.map((role) => role.name).join(', ')}`,
      );
    }
    return roles[0];
  }

  service(name: string): ServiceIam | undefined {
    return this.services.find((service) => service.name === name);
  }

  /** A REST API by its service's name or by its id. */
  api(serviceOrId: string): ApiIam | undefined {
    return this.service(serviceOrId)?.api ?? this.apisById.get(serviceOrId);
  }

  /** The role a principal is a session of (or the role itself). */
  roleOf(principal: Pick<PrincipalUnderEvaluation, 'arn' | 'roleArn'>): RoleIam | undefined {
    const roleName = (principal.roleArn ?? principal.arn).split('/').at(-1);
    const role = roleName ? this.rolesByName.get(roleName) : undefined;
    return role && (principal.roleArn === undefined || role.arn === principal.roleArn) ? role : undefined;
  }

  // ExplainSites ---------------------------------------------------------------------------------

  apiSite(apiId: string) {
    const api = this.apisById.get(apiId);
    if (!api) return undefined;
    return {
      service: api.service.name,
      stage: api.stage,
      routes: api.routes,
      route: (method: string, path: string) => api.route(method, path),
    };
  }

  statementSite(
    ref: TypedStatementRef,
    principal: PrincipalUnderEvaluation,
    resourcePolicy?: ResourcePolicy,
  ): StatementSite | undefined {
    const policy = policyOfRef(ref, principal, resourcePolicy);
    const source = policy ? this.sources.get(policy.document) : undefined;
    if (!source) return { key: `policy:${ref.policyName}#${ref.index}` };
    const item = source.items?.get(ref.index);
    const listItem = item === undefined ? undefined : source.list?.items[item];
    return {
      key: `${source.key}#${ref.index}`,
      ...(source.service ? { service: source.service.name, file: source.service.file } : {}),
      ...(source.list ? { where: source.list.where } : {}),
      ...(listItem ? { line: listItem.startLine, endLine: listItem.endLine } : {}),
    };
  }

  grantSite(principal: PrincipalUnderEvaluation, near?: TypedStatementRef): GrantSite | undefined {
    const role = this.roleOf(principal);
    const service = role?.service;
    if (!service) return undefined;
    const nearPolicy = near ? policyOfRef(near, principal) : undefined;
    const nearSource = nearPolicy ? this.sources.get(nearPolicy.document) : undefined;
    const list =
      nearSource?.service === service && nearSource.list && nearSource.kind !== 'managed'
        ? nearSource.list
        : service.yml?.statementList(service.yml.providerStatementsPath);
    const path = list?.path ??
      service.yml?.providerStatementsPath ?? ['provider', 'iam', 'role', 'statements'];
    const lastItem = list?.items.at(-1);
    return {
      service: service.name,
      file: service.file,
      where: path.join('.'),
      ...(list ? { line: list.line, indent: list.indent } : {}),
      ...(lastItem ? { afterLine: lastItem.endLine } : {}),
      variables: service.variables,
      hasParameters: service.yml?.has(['resources', 'Parameters']) ?? false,
    };
  }

  /** A statement's item in its serverless.yml, and the parsed file, when it is written there. */
  statementItem(
    ref: TypedStatementRef,
    principal: PrincipalUnderEvaluation,
    resourcePolicy?: ResourcePolicy,
  ): { yml: ServerlessYml; item: YamlStatementItem; service: ServiceIam } | undefined {
    const policy = policyOfRef(ref, principal, resourcePolicy);
    const source = policy ? this.sources.get(policy.document) : undefined;
    const index = source?.items?.get(ref.index);
    const item = index === undefined ? undefined : source?.list?.items[index];
    const yml = source?.service?.yml;
    return item && yml && source?.service ? { yml, item, service: source.service } : undefined;
  }

  /** The stable key of a statement, for run files: stack, resource and position. */
  statementKey(
    ref: TypedStatementRef,
    principal: PrincipalUnderEvaluation,
    resourcePolicy?: ResourcePolicy,
  ): string {
    const policy = policyOfRef(ref, principal, resourcePolicy);
    const source = policy ? this.sources.get(policy.document) : undefined;
    return source ? `${source.key}#${ref.index}` : `policy:${ref.policyName}#${ref.index}`;
  }

  /** The statement a reference names. */
  statementOf(
    ref: TypedStatementRef,
    principal: PrincipalUnderEvaluation,
    resourcePolicy?: ResourcePolicy,
  ): Statement | undefined {
    const policy = policyOfRef(ref, principal, resourcePolicy);
    return policy ? statementsOf(policy)[ref.index] : undefined;
  }

  // Questions -------------------------------------------------------------------------------------

  /** Answers a question for a role; see `RoleIam.check`. */
  ask(role: RoleIam, question: AccessQuestion, options: AccessOptions): AccessAnswer {
    const now = options.now ?? new Date();
    const principal = role.session(options.session, now);
    if (question.kind === 'api') return this.askApi(principal, question, options, now);
    const resource = this.resourceArn(question.action, question.resource);
    return this.decideFor(principal, { action: question.action, resource }, question, options, now);
  }

  private askApi(
    principal: Principal,
    question: Extract<AccessQuestion, { kind: 'api' }>,
    options: AccessOptions,
    now: Date,
  ): AccessAnswer {
    const api = this.api(question.service);
    const route = api?.route(question.method, question.path);
    if (!api || !route) {
      const explanation = explainNoRoute(
        principal,
        question,
        api ? { service: api.service.name, routes: api.routes } : undefined,
      );
      return { allowed: false, question, explanation };
    }
    const path = question.path.split('?')[0] ?? question.path;
    const resource = executeApiArn({
      region: this.region,
      accountId: this.accountId,
      apiId: api.apiId,
      stage: api.stage,
      method: question.method,
      path,
    });
    const answer = this.decideFor(
      principal,
      { action: 'execute-api:Invoke', resource },
      question,
      options,
      now,
      api,
    );
    return { ...answer, route: { service: api.service.name, method: route.method, path: route.path } };
  }

  private decideFor(
    principal: Principal,
    item: RequestToAuthorize,
    question: AccessQuestion,
    options: AccessOptions,
    now: Date,
    api?: ApiIam,
  ): AccessAnswer {
    const base = requestContext({
      principal,
      service: item.action.split(':')[0] ?? '',
      region: this.region,
      sourceIp: options.sourceIp ?? '127.0.0.1',
      now,
      ...(options.userAgent ? { userAgent: options.userAgent } : {}),
      privateApi: api?.definition.endpointTypes?.includes('PRIVATE') ?? false,
    });
    const request: RequestToAuthorize = {
      ...item,
      context: { ...base.values, ...options.context },
      absentKeys: base.absentKeys.filter((key) => !(key in (options.context ?? {}))),
    };
    const resourcePolicy = api?.resourcePolicy;
    const decision = decide({ principal, request, resourcePolicy });
    const explanation = explainDecision({ principal, request, decision, resourcePolicy }, this);
    return { allowed: decision.effect === 'Allow', question, request, decision, explanation };
  }

  /** A resource as IAM names it: an ARN as given; an SSM parameter or DynamoDB table by its name. */
  private resourceArn(action: string, resource: string): string {
    if (resource === '*' || resource.startsWith('arn:')) return resource;
    const service = action.split(':')[0]?.toLowerCase();
    if (service === 'ssm') return parameterArn(resource, this.region, this.accountId);
    if (service === 'dynamodb') {
      const [table, ...rest] = resource.split('/');
      return `arn:aws:dynamodb:${this.region}:${this.accountId}:table/${table}${rest.length ? `/${rest.join('/')}` : ''}`;
    }
    throw new LocalStageError(`Name the resource of ${action} by its ARN, not ${resource}`);
  }

  // Construction ----------------------------------------------------------------------------------

  private addService(provisioned: ProvisionedStack, input: StageIamInput): void {
    const { stack, resources } = provisioned;
    const absoluteFile = join(stack.dir, 'serverless.yml');
    const parameters = safeParameters(provisioned, input.readSsm);
    const tables: Record<string, string> = {};
    for (const [logicalId, resource] of resources) {
      if (resource.type === 'AWS::DynamoDB::Table') tables[resource.physicalId] = logicalId;
    }
    const service = new ServiceIam(
      stack.service,
      provisioned,
      relative(input.repoRoot, absoluteFile),
      { region: input.region, accountId: input.accountId, stage: input.stage, parameters, tables },
      absoluteFile,
    );
    service.variables.partitionVariable ||= service.yml?.usesPartitionVariable ?? false;
    this.services.push(service);
    const functionsByRole = functionsOf(provisioned);
    for (const [logicalId, resource] of resources) {
      if (resource.type !== 'AWS::IAM::Role') continue;
      const role = input.roles.get(resource.attributes.Arn ?? '');
      if (!role) continue;
      const roleIam = new RoleIam(this, role, service, functionsByRole.get(logicalId) ?? []);
      service.roles.push(roleIam);
      this.rolesByName.set(role.roleName, roleIam);
      this.mapInlinePolicies(service, logicalId, role);
    }
    for (const [logicalId, resource] of resources)
      this.mapPolicyResource(service, logicalId, resource, input);
    for (const [logicalId, resource] of resources) {
      if (resource.type !== 'AWS::ApiGateway::RestApi') continue;
      const deployed = input.apis.get(resource.physicalId);
      if (!deployed) continue;
      const resourcePolicy = restApiTarget(deployed.definition, input.accountId).resourcePolicy;
      const api = new ApiIam(service, deployed, resourcePolicy);
      service.api ??= api;
      this.apisById.set(api.apiId, api);
      if (resourcePolicy) {
        const path = ['provider', 'apiGateway', 'resourcePolicy'];
        const list = service.yml?.statementList(path);
        this.sources.set(resourcePolicy.document, {
          service,
          key: `${service.stackName}:${logicalId}/Policy`,
          kind: 'resource-policy',
          ...(list ? { list, items: identity(list) } : {}),
        });
      }
    }
  }

  /** A role's own `Policies`; serverless writes its function role's from `provider.iam.role.statements`. */
  private mapInlinePolicies(service: ServiceIam, logicalId: string, role: Role): void {
    const declared = service.stack.stack.template.Resources[logicalId]?.Properties?.Policies;
    const count = Array.isArray(declared) ? declared.length : 0;
    role.policies.slice(0, count).forEach((policy, index) => {
      const generated = logicalId === 'IamRoleLambdaExecution' && index === 0;
      const path: YamlPath = generated
        ? (service.yml?.providerStatementsPath ?? [])
        : [
            'resources',
            'Resources',
            logicalId,
            'Properties',
            'Policies',
            index,
            'PolicyDocument',
            'Statement',
          ];
      this.setSource(policy, service, `${service.stackName}:${logicalId}/Policies/${index}`, 'inline', path);
    });
  }

  private mapPolicyResource(
    service: ServiceIam,
    logicalId: string,
    resource: ProvisionedStack['resources'] extends Map<string, infer R> ? R : never,
    input: StageIamInput,
  ): void {
    const path: YamlPath = ['resources', 'Resources', logicalId, 'Properties', 'PolicyDocument', 'Statement'];
    const key = `${service.stackName}:${logicalId}`;
    if (resource.type === 'AWS::IAM::ManagedPolicy') {
      const policy = input.managedPolicies?.get(resource.physicalId);
      if (policy) this.setSource(policy, service, key, 'managed', path);
    } else if (resource.type === 'AWS::IAM::Policy') {
      for (const role of service.roles) {
        const policy = role.role.policies.find(
          (candidate) => candidate.name === resource.physicalId && !this.sources.has(candidate.document),
        );
        if (policy) this.setSource(policy, service, key, 'policy', path);
      }
    }
  }

  private setSource(
    policy: NamedPolicy,
    service: ServiceIam,
    key: string,
    kind: PolicySource['kind'],
    path: YamlPath,
  ): void {
    const list = path.length > 0 ? service.yml?.statementList(path) : undefined;
    this.sources.set(policy.document, {
      service,
      key,
      kind,
      ...(list ? { list, items: alignStatements(statementsOf(policy), list) } : {}),
    });
  }
}

/** The template's parameters as resolved for this stage; none where SSM does not have them yet. */
function safeParameters(
  provisioned: ProvisionedStack,
  readSsm: (name: string) => string | undefined,
): Record<string, string> {
  try {
    const values = resolveParameters(provisioned.stack, { readSsm });
    return Object.fromEntries(
      Object.entries(values).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
  } catch {
    return {};
  }
}

/** Role logical id → names of the functions that run with it (`Role: { Fn::GetAtt: [Role, Arn] }`). */
function functionsOf(provisioned: ProvisionedStack): Map<string, string[]> {
  const byRole = new Map<string, string[]>();
  for (const [logicalId, resource] of Object.entries(provisioned.stack.template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const role = resource.Properties?.Role as { 'Fn::GetAtt'?: unknown } | undefined;
    const getAtt = role?.['Fn::GetAtt'];
    const roleId = Array.isArray(getAtt) ? String(getAtt[0]) : undefined;
    const name = provisioned.resources.get(logicalId)?.physicalId;
    if (!roleId || !name) continue;
    byRole.set(roleId, [...(byRole.get(roleId) ?? []), name].sort());
  }
  return byRole;
}

function identity(list: YamlStatementList): Map<number, number> {
  return new Map(list.items.map((item) => [item.index, item.index]));
}

/**
 * Template statement index → serverless.yml item index. serverless puts its own statements (the
 * function's log groups) before those of `provider.iam.role.statements`, so the lists are aligned from
 * their ends; a statement is matched only when its effect and actions are the same.
 */
function alignStatements(statements: Statement[], list: YamlStatementList): Map<number, number> {
  const aligned = new Map<number, number>();
  const offset = statements.length - list.items.length;
  const shape = (effect: string | undefined, actions: string[]) =>
    `${effect ?? 'Allow'}|${[...new Set(actions.map((action) => action.toLowerCase()))].sort().join(',')}`;
  const shapeOf = (statement: Statement) =>
    shape(statement.Effect, [statement.Action ?? statement.NotAction ?? []].flat());
  const tail =
    offset >= 0 &&
    list.items.every(
      (item, index) => shapeOf(statements[offset + index] as Statement) === shape(item.effect, item.actions),
    );
  if (tail) {
    for (const item of list.items) aligned.set(offset + item.index, item.index);
    return aligned;
  }
  const used = new Set<number>();
  statements.forEach((statement, index) => {
    const item = list.items.find(
      (candidate) =>
        !used.has(candidate.index) && shape(candidate.effect, candidate.actions) === shapeOf(statement),
    );
    if (item) {
      used.add(item.index);
      aligned.set(index, item.index);
    }
  });
  return aligned;
}
