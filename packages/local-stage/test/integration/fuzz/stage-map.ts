import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { localBuildOf } from '@internal-apis/local-stage/packaging';

/** One method of a service's REST API, as its packaged template declares it. */
export interface Route {
  service: string;
  method: string;
  /** e.g. `/users/{id}` */
  resourcePath: string;
  /** `AWS_IAM`, or `NONE` for a method anyone may call. */
  authorization: string;
}

/** A DynamoDB table and the name of its partition key. */
export interface Table {
  name: string;
  key: string;
}

/** What the fuzz suite aims at: every API method and every DynamoDB table of the packaged services. */
export interface StageMap {
  routes: Route[];
  tables: Table[];
}

interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

/**
 * Reads the routes and tables from each service's compiled CloudFormation (as the stage prepared it),
 * so the fuzz suite covers whatever the services declare, including ones added later.
 *
 * @example
 * stageMap([{ name: 'users', dir: 'services/users' }]).routes[0]; // { service: 'users', method: 'POST', resourcePath: '/users' }
 */
export function stageMap(services: Array<{ name: string; dir: string }>): StageMap {
  const routes: Route[] = [];
  const tables: Table[] = [];
  for (const { name, dir } of services) {
    // The template the stage compiled from the service's current sources (stage `local`, its defaults).
    const { templateDir } = localBuildOf(dir, { repoRoot: dir, stage: 'local', region: 'us-east-1' });
    const template = JSON.parse(
      readFileSync(join(templateDir, 'cloudformation-template-update-stack.json'), 'utf8'),
    ) as { Resources: Record<string, TemplateResource> };
    const resources = template.Resources;
    for (const resource of Object.values(resources)) {
      const properties = resource.Properties ?? {};
      if (resource.Type === 'AWS::DynamoDB::Table' && typeof properties.TableName === 'string') {
        const keySchema = properties.KeySchema as Array<{ AttributeName: string; KeyType: string }>;
        const key = keySchema.find((part) => part.KeyType === 'HASH')?.AttributeName ?? 'id';
        tables.push({ name: properties.TableName, key });
      }
      if (resource.Type === 'AWS::ApiGateway::Method' && properties.HttpMethod !== 'OPTIONS') {
        routes.push({
          service: name,
          method: String(properties.HttpMethod),
          resourcePath: pathOf(resources, properties.ResourceId),
          authorization: String(properties.AuthorizationType ?? 'NONE'),
        });
      }
    }
  }
  return { routes, tables };
}

/** The resource path of `{Ref: …}` or the root (`Fn::GetAtt … RootResourceId`). */
function pathOf(resources: Record<string, TemplateResource>, reference: unknown): string {
  const logicalId = (reference as { Ref?: string } | undefined)?.Ref;
  const resource = logicalId ? resources[logicalId] : undefined;
  if (!resource) return '/';
  const parent = pathOf(resources, resource.Properties?.ParentId);
  return `${parent === '/' ? '' : parent}/${String(resource.Properties?.PathPart)}`;
}

/**
 * Whether a request (`GET /{apiId}/{stage}/users/42`) reaches a method without authorization, which
 * invokes its function with no access decision at all, as API Gateway does.
 *
 * @example
 * const open = openMethods(map, urls); open('GET', '/a1b2c3d4e5/local/health'); // true for a NONE method
 */
export function openMethods(
  map: StageMap,
  urls: ReadonlyMap<string, string>,
): (method: string, target: string) => boolean {
  const open = map.routes
    .filter((route) => route.authorization === 'NONE')
    .map((route) => {
      const base = new URL(urls.get(route.service) ?? 'http://x/').pathname;
      const pattern = route.resourcePath
        .split('/')
        .filter(Boolean)
        .map((part) => {
          if (/^\{.+\+\}$/.test(part)) return '.+';
          if (/^\{.+\}$/.test(part)) return '[^/]+';
          return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        })
        .join('/');
      return { method: route.method, path: new RegExp(`^${base}/${pattern}/?(\\?|$)`) };
    });
  return (method, target) =>
    open.some((route) => (route.method === method || route.method === 'ANY') && route.path.test(target));
}
