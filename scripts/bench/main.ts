import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { findServices, packageServices } from '@internal-apis/local-stage/packaging';
import { BenchError, stopAllChildren } from './child-process';
import { type EditRun, measureEdits } from './edit-times';
import { median } from './load';
import { type MemoryRun, measureMemory } from './memory';
import { comparePoolSizes, poolSizeLine } from './pool-sizes';
import { measureReliability, RELIABILITY_DEFAULTS, reliabilityLines } from './reliability';
import { copyRepository } from './repo-copy';
import {
  levelLine,
  machineLine,
  medianOf,
  memoryLine,
  type Row,
  seconds,
  startLine,
  summaryTable,
  TARGETS,
  verdict,
} from './report';
import { reusedAll, type StartedStage, type StartKind, type StartRun, startStage } from './start-times';
import { compareThroughput, type ThroughputComparison, type ThroughputOptions } from './throughput';

const SECTIONS = ['start', 'edit', 'throughput', 'memory', 'pool', 'reliability'] as const;
type Section = (typeof SECTIONS)[number];
/** The copies-per-function comparison starts a stage per size: asked for by name only. */
const DEFAULT_SECTIONS: Section[] = ['start', 'edit', 'throughput', 'memory', 'reliability'];

const USAGE = `Usage: npm run bench -- [--only start,edit,throughput] [--cold N] [--warm N] [--scale N] [--edits N]
                      [--requests N] [--connections N,…] [--warmup N] [--rounds N] [--idle-timeout S]
                      [--pool-sizes N,…]

Measures, in one run and side by side:
  start       start to ready of all services, each start in a fresh process: cold (nothing compiled
              or bundled: in a copy of the repository with its caches removed), warm (nothing
              changed), and cold again with N more one-function services, for the cost of each;
  edit        save-to-serving in a copy of the repository: a handler edit and a serverless.yml edit
              (a new endpoint), with hot reload, and by restarting the stage instead;
  throughput  GET /users/{id}, signed, through the local stage's front door versus serverless-offline
              serving the same bundle without any auth: requests/s, p50 and p99 at each number of
              connections, and the ratio (overall, and the median of paired rounds);
  memory      the stage's resident memory idle, under a burst of signed requests and after it, with
              function copies as they were (8 per function, never shut down) and as they are now;
  pool        (only when named) throughput, latency, CPU per request and memory for each number of
              copies per function, one stage per size side by side;
  reliability concurrent creates and orders stored and read back, one winner per contested email, SSM
              GetParameter per burst of orders, acknowledged writes lost over kill -9 with --persist.
Exits non-zero only when something fails to run or a write is lost; missed targets are reported.
  --only LIST      the sections to run, e.g. start,edit (default: all but pool)
  --cold N         cold starts (default 3)     --warm N          warm starts (default 3)
  --scale N        one-function services added for the scaled cold start (default 10; 0: none)
  --edits N        edits of each kind, each way (default 3)
  --requests N     measured requests per side and number of connections (default 2000)
  --connections L  numbers of connections, e.g. 1,16,64 (default)
  --warmup N       unmeasured first (default 1000)  --rounds N  alternating slices per side (default 8)
  --idle-timeout S idle copies shut down after S seconds in the memory section (default 5)
  --pool-sizes L   copies per function compared by the pool section (default 1,2,4,8)`;

const REPO_ROOT = join(__dirname, '../..');
const WORK_DIR = join(REPO_ROOT, 'node_modules/.cache/bench');

interface BenchOptions extends ThroughputOptions {
  cold: number;
  warm: number;
  scale: number;
  edits: number;
  sections: Set<Section>;
  idleTimeoutMs: number;
  poolSizes: number[];
}

