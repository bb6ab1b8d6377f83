import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { LocalStageError } from '../errors';
import type { TypedStatementRef } from './decide';
import { statementRef, statementsOf } from './evaluate';
import { formatExplanation } from './explain-format';
import { describeStatement } from './messages';
import { parseMethodArn, routeCoverage } from './route-arns';
import type { RoleIam, StageIam } from './stage-iam';
import { stringLike } from './wildcards';

/** A route as a callee's typed client declares it: `{ method: 'GET', path: '/users/{id}' }`. */
export interface DeclaredRoute {
  method: string;
  path: string;
}

/** What a callee's typed client calls: each client method's route. */
export interface ApiContract {
  service: string;
  /** The module callers import the client from, e.g. `@internal-apis/users/client`. */
  client?: string;
  routes: Readonly<Record<string, DeclaredRoute>>;
}

/** What a caller calls: per callee, the client methods it uses. */
export interface CallerContract {
  service: string;
  /** Absent for a service that declares no calls (no `src/calls.ts`): its grants are still checked. */
  calls?: Readonly<Record<string, readonly string[]>>;
  /** The caller's folder, to find client calls in its code (`src/**\/*.ts`). */
  dir?: string;
}

export interface ContractsInput {
  apis: ApiContract[];
  callers: CallerContract[];
}

/** A broken contract, naming the service, the route and the statement. */
export interface ContractProblem {
  kind:
    | 'route-not-served'
    | 'unknown-callee'
    | 'unknown-method'
    | 'call-not-granted'
    | 'grant-without-route'
    | 'grant-beyond-calls'
    | 'call-not-declared';
  service: string;
  route?: string;
  statement?: string;
  message: string;
}

/**
 * Checks the contracts between services against their compiled IAM, without running anything:
 * - every route a callee's client declares is a route its API serves;
 * - every call a caller declares (a client method) is allowed by its role, with the explanation and
 *   the statement to add when it is not;
 * - every `execute-api:Invoke` grant of a caller names at least one route a callee really has (no
 *   grant left dangling after a route is renamed or removed), and none grants a route the caller
 *   never declares calling;
 * - every client method the caller's code calls is declared.
 *
 * @example
 * checkContracts(await loadStageIam(), { apis: [usersContract], callers: [{ service: 'orders', calls: { users: ['getUser'] } }] });
 * // [] when orders' grant is exactly GET /users/{id}
 */
export function checkContracts(iam: StageIam, input: ContractsInput): ContractProblem[] {
  const apis = new Map(input.apis.map((api) => [api.service, api]));
  return [
    ...input.apis.flatMap((api) => servedRoutes(iam, api)),
    ...input.callers.flatMap((caller) => [
      ...declaredCalls(iam, caller, apis),
      ...grants(iam, caller, apis),
      ...callsInCode(caller, apis),
    ]),
  ];
}

function servedRoutes(iam: StageIam, contract: ApiContract): ContractProblem[] {
  const api = iam.api(contract.service);
  if (!api) {
    return [
      {
        kind: 'unknown-callee',
        service: contract.service,
        message: `${contract.service} declares a client, but the stage has no ${contract.service} API`,
      },
    ];
  }
  const served = new Set(api.routes.map((route) => `${route.method} ${route.path}`));
  return Object.entries(contract.routes)
    .filter(([, route]) => !served.has(`${route.method.toUpperCase()} ${route.path}`))
    .map(([name, route]) => ({
      kind: 'route-not-served' as const,
      service: contract.service,
      route: `${route.method} ${route.path}`,
      message: `${contract.service}'s client declares ${name} as ${route.method} ${route.path}, which its API does not serve; it serves ${[...served].join(', ')}`,
    }));
}

/** A path that reaches a route: each `{param}` replaced by a value. */
function samplePath(path: string): string {
  return path.replace(/\{[^{}]+\+\}/g, 'contract/check').replace(/\{[^{}]+\}/g, 'contract-check');
}

