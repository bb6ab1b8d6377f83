import { LocalStageError } from '../errors';
import type { MatchedRoute, RestApiDefinition, RestApiMethod } from './types';

interface ResourceNode {
  id: string;
  resourcePath: string;
  /** The literal path part, or the name inside `{name}` / `{name+}`. */
  part: string;
  kind: 'root' | 'literal' | 'param' | 'greedy';
  children: ResourceNode[];
  methods: Map<string, RestApiMethod>;
}

/** Literal segments beat `{param}`, which beats `{proxy+}`: the order API Gateway tries them in. */
const PRECEDENCE: Record<ResourceNode['kind'], number> = { root: 0, literal: 0, param: 1, greedy: 2 };

/**
 * Finds the method a request reaches in a REST API's resource tree, as API Gateway does: the most
 * specific resource with a method for the HTTP method (or `ANY`) wins. No match means API Gateway's
 * 403 `Missing Authentication Token`.
 *
 * @example
 * const router = new RestApiRouter(api);
 * router.match('/users/42', 'GET'); // { resourcePath: '/users/{id}', pathParameters: { id: '42' }, method }
 */
export class RestApiRouter {
  private readonly root: ResourceNode;

  constructor(api: RestApiDefinition) {
    this.root = buildTree(api);
  }

  /**
   * `path` is the part after the stage, e.g. `/users/42`, as `gatewayPath` accepted it. A trailing
   * slash reaches the same resource, as on API Gateway; an empty segment (`//`) reaches none.
   */
  match(path: string, httpMethod: string): MatchedRoute | undefined {
    const trimmed = path.replace(/^\//, '').replace(/\/$/, '');
    const segments = trimmed === '' ? [] : trimmed.split('/');
    if (segments.includes('')) return undefined;
    return findRoute(this.root, segments, httpMethod.toUpperCase(), {});
  }
}

function findRoute(
  node: ResourceNode,
  rest: string[],
  httpMethod: string,
  params: Record<string, string>,
): MatchedRoute | undefined {
  if (rest.length === 0) return routeAt(node, httpMethod, params);
  const [segment = '', ...remaining] = rest;
  for (const child of node.children) {
    if (child.kind === 'greedy') {
      const route = routeAt(child, httpMethod, { ...params, [child.part]: rest.join('/') });
      if (route) return route;
    } else if (child.kind === 'param' ? segment !== '' : segment === child.part) {
      const next = child.kind === 'param' ? { ...params, [child.part]: segment } : params;
      const route = findRoute(child, remaining, httpMethod, next);
      if (route) return route;
    }
  }
  return undefined;
}

function routeAt(
  node: ResourceNode,
  httpMethod: string,
  params: Record<string, string>,
): MatchedRoute | undefined {
  const method = node.methods.get(httpMethod) ?? node.methods.get('ANY');
  if (!method) return undefined;
  const pathParameters = Object.keys(params).length > 0 ? params : null;
  return { method, resourcePath: node.resourcePath, pathParameters };
}

function buildTree(api: RestApiDefinition): ResourceNode {
  const roots = api.resources.filter((resource) => resource.parentId === undefined);
  if (roots.length !== 1 || !roots[0]) {
    throw new LocalStageError(
      `REST API ${api.apiId} must have exactly one root resource, has ${roots.length}`,
    );
  }
  const nodes = new Map<string, ResourceNode>();
  const root = newNode(roots[0].id, '/', '', 'root');
  nodes.set(root.id, root);
  attachChildren(api, root, nodes);
  for (const method of api.methods) {
    const node = nodes.get(method.resourceId);
    if (!node)
      throw new LocalStageError(`REST API ${api.apiId}: method on unknown resource ${method.resourceId}`);
    node.methods.set(method.httpMethod.toUpperCase(), method);
  }
  return root;
}

function attachChildren(
  api: RestApiDefinition,
  parent: ResourceNode,
  nodes: Map<string, ResourceNode>,
): void {
  for (const resource of api.resources.filter((candidate) => candidate.parentId === parent.id)) {
    const pathPart = resource.pathPart ?? '';
    const resourcePath = `${parent.resourcePath === '/' ? '' : parent.resourcePath}/${pathPart}`;
    const node = newNode(resource.id, resourcePath, ...parsePathPart(pathPart));
    nodes.set(node.id, node);
    parent.children.push(node);
    attachChildren(api, node, nodes);
  }
  parent.children.sort((a, b) => PRECEDENCE[a.kind] - PRECEDENCE[b.kind]);
}

function parsePathPart(pathPart: string): [string, ResourceNode['kind']] {
  const variable = /^\{([^{}]+?)(\+?)\}$/.exec(pathPart);
  if (!variable?.[1]) return [pathPart, 'literal'];
  return [variable[1], variable[2] ? 'greedy' : 'param'];
}

function newNode(id: string, resourcePath: string, part: string, kind: ResourceNode['kind']): ResourceNode {
  return { id, resourcePath, part, kind, children: [], methods: new Map() };
}