function parseOptions(argv: string[]): BenchOptions | undefined {
  const names = ['cold', 'warm', 'scale', 'edits', 'requests', 'warmup', 'rounds'] as const;
  const number = { type: 'string' } as const;
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      cold: number,
      warm: number,
      scale: number,
      edits: number,
      requests: number,
      connections: number,
      // The former single number of connections, still accepted.
      concurrency: number,
      warmup: number,
      rounds: number,
      'idle-timeout': number,
      'pool-sizes': number,
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return undefined;
  const defaults: BenchOptions = {
    cold: 3,
    warm: 3,
    scale: 10,
    edits: 3,
    requests: 2000,
    connections: [1, 16, 64],
    warmup: 1000,
    rounds: 8,
    sections: new Set(DEFAULT_SECTIONS),
    idleTimeoutMs: 5_000,
    poolSizes: [1, 2, 4, 8],
  };
  const options = { ...defaults };
  for (const name of names) {
    const text = values[name];
    if (text === undefined) continue;
    const value = Number(text);
    const minimum = ['cold', 'warm', 'warmup', 'scale'].includes(name) ? 0 : 1;
    if (!Number.isInteger(value) || value < minimum)
      throw new BenchError(`--${name} must be an integer ≥ ${minimum}, not ${text}`);
    options[name] = value;
  }
  const connections = values.connections ?? values.concurrency;
  if (connections !== undefined) options.connections = positiveIntegers('connections', connections);
  if (values['pool-sizes'] !== undefined)
    options.poolSizes = positiveIntegers('pool-sizes', values['pool-sizes']);
  if (values['idle-timeout'] !== undefined) {
    options.idleTimeoutMs = positiveIntegers('idle-timeout', values['idle-timeout'])[0] * 1000;
  }
  if (values.only !== undefined) {
    const wanted = values.only.split(',').map((section) => section.trim());
    const unknown = wanted.filter((section) => !(SECTIONS as readonly string[]).includes(section));
    if (unknown.length > 0)
      throw new BenchError(`--only takes ${SECTIONS.join(', ')}; not ${unknown.join(', ')}`);
    options.sections = new Set(wanted as Section[]);
  }
  return options;
}

function positiveIntegers(name: string, text: string): [number, ...number[]] {
  const values = text.split(',').map((part) => Number(part.trim()));
  if (values.some((value) => !Number.isInteger(value) || value < 1))
    throw new BenchError(`--${name} takes positive integers separated by commas, not ${text}`);
  return values as [number, ...number[]];
}

/** A warm start that packaged something (sources edited meanwhile) is retried this often. */
const EXTRA_WARM_ATTEMPTS = 2;

/**
 * `count` starts of one kind, each stopped, except the last when `keepLast` (it serves the load
 * test). A "warm" start that did not reuse every package is shown but not counted, and run again.
 */
async function measureStarts(
  kind: StartKind,
  count: number,
  keepLast: boolean,
  runs: StartRun[],
  repoRoot = REPO_ROOT,
): Promise<StartedStage | undefined> {
  let kept: StartedStage | undefined;
  let attempts = count + (kind === 'warm' ? EXTRA_WARM_ATTEMPTS : 0);
  for (let done = 0; done < count && attempts > 0; attempts -= 1) {
    const started = await startStage(repoRoot, kind);
    const counted = kind === 'cold' || reusedAll(started.run);
    if (counted) {
      done += 1;
      runs.push(started.run);
    }
    const label = counted
      ? `${done}/${count}`
      : '(not counted: not every package reused; sources changed meanwhile?)';
    console.log(startLine(started.run, label));
    if (keepLast && (done === count || attempts === 1)) kept = started;
    else await started.child.stop();
  }
  return kept;
}

async function measureThroughput(stage: StartedStage, options: BenchOptions): Promise<ThroughputComparison> {
  console.log(
    `\nThroughput: at ${options.connections.join(', ')} connections, ${options.warmup} warm-up then ${options.requests} measured requests per side, ${options.rounds} alternating rounds…`,
  );
  const comparison = await compareThroughput(stage.ready, WORK_DIR, options, {
    stagePid: stage.child.pid,
    onLevel: (level) => console.log(levelLine(level)),
  });
  console.log(
    `  (${comparison.scenario}; local stage: SigV4 verified and IAM evaluated on every call; serverless-offline: --noAuth)`,
  );
  return comparison;
}

async function measureMemoryBeforeAfter(options: BenchOptions): Promise<MemoryRun[]> {
  const connections = Math.max(...options.connections);
  console.log(
    `\nStage memory (resident set, functions included): idle, under ${options.requests} signed GETs at ${connections} connections, after them…`,
  );
  const configurations = [
    {
      label: 'copies as before (8 per function, kept forever)',
      lambda: { maxEnvironmentsPerFunction: 8, idleTimeoutMs: 24 * 3_600_000 },
    },
    {
      label: `copies as now (default pool, idle ones shut down after ${options.idleTimeoutMs / 1000} s)`,
      lambda: { idleTimeoutMs: options.idleTimeoutMs },
    },
  ];
  const runs: MemoryRun[] = [];
  for (const { label, lambda } of configurations) {
    const run = await measureMemory(REPO_ROOT, label, lambda, {
      connections,
      requests: options.requests,
      idleTimeoutMs: options.idleTimeoutMs,
    });
    console.log(memoryLine(run));
    runs.push(run);
  }
  return runs;
}

