import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BenchError, stopAllChildren } from './child-process';
import { measureReliability, RELIABILITY_DEFAULTS, reliabilityLines } from './reliability';
import { loadLine, machineLine, startLine, summaryTable } from './report';
import { reusedAll, type StartedStage, type StartKind, type StartRun, startStage } from './start-times';
import { compareThroughput, type ThroughputComparison, type ThroughputOptions } from './throughput';

const USAGE = `Usage: npm run bench -- [--cold N] [--warm N] [--requests N] [--concurrency N] [--warmup N] [--rounds N] [--only reliability]

Measures, in one run and side by side, what issue 3 ("Speed") asks of the local stage:
  1. start to ready of all services, each start in a fresh process: cold (every package stale, so
     every service is packaged again) and warm (unchanged sources, packages reused);
  2. GET /users/{id}, signed, through the local stage's front door versus serverless-offline serving
     the same bundle without any auth: requests/s and latency at the same concurrency.
Exits non-zero only when something fails to run; missed targets are reported, not failed.
  --cold N         cold starts (default 3)     --warm N          warm starts (default 3)
  --requests N     measured requests per side (default 2000)
  --concurrency N  requests in flight (default 8)   --warmup N  unmeasured first (default 200)
  --rounds N       alternating slices per side (default 4)
  --only reliability   just the reliability section (it also runs after the above): concurrent creates
                   and orders stored and read back, one winner per contested email, SSM GetParameter
                   per burst of orders, acknowledged writes lost over kill -9 with --persist`;

const REPO_ROOT = join(__dirname, '../..');
const WORK_DIR = join(REPO_ROOT, 'node_modules/.cache/bench');

interface BenchOptions extends ThroughputOptions {
  cold: number;
  warm: number;
  /** Run only this section. */
  only?: 'reliability';
}

function parseOptions(argv: string[]): BenchOptions | undefined {
  const names = ['cold', 'warm', 'requests', 'concurrency', 'warmup', 'rounds'] as const;
  const number = { type: 'string' } as const;
  const { values } = parseArgs({
    args: argv,
    options: {
      cold: number,
      warm: number,
      requests: number,
      concurrency: number,
      warmup: number,
      rounds: number,
      only: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return undefined;
  if (values.only !== undefined && values.only !== 'reliability')
    throw new BenchError(`--only takes "reliability", not ${values.only}`);
  const defaults: BenchOptions = { cold: 3, warm: 3, requests: 2000, concurrency: 8, warmup: 200, rounds: 4 };
  const options: BenchOptions = {
    ...defaults,
    only: values.only === 'reliability' ? 'reliability' : undefined,
  };
  for (const name of names) {
    const text = values[name];
    if (text === undefined) continue;
    const value = Number(text);
    const minimum = name === 'cold' || name === 'warm' || name === 'warmup' ? 0 : 1;
    if (!Number.isInteger(value) || value < minimum)
      throw new BenchError(`--${name} must be an integer ≥ ${minimum}, not ${text}`);
    options[name] = value;
  }
  return options;
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
): Promise<StartedStage | undefined> {
  let kept: StartedStage | undefined;
  let attempts = count + (kind === 'warm' ? EXTRA_WARM_ATTEMPTS : 0);
  for (let done = 0; done < count && attempts > 0; attempts -= 1) {
    const started = await startStage(REPO_ROOT, kind);
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
    `\nThroughput: ${options.warmup} warm-up then ${options.requests} measured requests per side, ${options.concurrency} in flight, ${options.rounds} alternating rounds…`,
  );
  const comparison = await compareThroughput(stage.ready, WORK_DIR, options);
  console.log(`  ${comparison.scenario}`);
  console.log(loadLine('local stage (SigV4 verified, IAM evaluated)', comparison.local));
  console.log(loadLine('serverless-offline (--noAuth, no auth at all)', comparison.offline));
  return comparison;
}

/**
 * `npm run bench`: the start-time and throughput figures of issue 3, printed with a summary table.
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
  if (options.only === 'reliability') {
    try {
      return await runReliability();
    } finally {
      await stopAllChildren();
    }
  }
  const runs: StartRun[] = [];
  try {
    if (options.cold > 0)
      console.log('Start to ready, cold (every services/*/.serverless/.package-hash removed first):');
    await measureStarts('cold', options.cold, false, runs);
    console.log('Start to ready, warm (unchanged sources, packages reused):');
    const stage = await measureStarts('warm', Math.max(1, options.warm), true, runs);
    if (!stage) throw new BenchError('No local stage left running for the throughput test');
    const comparison = await measureThroughput(stage, options);
    await stage.child.stop();
    console.log(
      `\nSummary (${machineLine()})\nThroughput: ${comparison.scenario}\n${summaryTable(options.warm === 0 ? runs.filter((run) => run.kind === 'cold') : runs, comparison)}`,
    );
    const failed = comparison.local.failures + comparison.offline.failures;
    if (failed > 0)
      console.error(
        `\n${failed} requests failed: ${[...comparison.local.failureSamples, ...comparison.offline.failureSamples].join(' | ')}`,
      );
    const reliable = await runReliability();
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
