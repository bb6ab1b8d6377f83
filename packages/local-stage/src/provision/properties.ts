import { TemplateError } from '../errors';
import type { ResourceRequest } from './context';

/**
 * A problem with one property of the resource being provisioned, naming the stack, resource and property.
 *
 * @example throw propertyError(request, 'Role', 'role arn:… is not provisioned in this stage')
 */
export function propertyError(request: ResourceRequest, property: string, problem: string): TemplateError {
  return new TemplateError(request.stack.stackName, request.logicalId, `Properties.${property}`, problem);
}

/** A string property, or a TemplateError naming the resource and property. */
export function requireString(request: ResourceRequest, name: string): string {
  const value = request.properties[name];
  if (typeof value === 'string' && value.length > 0) return value;
  throw propertyError(request, name, 'a string is required');
}

export function optionalString(request: ResourceRequest, name: string): string | undefined {
  const value = request.properties[name];
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  throw propertyError(request, name, 'must be a string');
}

/** A number property; CloudFormation also takes a number written as a string. */
export function optionalNumber(request: ResourceRequest, name: string): number | undefined {
  const value = request.properties[name];
  if (value === undefined) return undefined;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number === 'number' && Number.isFinite(number)) return number;
  throw propertyError(request, name, 'must be a number');
}

/** The name CloudFormation generates when a template leaves a name out: `{stack}-{logicalId}-{suffix}`. */
export function generatedName(request: ResourceRequest, suffix: string): string {
  return `${request.stack.stackName}-${request.logicalId}-${suffix}`;
}

/**
 * Rewrites API Gateway invoke URLs to the front door: `https://{id}.execute-api.{region}.amazonaws.com/x`
 * becomes `{endpoint}/{id}/x`. Applied to values a stack publishes (SSM parameters, outputs,
 * environment variables), so callers discover a URL that reaches this stage.
 */
export function localizeUrls(value: string, endpoint: string, region: string): string {
  const pattern = new RegExp(
    `https://([a-z0-9]{10})\\.execute-api\\.${region.replace(/-/g, '\\-')}\\.amazonaws\\.com`,
    'g',
  );
  return value.replace(pattern, (_match, apiId: string) => `${endpoint}/${apiId}`);
}
