import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface PackageJson {
  name?: string;
  dependencies?: Record<string, string>;
  workspaces?: string[] | { packages?: string[] };
}

function readPackageJson(dir: string): PackageJson {
  const file = path.join(dir, 'package.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as PackageJson) : {};
}

/**
 * The folders of the npm workspaces, by package name. Handles the patterns npm workspaces are
 * written with here: a folder (`tools/x`) or every folder of one (`packages/*`).
 *
 * @example
 * workspacePackages('/repo').get('@internal-apis/discovery'); // '/repo/packages/discovery'
 */
export function workspacePackages(repoRoot: string): Map<string, string> {
  const { workspaces = [] } = readPackageJson(repoRoot);
  const patterns = Array.isArray(workspaces) ? workspaces : (workspaces.packages ?? []);
  const byName = new Map<string, string>();
  for (const dir of patterns.flatMap((pattern) => expandPattern(repoRoot, pattern))) {
    const { name } = readPackageJson(dir);
    if (name) byName.set(name, dir);
  }
  return byName;
}

function expandPattern(repoRoot: string, pattern: string): string[] {
  if (!pattern.endsWith('/*')) return [path.join(repoRoot, pattern)];
  const parent = path.join(repoRoot, pattern.slice(0, -2));
  if (!existsSync(parent)) return [];
  return readdirSync(parent, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join(parent, entry.name));
}

/**
 * Folders of the workspace packages `dir` depends on through `dependencies`, transitively: what a
 * bundler may pull into its bundle from this repository. Sorted, without `dir` itself.
 *
 * @example
 * workspaceDependencyDirs('/repo/services/orders', '/repo');
 * // ['/repo/packages/discovery', '/repo/packages/lambda-http', '/repo/packages/signed-client', '/repo/services/users']
 */
export function workspaceDependencyDirs(dir: string, repoRoot: string): string[] {
  const workspaces = workspacePackages(repoRoot);
  const found = new Set<string>();
  const pending = [dir];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    for (const dependency of Object.keys(readPackageJson(current).dependencies ?? {})) {
      const dependencyDir = workspaces.get(dependency);
      if (dependencyDir && dependencyDir !== dir && !found.has(dependencyDir)) {
        found.add(dependencyDir);
        pending.push(dependencyDir);
      }
    }
  }
  return [...found].sort();
}
