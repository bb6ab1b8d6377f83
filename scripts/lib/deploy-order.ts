import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ServiceDir } from '@internal-apis/local-stage/packaging';

// A service names what it reads from another by that service's SSM parameters:
// `Default: /${sls:stage}/users/api-id` (a template parameter CloudFormation resolves at deploy time)
// or `parameter/${sls:stage}/users/url` (the IAM grant for discovery). Whatever the stage variable is
// spelled as, the service name sits between it and `/api-id` or `/url`.
const CALLEE_REFERENCE = /\/\$\{[^}]+\}\/([A-Za-z0-9_-]+)\/(?:api-id|url)\b/g;

/**
 * The services each service reads parameters of, found in its serverless.yml. Only names of known
 * services count; a service's own parameters do not.
 *
 * @example
 * calleesOf(orders, ['users', 'orders']); // ['users']
 */
export function calleesOf(service: ServiceDir, knownNames: string[]): string[] {
  const text = readFileSync(path.join(service.dir, 'serverless.yml'), 'utf8');
  const names = [...text.matchAll(CALLEE_REFERENCE)].map((match) => match[1] ?? '');
  return [...new Set(names)].filter((name) => name !== service.name && knownNames.includes(name)).sort();
}

/**
 * Services in an order that deploys every callee before its callers: a caller's stack reads the
 * callee's `/{stage}/{callee}/api-id` when it is created, so the callee must exist first. Among
 * services that are ready at the same time, alphabetical. A cycle is an error naming its members.
 *
 * @example
 * deployOrder(findServices(repoRoot)).map((s) => s.name); // ['users', 'notifications', 'orders']
 */
export function deployOrder(services: ServiceDir[]): ServiceDir[] {
  const names = services.map((service) => service.name);
  const waitingOn = new Map(services.map((service) => [service.name, new Set(calleesOf(service, names))]));
  const ordered: ServiceDir[] = [];
  let remaining = [...services].sort((a, b) => a.name.localeCompare(b.name));
  while (remaining.length > 0) {
    const ready = remaining.filter((service) => waitingOn.get(service.name)?.size === 0);
    if (ready.length === 0) {
      throw new Error(`Services depend on each other in a cycle: ${remaining.map((s) => s.name).join(', ')}`);
    }
    ordered.push(...ready);
    remaining = remaining.filter((service) => !ready.includes(service));
    for (const callees of waitingOn.values()) for (const done of ready) callees.delete(done.name);
  }
  return ordered;
}
