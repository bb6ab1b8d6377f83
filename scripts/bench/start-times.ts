import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WatchedChild } from './child-process';
import { clearBuildCaches } from './repo-copy';
import { parseCpuLine, parseReadyLine, READY_PREFIX, type StageReady } from './stage-ready';

export type StartKind = 'cold' | 'warm';

export interface StartRun {
  kind: StartKind;
  /** Services started. */
  services: number;
  /** Spawn of a fresh process to its ready line: what a developer waits for after `npm start`. */
  seconds: number;
  /** `LocalStage.start` alone, inside the child. */
  startSeconds: number;
  /** CPU seconds used until ready, the template compiler and esbuild included (Linux only). */
  cpuSeconds?: number;
  /** What preparing each service did, from the stage's progress lines: `users: template reused, 5 bundles reused`. */
  packaging: string[];
}

export interface StartedStage {
  run: StartRun;
  ready: StageReady;
  child: WatchedChild;
}

const READY_TIMEOUT_MS = 180_000;
const CPU_LINE_TIMEOUT_MS = 5_000;
// `  users: template compiled, 5 bundles built (2.1 s)`: a service's progress line (prepare-services.ts).
const PROGRESS_LINE = /^\s+([\w-]+): (template (?:compiled|reused), .+?) \([\d.]+ s\)$/;

export interface StartOptions {
  /** Hot reload on, as `npm start` runs. */
  watch?: boolean;
  /** Function copies and how long an idle one is kept (the memory and pool sections). */
  lambda?: { maxEnvironmentsPerFunction?: number; idleTimeoutMs?: number };
  /**
   * Wait for the child's CPU line after ready (default true). The child prints it once its helper
   * processes have exited, which can take seconds more: a timing that goes on past ready (save to
   * serving) must not wait for it.
   */
  measureCpu?: boolean;
  /** Without the functions' log lines (stage-child.ts `--quiet`), for sections sending thousands of requests. */
  quiet?: boolean;
  /** The stage's data kept in this folder (`--persist`), to survive a kill -9 or not. */
  persist?: string;
}

/**
 * Starts the local stage in a fresh Node process (see stage-child.ts) on `repoRoot` and times it from
 * spawn to its ready line. A cold start first removes every compiled template and bundle
 * (`services/*\/.local-stage`), so everything is compiled and bundled again; a warm one reuses them.
 * The caller stops `child` (or keeps it to send requests to).
 *
 * @example
 * const { run, child } = await startStage(copy.root, 'warm');
 * console.log(run.seconds);
 * await child.stop();
 */
export async function startStage(
  repoRoot: string,
  kind: StartKind,
  options: StartOptions = {},
): Promise<StartedStage> {
  if (kind === 'cold') clearBuildCaches(repoRoot);
  const packaging: string[] = [];
  const started = performance.now();
  const args = ['--import', 'tsx', join(__dirname, 'stage-child.ts'), '--repo', repoRoot];
  if (options.watch) args.push('--watch');
  if (options.quiet) args.push('--quiet');
  if (options.persist) args.push('--persist', options.persist);
  const child = WatchedChild.spawn(process.execPath, args, {
    name: `local stage (${kind} start)`,
    cwd: repoRoot,
    env: options.lambda
      ? { ...process.env, BENCH_STAGE_LAMBDA: JSON.stringify(options.lambda) }
      : process.env,
    isSecret: (line) => line.startsWith(READY_PREFIX),
  });
  const ready = await child.waitFor((line) => {
    const progress = PROGRESS_LINE.exec(line);
    if (progress) packaging.push(`${progress[1]}: ${progress[2]}`);
    return parseReadyLine(line);
  }, READY_TIMEOUT_MS);
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds =
    options.measureCpu === false
      ? undefined
      : await child.waitFor(parseCpuLine, CPU_LINE_TIMEOUT_MS).catch(() => undefined);
  const run = {
    kind,
    services: packaging.length,
    seconds,
    startSeconds: ready.startMs / 1000,
    cpuSeconds,
    packaging,
  };
  return { run, ready, child };
}

/** True when a warm run really reused every template and bundle (otherwise it is not a warm start). */
export function reusedAll(run: StartRun): boolean {
  return (
    run.packaging.length > 0 &&
    run.packaging.every((line) => /template reused, (?:\d+ bundles? reused|code packaged by)/.test(line))
  );
}
