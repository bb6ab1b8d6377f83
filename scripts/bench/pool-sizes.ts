import { combine, type LoadResult, percentile } from './load';
import { cpuSeconds, sampleResident } from './process-stats';
import { type StartedStage, startStage } from './start-times';
import { loadStage } from './throughput';

export interface PoolSizeOptions {
  /** Copies per function to compare, e.g. [1, 2, 4, 8]. */
  sizes: number[];
  /** Numbers of connections each size is loaded with. */
  connections: number[];
  /** Measured requests per size and number of connections. */
  requests: number;
  /** Unmeasured requests per size and number of connections first. */
  warmup: number;
  /** Alternating slices, so load from elsewhere on a shared machine falls on every size alike. */
  rounds: number;
}

export interface PoolSizeRun {
  copies: number;
  connections: number;
  load: LoadResult;
  /** CPU time of the stage's process per request, in milliseconds; undefined without /proc. */
  cpuMsPerRequest: number | undefined;
  peakBytes: number;
}

/**
 * How the number of copies per function changes the stage's throughput, latency, CPU and memory on
 * this machine: one warm stage per size, all started first, then signed GETs in alternating slices
 * (size after size, the order turned each round) at each number of connections. The figures the
 * default of `defaultEnvironmentsPerFunction()` rests on.
 *
 * @example
 * const runs = await comparePoolSizes(repoRoot, { sizes: [1, 2, 8], connections: [16], requests: 2000, warmup: 500, rounds: 4 });
 */
export async function comparePoolSizes(repoRoot: string, options: PoolSizeOptions): Promise<PoolSizeRun[]> {
  const stages: Array<{ copies: number; stage: StartedStage }> = [];
  try {
    for (const copies of options.sizes) {
      stages.push({
        copies,
        stage: await startStage(repoRoot, 'warm', { lambda: { maxEnvironmentsPerFunction: copies } }),
      });
    }
    const runs: PoolSizeRun[] = [];
    for (const connections of options.connections) {
      for (const { stage } of stages) await loadStage(stage.ready, connections, options.warmup);
      const slices = new Map(
        stages.map(({ copies }) => [copies, { loads: [] as LoadResult[], cpu: 0, peak: 0 }]),
      );
      const slice = Math.ceil(options.requests / options.rounds);
      for (let round = 0; round < options.rounds; round += 1) {
        const order = round % 2 === 0 ? stages : [...stages].reverse();
        for (const { copies, stage } of order) {
          const measured = slices.get(copies);
          if (!measured) continue;
          const cpuBefore = cpuSeconds(stage.child.pid);
          const sampler = sampleResident(stage.child.pid);
          measured.loads.push(await loadStage(stage.ready, connections, slice));
          measured.peak = Math.max(measured.peak, sampler.stop());
          measured.cpu += (cpuSeconds(stage.child.pid) ?? Number.NaN) - (cpuBefore ?? Number.NaN);
        }
      }
      for (const [copies, measured] of slices) {
        const load = combine(measured.loads);
        const cpuMsPerRequest = Number.isNaN(measured.cpu)
          ? undefined
          : (measured.cpu * 1000) / load.requests;
        runs.push({ copies, connections, load, cpuMsPerRequest, peakBytes: measured.peak });
      }
    }
    return runs;
  } finally {
    await Promise.all(stages.map(({ stage }) => stage.child.stop()));
  }
}

/** One line per run, as the section prints them. */
export function poolSizeLine(run: PoolSizeRun): string {
  const rate = (run.load.requests / run.load.seconds).toFixed(0);
  const p50 = percentile(run.load.latenciesMs, 0.5).toFixed(1);
  const p99 = percentile(run.load.latenciesMs, 0.99).toFixed(1);
  const cpu = run.cpuMsPerRequest === undefined ? 'n/a' : `${run.cpuMsPerRequest.toFixed(2)} ms`;
  return `  ${String(run.copies).padStart(2)} copies, ${String(run.connections).padStart(2)} connections: ${rate} req/s, p50 ${p50} ms, p99 ${p99} ms, CPU ${cpu}/request, peak RSS ${(run.peakBytes / 2 ** 20).toFixed(0)} MiB (${run.load.failures} failed)`;
}