async function measurePoolSizes(options: BenchOptions): Promise<void> {
  const connections = options.connections.filter((count) => count > 1);
  console.log(
    `\nCopies per function (local stage alone, one stage per size, ${options.warmup} warm-up then ${options.requests} signed GETs per line in ${options.rounds} alternating rounds):`,
  );
  const runs = await comparePoolSizes(REPO_ROOT, {
    sizes: options.poolSizes,
    connections,
    requests: options.requests,
    warmup: options.warmup,
    rounds: options.rounds,
  });
  for (const run of runs) console.log(poolSizeLine(run));
}

/**
 * Cold starts in a copy of the repository (its caches removed each time, the working tree untouched),
 * alternating, when `scale` > 0, with cold starts of a copy with `scale` more one-function services:
 * side by side, so the cost of each one more is not a difference between two moments of the machine.
 * Then `serverless package` of every service, as a cold start used to run it.
 */
async function measureColdStarts(options: BenchOptions, runs: StartRun[]): Promise<Row[]> {
  if (options.cold === 0) return [];
  const copy = copyRepository(REPO_ROOT);
  const scaled = options.scale > 0 ? copyRepository(REPO_ROOT, { extraServices: options.scale }) : undefined;
  const scaledRuns: StartRun[] = [];
  try {
    const more = scaled ? `, alternating with ${options.scale} more one-function services` : '';
    console.log(`Start to ready, cold (a copy of the repository, nothing compiled or bundled${more}):`);
    for (let round = 1; round <= options.cold; round++) {
      const label = `${round}/${options.cold}`;
      const started = await startStage(copy.root, 'cold');
      runs.push(started.run);
      console.log(startLine(started.run, label));
      await started.child.stop();
      if (!scaled) continue;
      const more = await startStage(scaled.root, 'cold');
      scaledRuns.push(more.run);
      console.log(startLine(more.run, label));
      await more.child.stop();
    }
    const rows = [await serverlessPackageRow(copy.root)];
    return scaled ? [scaleRow(runs, scaledRuns, options.scale), ...rows] : rows;
  } finally {
    copy.remove();
    scaled?.remove();
  }
}

/**
 * What a cold start used to spend before provisioning anything, side by side: `serverless package`
 * of every service, two at a time, each in a framework process of its own.
 */
async function serverlessPackageRow(repoRoot: string): Promise<Row> {
  const started = performance.now();
  const services = findServices(repoRoot);
  await packageServices(services, { stage: 'local', repoRoot, force: true });
  const elapsed = (performance.now() - started) / 1000;
  console.log(`  serverless package of the ${services.length} services, 2 at a time: ${seconds(elapsed)}`);
  return [`cold, before: serverless package of each service, 2 at a time`, seconds(elapsed), '', ''];
}

function scaleRow(base: StartRun[], scaled: StartRun[], added: number): Row {
  const cold = base.filter((run) => run.kind === 'cold');
  const perService =
    (median(scaled.map((run) => run.seconds)) - median(cold.map((run) => run.seconds))) / added;
  const cpu = (runs: StartRun[]) => median(runs.map((run) => run.cpuSeconds ?? Number.NaN));
  const cpuPerService = (cpu(scaled) - cpu(cold)) / added;
  const measured = `${seconds(perService)}${Number.isNaN(cpuPerService) ? '' : ` (${seconds(cpuPerService)} of CPU)`}`;
  return [
    `cold, each one-function service more (${scaled[0]?.services ?? '?'} services: ${seconds(median(scaled.map((run) => run.seconds)))})`,
    measured,
    `≤ ${TARGETS.perServiceSeconds} s`,
    verdict(perService <= TARGETS.perServiceSeconds),
  ];
}

