import type { RestApiDefinition } from '../apigateway';
import { resourcePaths } from '../apigateway/resource-paths';
import { parseArn } from './arns';
import { arnMatches } from './wildcards';

/** A method of a REST API as its template declares it: `GET /users/{id}`. */
export interface RouteTemplate {
  /** `GET`, `POST`, …, or `ANY`. */
  method: string;
  /** The resource path, e.g. `/users/{id}`; `/` for the root resource. */
  path: string;
  authorizationType: string;
  functionName?: string;
}

/** The parts of a method ARN, `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{VERB}/{path}`. */
export interface MethodArn {
  region: string;
  account: string;
  apiId: string;
  stage: string;
  verb: string;
  /** Without its leading slash: `users/42`; empty for the root resource. */
  path: string;
}

/**
 * Every method of a REST API with its full resource path, sorted by path then method.
 *
 * @example
 * routeTemplates(usersApi).map((route) => `${route.method} ${route.path}`); // ['GET /users', 'POST /users', 'GET /users/{id}', …]
 */
export function routeTemplates(api: RestApiDefinition): RouteTemplate[] {
  const pathOf = resourcePaths(api);
  return api.methods
    .filter((method) => method.httpMethod.toUpperCase() !== 'OPTIONS' || method.integration.functionName)
    .map((method) => ({
      method: method.httpMethod.toUpperCase(),
      path: pathOf(method.resourceId),
      authorizationType: method.authorizationType,
      ...(method.integration.functionName ? { functionName: method.integration.functionName } : {}),
    }))
    .sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

/**
 * Splits a method ARN (or an `execute-api` resource pattern) into its parts; `undefined` for anything
 * else, or a pattern too short to name a verb.
 *
 * @example
 * parseMethodArn('arn:aws:execute-api:us-east-1:000000000000:abc123/local/GET/users/42')?.path; // 'users/42'
 */
export function parseMethodArn(arn: string): MethodArn | undefined {
  const parsed = parseArn(arn);
  if (parsed?.service !== 'execute-api') return undefined;
  const [apiId = '', stage = '', verb = '', ...path] = parsed.resource.split('/');
  if (verb === '' && path.length === 0) return undefined;
  return { region: parsed.region, account: parsed.account, apiId, stage, verb, path: path.join('/') };
}

/**
 * The path of the narrowest grant that covers every request a route accepts: each `{param}` becomes
 * `*` (IAM has no pattern for one segment) and so does a greedy `{proxy+}`; the root is empty.
 *
 * @example
 * routeGrantPath('/users/{id}'); // 'users/*'
 */
export function routeGrantPath(routePath: string): string {
  return routePath
    .replace(/^\/+/, '')
    .split('/')
    .map((part) => (/^\{[^{}]+\}$/.test(part) ? '*' : part))
    .join('/');
}

/** The verb a grant names for a route: its method, or `*` for `ANY`. */
export function routeGrantVerb(route: Pick<RouteTemplate, 'method'>): string {
  return route.method === 'ANY' ? '*' : route.method;
}

/**
 * The narrowest execute-api ARN that grants a call to `route`: the route's verb (the call's own for
 * `ANY`) and its path with every parameter a wildcard.
 *
 * @example
 * routeGrantArn(parseMethodArn('arn:aws:execute-api:us-east-1:000000000000:abc123/local/GET/users/42'), getUser);
 * // 'arn:aws:execute-api:us-east-1:000000000000:abc123/local/GET/users/*'
 */
export function routeGrantArn(method: MethodArn, route: Pick<RouteTemplate, 'method' | 'path'>): string {
  const verb = routeGrantVerb(route) === '*' ? method.verb : route.method;
  return `arn:aws:execute-api:${method.region}:${method.account}:${method.apiId}/${method.stage}/${verb}/${routeGrantPath(route.path)}`;
}

/** Stands for "any value" of a path parameter: no literal of a policy matches it, `*` does. */
const ANY_SEGMENT = '\u0001';

/**
 * Whether a resource pattern grants every request the route accepts (`full`), only some of them, such
 * as one user id (`partial`, judged from `examples`, the method ARNs actually called), or none.
 *
 * @example
 * routeCoverage('arn:aws:execute-api:*:*:abc123/local/GET/users/*', { region, account, apiId: 'abc123', stage: 'local' }, getUser, []); // 'full'
 */
export function routeCoverage(
  pattern: string,
  api: Pick<MethodArn, 'region' | 'account' | 'apiId' | 'stage'>,
  route: Pick<RouteTemplate, 'method' | 'path'>,
  examples: readonly string[] = [],
): 'full' | 'partial' | 'none' {
  const verb = route.method === 'ANY' ? ANY_SEGMENT : route.method;
  const path = route.path
    .replace(/^\/+/, '')
    .split('/')
    .map((part) =>
      /^\{[^{}]+\+\}$/.test(part)
        ? `${ANY_SEGMENT}/${ANY_SEGMENT}`
        : /^\{.+\}$/.test(part)
          ? ANY_SEGMENT
          : part,
    )
    .join('/');
  const anyRequest = `arn:aws:execute-api:${api.region}:${api.account}:${api.apiId}/${api.stage}/${verb}/${path}`;
  if (arnMatches(pattern, anyRequest)) return 'full';
  return examples.some((arn) => arnMatches(pattern, arn)) ? 'partial' : 'none';
}
