import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LocalStageError } from '../errors';

/** A service of the repository: `name` is the `service:` of its serverless.yml, `dir` its folder. */
export interface ServiceDir {
  name: string;
  dir: string;
}

/**
 * Every `services/*` folder with a serverless.yml, sorted by name.
 *
 * @example
 * findServices('/work/repo'); // [{ name: 'notifications', dir: '/work/repo/services/notifications' }, …]
 */
export function findServices(repoRoot: string): ServiceDir[] {
  const servicesRoot = path.join(repoRoot, 'services');
  if (!existsSync(servicesRoot)) return [];
  return readdirSync(servicesRoot, { withFileTypes: true })
    .filter(
      (entry) => entry.isDirectory() && existsSync(path.join(servicesRoot, entry.name, 'serverless.yml')),
    )
    .map((entry) => {
      const dir = path.join(servicesRoot, entry.name);
      return { name: readServiceName(path.join(dir, 'serverless.yml')), dir };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

// The top-level `service: name` line; a full YAML parse (and the framework's variables) is not
// needed for a key that must be a literal for the stack name to be stable.
function readServiceName(serverlessYml: string): string {
  const match = /^service:[ \t]*['"]?([A-Za-z0-9-]+)['"]?[ \t]*(?:#.*)?$/m.exec(
    readFileSync(serverlessYml, 'utf8'),
  );
  if (!match?.[1]) {
    throw new LocalStageError(`${serverlessYml} has no top-level "service: <name>" line.`);
  }
  return match[1];
}
