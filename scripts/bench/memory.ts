import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadResult } from './load';
import { residentBytes, sampleResident } from './process-stats';
import { startStage } from './start-times';
import { loadStage } from './throughput';

export interface MemoryOptions {
  /** Requests in flight during the load. */
  connections: number;
  requests: number;
  /** The stage's idle timeout for function copies in this section, so "after load" comes soon. */
  idleTimeoutMs: number;
}

/** The stage's resident memory around one burst of load, for one configuration of its functions. */
export interface MemoryRun {
  label: string;
  idleBytes: number;
  peakBytes: number;
  /** After the load, once idle copies had time to be shut down. */
  afterBytes: number;
  load: LoadResult;
}

/** Time for the stage to settle after its start or after a load before memory is read. */
const SETTLE_MS = 3_000;

/**
 * Starts the stage (warm) with `lambda` settings, reads its resident memory idle, at its peak under a
 * burst of signed GETs, and after the burst once idle copies have been shut down.
 *
 * @example
 * const run = await measureMemory(repoRoot, 'this stage', { idleTimeoutMs: 5000 }, { connections: 64, requests: 3000, idleTimeoutMs: 5000 });
 */
export async function measureMemory(
  repoRoot: string,
  label: string,
  lambda: { maxEnvironmentsPerFunction?: number; idleTimeoutMs?: number },
  options: MemoryOptions,
): Promise<MemoryRun> {
  const { ready, child } = await startStage(repoRoot, 'warm', { lambda });
  try {
    await sleep(SETTLE_MS);
    const idleBytes = residentBytes(child.pid);
    const sampler = sampleResident(child.pid);
    const load = await loadStage(ready, options.connections, options.requests);
    const peakBytes = sampler.stop();
    await sleep(options.idleTimeoutMs + SETTLE_MS);
    const afterBytes = residentBytes(child.pid);
    return { label, idleBytes, peakBytes, afterBytes, load };
  } finally {
    await child.stop();
  }
}
