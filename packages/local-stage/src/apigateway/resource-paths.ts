import type { RestApiDefinition } from './types';

/**
 * The full path of each resource of a REST API, as API Gateway shows it (`/`, `/users`,
 * `/users/{id}`): a lookup by resource id, each path worked out once.
 *
 * @example
 * const pathOf = resourcePaths(usersApi);
 * pathOf(getUserMethod.resourceId); // '/users/{id}'
 */
export function resourcePaths(api: RestApiDefinition): (resourceId: string) => string {
  const byId = new Map(api.resources.map((resource) => [resource.id, resource]));
  const paths = new Map<string, string>();
  const pathOf = (id: string, depth: number): string => {
    const known = paths.get(id);
    if (known !== undefined) return known;
    const resource = byId.get(id);
    // The depth bound only guards against a malformed tree with a cycle.
    if (!resource?.parentId || depth > api.resources.length) return '/';
    const parent = pathOf(resource.parentId, depth + 1);
    const path = `${parent === '/' ? '' : parent}/${resource.pathPart ?? ''}`;
    paths.set(id, path);
    return path;
  };
  return (resourceId) => pathOf(resourceId, 0);
}
