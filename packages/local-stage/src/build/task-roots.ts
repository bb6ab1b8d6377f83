import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The folder, in each service, that holds its bundles, compiled templates and their index. */
export const LOCAL_BUILD_DIR = '.local-stage';

/** A bundle's files, by path relative to the zip's root (`src/handlers/get-user.js`). */
export type ArtifactFiles = Map<string, Uint8Array>;

/**
 * Where a function's code lives locally: what its zip would hold, unpacked, in a folder exactly as
 * many levels below the service as serverless-esbuild's build folder (`.esbuild/.build`). The source
 * maps name their sources relative to that folder (`../../../../src/handlers/get-user.ts`), so from
 * here, unchanged, they point at the repository's own files: debuggers and stack traces see them.
 * Folder names carry the content digest, so equal bundles share a folder and a swap never rewrites
 * files a running function may still read.
 *
 * @example
 * taskRootOf('/repo/services/users', 'getUser.zip', 'ab12…', 2); // '/repo/services/users/.local-stage/getUser-ab12…'
 */
export function taskRootOf(serviceDir: string, artifactName: string, digest: string, depth: number): string {
  const filler = Array.from({ length: depth - 2 }, () => '_');
  return path.join(
    serviceDir,
    LOCAL_BUILD_DIR,
    `${artifactBase(artifactName)}-${digest.slice(0, 16)}`,
    ...filler,
  );
}

/** The digest naming a bundle's folder: its files' paths and bytes. */
export function digestOfFiles(files: ArtifactFiles): string {
  const hash = createHash('sha256');
  for (const [relative, bytes] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    hash.update(`${relative}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  return hash.digest('hex');
}

/**
 * Writes a bundle's files under its task root, unless an identical bundle is there already. Written
 * beside it and renamed into place, so a half-written folder never looks like a bundle.
 */
export function writeTaskRoot(serviceDir: string, taskRoot: string, files: ArtifactFiles): void {
  const top = topFolder(serviceDir, taskRoot);
  if (existsSync(top)) return;
  const staging = `${top}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const stagedRoot = path.join(staging, path.relative(top, taskRoot));
  try {
    for (const [relative, bytes] of files) {
      const target = path.join(stagedRoot, relative);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, bytes);
    }
    mkdirSync(stagedRoot, { recursive: true });
    renameSync(staging, top);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    // Another stage of this checkout wrote the same bundle first.
    if (!existsSync(top)) throw error;
  }
}

export function taskRootExists(serviceDir: string, taskRoot: string): boolean {
  return existsSync(topFolder(serviceDir, taskRoot));
}

/**
 * Removes an artifact's bundle folders that are neither kept nor recent: old bundles pile up with
 * every edit. A folder younger than `minAgeMs` stays, as another stage of this checkout may run it.
 */
export function pruneTaskRoots(
  serviceDir: string,
  artifactName: string,
  keep: Set<string>,
  options: { minAgeMs: number; now?: number },
): void {
  const parent = path.join(serviceDir, LOCAL_BUILD_DIR);
  if (!existsSync(parent)) return;
  const prefix = `${artifactBase(artifactName)}-`;
  const kept = new Set([...keep].map((taskRoot) => topFolder(serviceDir, taskRoot)));
  const now = options.now ?? Date.now();
  for (const name of readdirSync(parent)) {
    const folder = path.join(parent, name);
    if (!name.startsWith(prefix) || !/^[0-9a-f]{16}(\.tmp-.*)?$/.test(name.slice(prefix.length))) continue;
    if (kept.has(folder)) continue;
    const age = now - statSync(folder).mtimeMs;
    if (age >= options.minAgeMs) rmSync(folder, { recursive: true, force: true });
  }
}

function artifactBase(artifactName: string): string {
  return artifactName.replace(/\.zip$/, '');
}

/** The digest-named folder a task root is in (the task root itself, or a filler folder below it). */
function topFolder(serviceDir: string, taskRoot: string): string {
  const [first, second] = path.relative(serviceDir, taskRoot).split(path.sep);
  return path.join(serviceDir, first ?? '', second ?? '');
}