/** Save-to-serving, hot reload and restart side by side, in a copy of the repository. */
async function measureEditTimes(options: BenchOptions): Promise<Row[]> {
  const copy = copyRepository(REPO_ROOT);
  try {
    console.log('\nSave to serving (a copy of the repository; users: get-user.ts, then serverless.yml):');
    const runs = await measureEdits(copy.root, {
      rounds: options.edits,
      onRun: (run) => console.log(`  ${run.edit} edit, ${run.way}: ${seconds(run.seconds)}`),
    });
    return editRows(runs);
  } finally {
    copy.remove();
  }
}

function editRows(runs: EditRun[]): Row[] {
  const times = (edit: EditRun['edit'], way: EditRun['way']) =>
    runs.filter((run) => run.edit === edit && run.way === way).map((run) => run.seconds);
  const rows: Row[] = [];
  for (const [edit, target] of [
    ['handler', TARGETS.handlerEditSeconds],
    ['template', TARGETS.templateEditSeconds],
  ] as const) {
    const hot = times(edit, 'hot reload');
    const restart = times(edit, 'restart');
    if (hot.length === 0) continue;
    rows.push(
      [
        `save to serving, ${edit} edit, hot reload`,
        medianOf(hot),
        `≤ ${target} s`,
        verdict(median(hot) <= target),
      ],
      [`save to serving, ${edit} edit, restart instead`, medianOf(restart), '', ''],
    );
  }
  return rows;
}

/**
 * `npm run bench`: start, edit and throughput figures, printed with a summary table.
 * Resolves with the exit code.
 *
 * @example
 * process.exitCode = await runBenchmark(['--cold', '1', '--warm', '2']);
 */
export async function runBenchmark(argv: string[]): Promise<number> {
  const options = parseOptions(argv);
  if (!options) {
    console.log(USAGE);
    return 0;
  }
  console.log(`Benchmark of the local stage on ${machineLine()}\n`);
  const runs: StartRun[] = [];
  const rows: Row[] = [];
  const wants = (section: Section) => options.sections.has(section);
  try {
    if (wants('start')) rows.push(...(await measureColdStarts(options, runs)));
    let stage: StartedStage | undefined;
    if (wants('start') || wants('throughput')) {
      console.log('Start to ready, warm (nothing changed: templates and bundles reused):');
      const warmRuns: StartRun[] = [];
      stage = await measureStarts('warm', Math.max(1, options.warm), wants('throughput'), warmRuns);
      if (wants('start') && options.warm > 0) runs.push(...warmRuns);
    }
    let comparison: ThroughputComparison | undefined;
    if (wants('throughput')) {
      if (!stage) throw new BenchError('No local stage left running for the throughput test');
      comparison = await measureThroughput(stage, options);
      await stage.child.stop();
    }
    if (wants('edit') && options.edits > 0) rows.push(...(await measureEditTimes(options)));
    const memory = wants('memory') ? await measureMemoryBeforeAfter(options) : [];
    if (wants('pool')) await measurePoolSizes(options);
    if (runs.length > 0 || rows.length > 0 || comparison || memory.length > 0) {
      const scenario = comparison ? `Throughput: ${comparison.scenario}\n` : '';
      console.log(`\nSummary (${machineLine()})\n${scenario}${summaryTable(runs, comparison, rows, memory)}`);
    }
    // serverless-offline timing requests out under load is a figure; the local stage failing one is not.
    const failures = (comparison?.levels ?? []).flatMap((level) => level.local.failureSamples);
    const failed = (comparison?.levels ?? []).reduce((sum, level) => sum + level.local.failures, 0);
    if (failed > 0) console.error(`\n${failed} requests to the local stage failed: ${failures.join(' | ')}`);
    const reliable = wants('reliability') ? await runReliability() : 0;
    return failed > 0 ? 1 : reliable;
  } finally {
    await stopAllChildren();
  }
}

/** The reliability section: its figures as measured, then a summary. Non-zero when a write was lost. */
async function runReliability(): Promise<number> {
  console.log('\nReliability, against a local stage in a process of its own:');
  const figures = await measureReliability(RELIABILITY_DEFAULTS, (line) => console.log(line));
  console.log(`\nReliability summary (${machineLine()})`);
  for (const line of reliabilityLines(figures)) console.log(`  ${line}`);
  return figures.kills.some((round) => round.lost > 0) ? 1 : 0;
}

process.once('SIGINT', () => {
  void stopAllChildren().then(() => process.exit(130));
});