function declaredCalls(
  iam: StageIam,
  caller: CallerContract,
  apis: Map<string, ApiContract>,
): ContractProblem[] {
  const role = roleOf(iam, caller);
  if (!role && !caller.calls) return [];
  if (!role)
    return [
      {
        kind: 'unknown-callee',
        service: caller.service,
        message: `${caller.service} declares calls, but the stage has no role for it`,
      },
    ];
  const problems: ContractProblem[] = [];
  for (const [callee, methods] of Object.entries(caller.calls ?? {})) {
    const contract = apis.get(callee);
    if (!contract) {
      problems.push({
        kind: 'unknown-callee',
        service: caller.service,
        message: `${caller.service} calls ${callee}, which declares no client routes`,
      });
      continue;
    }
    for (const method of methods) {
      const route = contract.routes[method];
      if (!route) {
        problems.push({
          kind: 'unknown-method',
          service: caller.service,
          message: `${caller.service} declares ${callee}.${method}, which ${callee}'s client does not have`,
        });
        continue;
      }
      const answer = role.check(route.method, callee, samplePath(route.path));
      if (answer.allowed) continue;
      problems.push({
        kind: 'call-not-granted',
        service: caller.service,
        route: `${route.method} ${route.path}`,
        ...(answer.explanation.closest[0]
          ? {
              statement: statementName(
                answer.explanation.closest[0].statement,
                answer.explanation.closest[0].site,
              ),
            }
          : {}),
        message: `${caller.service} calls ${callee}.${method} (${route.method} ${route.path}), which its role does not allow:\n${formatExplanation(answer.explanation, { indent: '  ' })}`,
      });
    }
  }
  return problems;
}

function roleOf(iam: StageIam, caller: CallerContract): RoleIam | undefined {
  try {
    return iam.findRole(caller.service);
  } catch {
    return undefined;
  }
}

function statementName(ref: TypedStatementRef, site?: { file?: string; line?: number }): string {
  return `${describeStatement(ref)}${site?.file ? ` (${site.file}${site.line ? `:${site.line}` : ''})` : ''}`;
}

/** The caller's `execute-api:Invoke` grants: each must reach a route, and only routes it calls. */
function grants(iam: StageIam, caller: CallerContract, apis: Map<string, ApiContract>): ContractProblem[] {
  const role = roleOf(iam, caller);
  if (!role) return [];
  const principal = role.session();
  const declared = new Set<string>();
  for (const [callee, methods] of Object.entries(caller.calls ?? {})) {
    for (const method of methods) {
      const route = apis.get(callee)?.routes[method];
      if (route) declared.add(`${route.method.toUpperCase()} ${route.path} (${callee})`);
    }
  }
  const problems: ContractProblem[] = [];
  for (const policy of role.role.policies) {
    statementsOf(policy).forEach((statement, index) => {
      if (statement.Effect !== 'Allow') return;
      const actions = [statement.Action ?? []].flat().map((action) => action.toLowerCase());
      if (!actions.some((action) => action === 'execute-api:invoke' || action === 'execute-api:*')) return;
      const ref: TypedStatementRef = {
        ...statementRef(policy.name, index, statement),
        policyType: 'identity',
      };
      const site = iam.statementSite(ref, principal);
      for (const pattern of [statement.Resource ?? []].flat()) {
        if (!pattern.includes(':execute-api:')) continue;
        const reached = routesGranted(iam, pattern);
        const name = statementName(ref, site);
        if (reached.length === 0) {
          problems.push({
            kind: 'grant-without-route',
            service: caller.service,
            statement: name,
            message: `${caller.service}: ${name} grants ${pattern}, which names no route of any API of this stage${apiHint(iam, pattern)}: a route renamed or removed? Grant the route the client calls now, or remove the statement`,
          });
          continue;
        }
        if (!caller.calls) continue;
        for (const route of reached.filter((candidate) => !declared.has(candidate))) {
          problems.push({
            kind: 'grant-beyond-calls',
            service: caller.service,
            route,
            statement: name,
            message: `${caller.service}: ${name} grants ${route}, which ${caller.service} declares no call to (src/calls.ts): narrow the grant, or declare the call`,
          });
        }
      }
    });
  }
  return problems;
}

/** The routes (`GET /users/{id} (users)`) a pattern reaches, fully or for some values. */
function routesGranted(iam: StageIam, pattern: string): string[] {
  return iam
    .apiRoutes()
    .filter(({ api, home, route }) => {
      const example = `arn:aws:execute-api:${iam.region}:${iam.accountId}:${api.apiId}/${api.stage}/${route.method === 'ANY' ? 'GET' : route.method}/${samplePath(route.path).replace(/^\//, '')}`;
      const literal = concreteRoute(pattern, api, route.method);
      const hit = literal?.method === route.method && literal.path === route.path;
      return hit || routeCoverage(pattern, home, route, [example]) !== 'none';
    })
    .map(({ name }) => name);
}

