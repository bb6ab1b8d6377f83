import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scaffoldService } from '../lib/new-service';

const ROOT_FILES = ['package.json', 'serverless-common.yml', 'tsconfig.json', 'tsconfig.base.json'];
/** What a service folder holds that is built, not written: a copy starts without any of it. */
const BUILT = new Set(['.serverless', '.esbuild', '.local-stage', 'node_modules', 'dist']);

export interface RepoCopy {
  root: string;
  services: string[];
  remove(): void;
}

/**
 * A copy of the repository's layout in a temporary folder, for measurements that clear caches or
 * edit sources: the working tree, and a stage a developer runs from it, are never touched. Services
 * and root files are copied, without anything built; node_modules is linked (the shared packages
 * resolve through it, to the repository's own). `extraServices` one-function services are added with
 * `npm run new-service`'s template.
 *
 * @example
 * const copy = copyRepository('/work/main', { extraServices: 10 });
 * // … start stages in copy.root …
 * copy.remove();
 */
export function copyRepository(repoRoot: string, options: { extraServices?: number } = {}): RepoCopy {
  const root = mkdtempSync(join(tmpdir(), 'bench-repo-'));
  for (const file of ROOT_FILES) {
    if (existsSync(join(repoRoot, file))) cpSync(join(repoRoot, file), join(root, file));
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'));
  mkdirSync(join(root, 'services'));
  const services = readdirSync(join(repoRoot, 'services'), { withFileTypes: true })
    .filter(
      (entry) => entry.isDirectory() && existsSync(join(repoRoot, 'services', entry.name, 'serverless.yml')),
    )
    .map((entry) => entry.name);
  for (const name of services) {
    cpSync(join(repoRoot, 'services', name), join(root, 'services', name), {
      recursive: true,
      filter: (source) => !BUILT.has(source.split('/').pop() ?? ''),
    });
  }
  const template = join(repoRoot, 'scripts/templates/new-service');
  for (let index = 1; index <= (options.extraServices ?? 0); index++) {
    const name = `extra${String(index).padStart(2, '0')}`;
    scaffoldService(name, root, template);
    services.push(name);
  }
  return { root, services, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** Removes every compiled template and bundle of the copy's services: the next start is cold. */
export function clearBuildCaches(root: string): void {
  for (const name of readdirSync(join(root, 'services'))) {
    rmSync(join(root, 'services', name, '.local-stage'), { recursive: true, force: true });
  }
}
