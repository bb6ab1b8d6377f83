// Run by the benchmark in a fresh process (`node --import tsx scripts/bench/stage-child.ts [--repo DIR]
// [--watch] [--persist DIR] [--quiet]`): starts the local stage as `npm start` does, packaging first,
// but on a free port and with its stage files in a temporary folder, so a developer's own `npm start`
// and its .local-stage/ are left alone. `--repo` starts it on another checkout (a copy the benchmark
// edits), `--watch` with hot reload, `--persist` with its data in DIR (so a kill -9 of this process
// can be survived or not), `--quiet` without the functions' log lines (under thousands of requests
// they would cost more than the requests). Prints one ready line (see stage-ready.ts), then the CPU
// time the start took once its helper processes have exited; on SIGUSR2, one line with the SSM
// GetParameter requests each role made so far (see ssm-reads.ts); stops cleanly on SIGTERM.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { prestartCompiler } from '@internal-apis/local-stage/compiler';
import { cpuSeconds } from './process-stats';
import { getParameterReads, SSM_READS_PREFIX } from './ssm-reads';
import { CPU_PREFIX, READY_PREFIX, type StageReady } from './stage-ready';

async function main(): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), 'bench-stage-'));
  const { values } = parseArgs({
    options: {
      repo: { type: 'string' },
      watch: { type: 'boolean' },
      persist: { type: 'string' },
      quiet: { type: 'boolean' },
    },
  });
  const repoRoot = resolve(values.repo ?? join(__dirname, '../..'));
  // As `npm start` does (cli-prestart.ts): the compiler loads while this process loads the stage.
  prestartCompiler(repoRoot, { stage: 'local', region: 'us-east-1' });
  const { LocalStage } = await import('@internal-apis/local-stage');
  const started = performance.now();
  // Function logs go to stdout as `npm start` prints them; the benchmark reads and drops them.
  const stage = await LocalStage.start({
    repoRoot,
    port: 0,
    stateDir,
    persist: values.persist,
    packageFirst: true,
    watch: values.watch === true,
    log: values.quiet ? () => {} : (line) => console.log(line),
    // BENCH_STAGE_LAMBDA (JSON): function copies and their idle timeout, for the memory and pool sections.
    lambda: process.env.BENCH_STAGE_LAMBDA ? JSON.parse(process.env.BENCH_STAGE_LAMBDA) : undefined,
  });
  const ready: StageReady = {
    startMs: performance.now() - started,
    description: stage.description,
    developer: stage.developerCredentials,
  };
  const stop = async () => {
    await stage.stop();
    rmSync(stateDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.on('SIGUSR2', () => {
    process.stdout.write(`${SSM_READS_PREFIX}${JSON.stringify(getParameterReads(stage.accessUsage()))}\n`);
  });
  process.stdout.write(`${READY_PREFIX}${JSON.stringify(ready)}\n`);
  await childrenExited(3000);
  // This process and the children it has reaped: the template compiler, esbuild.
  const cpu = cpuSeconds(process.pid, { reapedChildren: true });
  if (cpu !== undefined) process.stdout.write(`${CPU_PREFIX}${cpu}\n`);
}

/** Waits until this process has no child process left (the template compiler, esbuild), up to `ms`. */
async function childrenExited(ms: number): Promise<void> {
  const tasks = '/proc/self/task';
  if (!existsSync(tasks)) return;
  for (const started = Date.now(); Date.now() - started < ms; ) {
    const children = readdirSync(tasks).flatMap((task) => {
      const file = join(tasks, task, 'children');
      return existsSync(file) ? readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean) : [];
    });
    if (children.length === 0) return;
    await new Promise((wait) => setTimeout(wait, 20));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
