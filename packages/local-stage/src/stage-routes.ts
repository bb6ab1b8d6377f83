import { type RestApiDefinition, resourcePaths } from './apigateway';
import type { StageRoute } from './stage-files';

/**
 * Every method of a REST API with its resource path and the function behind it, sorted by path: what
 * the ready banner lists.
 *
 * @example
 * routesOf(usersApi); // [{ method: 'POST', path: '/users', functionName: 'users-local-createUser' }, …]
 */
export function routesOf(api: RestApiDefinition): StageRoute[] {
  const pathOf = resourcePaths(api);
  return api.methods
    .map((method) => ({
      method: method.httpMethod.toUpperCase(),
      path: pathOf(method.resourceId),
      ...(method.integration.functionName && { functionName: method.integration.functionName }),
    }))
    .sort((a, b) => ordinal(a.path, b.path) || ordinal(a.method, b.method));
}

/** Code-unit order, the same on every machine: literal segments before `{param}` ones. */
function ordinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
