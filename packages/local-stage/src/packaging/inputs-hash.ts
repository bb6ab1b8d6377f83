import { createHash, type Hash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ServiceDir } from './services';
import { workspaceDependencyDirs } from './workspaces';

/**
 * A digest of everything `serverless package` reads to build a service: its serverless.yml,
 * package.json, tsconfig.json and src/**, the shared serverless-common.yml, the package.json and
 * src/** of every workspace package it depends on (transitively), the root package-lock.json (a
 * dependency upgrade changes the bundle), and the stage. Equal digests mean the earlier package can
 * be reused.
 *
 * @example
 * inputsHash({ name: 'orders', dir: '/repo/services/orders' }, '/repo', 'local'); // 'a3f1…'
 */
export function inputsHash(service: ServiceDir, repoRoot: string, stage?: string): string {
  const hash = createHash('sha256');
  hash.update(`stage\0${stage ?? ''}\0`);
  const files = [
    ...['serverless.yml', 'package.json', 'tsconfig.json'].map((file) => path.join(service.dir, file)),
    ...filesUnder(path.join(service.dir, 'src')),
    path.join(service.dir, '..', '..', 'serverless-common.yml'),
    path.join(repoRoot, 'package-lock.json'),
    ...workspaceDependencyDirs(service.dir, repoRoot).flatMap((dir) => [
      path.join(dir, 'package.json'),
      ...filesUnder(path.join(dir, 'src')),
    ]),
  ];
  for (const file of files) addFile(hash, repoRoot, file);
  return hash.digest('hex');
}

/** Every file below `dir`, recursively, in a stable order; none when `dir` does not exist. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return filesUnder(full);
      return entry.isFile() ? [full] : [];
    });
}

// The path goes in with the content, so renaming or moving a file changes the digest too; a file
// that does not exist goes in as absent, so creating it changes the digest.
function addFile(hash: Hash, repoRoot: string, file: string): void {
  hash.update(`${path.relative(repoRoot, file)}\0`);
  if (!existsSync(file)) {
    hash.update('absent\0');
    return;
  }
  const content = readFileSync(file);
  hash.update(`${content.length}\0`);
  hash.update(content);
}
