import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WatchedChild } from './child-process';
import { parseReadyLine, READY_PREFIX, type StageReady } from './stage-ready';

export type StartKind = 'cold' | 'warm';

export interface StartRun {
  kind: StartKind;
  /** Spawn of a fresh process to its ready line: what a developer waits for after `npm start`. */
  seconds: number;
  /** `LocalStage.start` alone, inside the child. */
  startSeconds: number;
  /** What packaging did per service, from the stage's progress lines: `users packaged in 3.1 s`. */
  packaging: string[];
}

export interface StartedStage {
  run: StartRun;
  ready: StageReady;
  child: WatchedChild;
}

const READY_TIMEOUT_MS = 120_000;
// `  users: packaged in 3.1 s` / `  orders: reused`: the stage's packaging progress lines.
const PACKAGING_LINE = /^\s+([\w-]+): (reused|packaged|failed)(?: in ([\d.]+) s)?$/;

/**
 * Makes every service's package stale the way the packaging module decides it: a service is reused
 * only while `.serverless/.package-hash` matches its inputs, so without the file it is packaged again.
 *
 * @example
 * removePackageHashes('/work/main'); // ['services/notifications/.serverless/.package-hash', …]
 */
export function removePackageHashes(repoRoot: string): string[] {
  const servicesDir = join(repoRoot, 'services');
  return readdirSync(servicesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(servicesDir, entry.name, 'serverless.yml')))
    .map((entry) => join('services', entry.name, '.serverless', '.package-hash'))
    .map((file) => {
      rmSync(join(repoRoot, file), { force: true });
      return file;
    });
}

/**
 * Starts the local stage in a fresh Node process (see stage-child.ts) and times it from spawn to its
 * ready line. The caller stops `child` (or keeps it to send requests to).
 *
 * @example
 * const { run, child } = await startStage('/work/main', 'warm');
 * console.log(run.seconds);
 * await child.stop();
 */
export async function startStage(repoRoot: string, kind: StartKind): Promise<StartedStage> {
  if (kind === 'cold') removePackageHashes(repoRoot);
  const packaging: string[] = [];
  const started = performance.now();
  const child = WatchedChild.spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'stage-child.ts')], {
    name: `local stage (${kind} start)`,
    cwd: repoRoot,
    env: process.env,
    isSecret: (line) => line.startsWith(READY_PREFIX),
  });
  const ready = await child.waitFor((line) => {
    const progress = PACKAGING_LINE.exec(line);
    if (progress) packaging.push(`${progress[1]} ${progress[2]}${progress[3] ? ` in ${progress[3]} s` : ''}`);
    return parseReadyLine(line);
  }, READY_TIMEOUT_MS);
  const seconds = (performance.now() - started) / 1000;
  return { run: { kind, seconds, startSeconds: ready.startMs / 1000, packaging }, ready, child };
}

/** True when a warm run really reused every package (otherwise its figure is not a warm start). */
export function reusedAll(run: StartRun): boolean {
  return run.packaging.length > 0 && run.packaging.every((line) => line.endsWith(' reused'));
}