/** The route a pattern naming one concrete path reaches (`GET/users/42` → `GET /users/{id}`). */
function concreteRoute(pattern: string, api: NonNullable<ReturnType<StageIam['api']>>, method: string) {
  const parts = parseMethodArn(pattern);
  if (!parts || !stringLike(parts.apiId, api.apiId) || !stringLike(parts.stage, api.stage)) return undefined;
  if (!stringLike(parts.verb, method)) return undefined;
  return api.route(method, `/${parts.path.replace(/[*?]/g, 'x')}`);
}

function apiHint(iam: StageIam, pattern: string): string {
  const method = parseMethodArn(pattern);
  if (!method) return '';
  const api = iam.api(method.apiId);
  if (!api) return ` (API ${method.apiId} is no API of this stage)`;
  return ` (${api.service.name} serves ${api.routes.map((route) => `${route.method} ${route.path}`).join(', ')})`;
}

/** Client methods the caller's code calls that it does not declare. */
function callsInCode(caller: CallerContract, apis: Map<string, ApiContract>): ContractProblem[] {
  if (!caller.dir) return [];
  const problems: ContractProblem[] = [];
  for (const contract of apis.values()) {
    if (!contract.client) continue;
    const declared = new Set(caller.calls?.[contract.service] ?? []);
    for (const call of findClientCalls(caller.dir, contract.client, Object.keys(contract.routes))) {
      if (declared.has(call.method)) continue;
      const route = contract.routes[call.method];
      problems.push({
        kind: 'call-not-declared',
        service: caller.service,
        ...(route ? { route: `${route.method} ${route.path}` } : {}),
        message: `${caller.service} calls ${contract.service}.${call.method} at ${call.file}:${call.line} but does not declare it in src/calls.ts`,
      });
    }
  }
  return problems;
}

/**
 * Calls of a client's methods in a service's code: in each `src/**\/*.ts` file that imports `client`,
 * each `.method(` of one of `methods`. A textual search: it finds what the code can call, whatever
 * the variable holding the client is named.
 *
 * @example findClientCalls('services/orders', '@internal-apis/users/client', ['getUser', 'createUser']);
 * // [{ method: 'getUser', file: 'services/orders/src/orders.ts', line: 46 }]
 */
export function findClientCalls(
  dir: string,
  client: string,
  methods: string[],
): Array<{ method: string; file: string; line: number }> {
  const found: Array<{ method: string; file: string; line: number }> = [];
  const pattern = new RegExp(
    `\\.\\s*(${methods.map((method) => method.replace(/[^\w$]/g, '')).join('|')})\\s*\\(`,
    'g',
  );
  for (const file of sourceFiles(join(dir, 'src'))) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes(`'${client}'`) && !text.includes(`"${client}"`)) continue;
    text.split('\n').forEach((line, index) => {
      if (/^\s*(\/\/|\*|\/\*)/.test(line)) return;
      for (const match of line.matchAll(pattern)) {
        found.push({ method: match[1] as string, file: relative(process.cwd(), file), line: index + 1 });
      }
    });
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/**
 * The contracts the repository's services declare: each callee's `src/contract.ts` (export `contract`)
 * and each caller's `src/calls.ts` (export `calls`).
 *
 * @example
 * checkContracts(iam, await loadContracts(iam));
 */
export async function loadContracts(iam: StageIam): Promise<ContractsInput> {
  const input: ContractsInput = { apis: [], callers: [] };
  for (const service of iam.services) {
    const dir = dirname(join(iam.repoRoot, service.file));
    const contractFile = join(dir, 'src', 'contract.ts');
    const callsFile = join(dir, 'src', 'calls.ts');
    if (existsSync(contractFile)) {
      const { contract } = (await import(contractFile)) as { contract?: ApiContract };
      if (!contract?.routes) throw new LocalStageError(`${contractFile} exports no \`contract\` with routes`);
      input.apis.push(contract);
    }
    if (existsSync(callsFile)) {
      const { calls } = (await import(callsFile)) as { calls?: CallerContract['calls'] };
      if (!calls) throw new LocalStageError(`${callsFile} exports no \`calls\``);
      input.callers.push({ service: service.name, calls, dir });
    } else if (service.roles.length > 0) {
      input.callers.push({ service: service.name, dir });
    }
  }
  return input;
}
