import { performance } from 'node:perf_hooks';

export interface LoadResult {
  requests: number;
  /** Answers other than the expected status, and transport errors. */
  failures: number;
  /** The first few failures, to say what went wrong. */
  failureSamples: string[];
  seconds: number;
  latenciesMs: number[];
}

export interface LoadOptions {
  requests: number;
  /** Requests in flight at any moment. */
  concurrency: number;
  /** Sends one request; resolves with an empty string when the answer is right, else what was wrong. */
  sendOne: () => Promise<string>;
}

const FAILURE_SAMPLES = 3;

/**
 * Sends `requests` requests, `concurrency` at a time (each of `concurrency` loops sends its next one
 * as soon as its previous one is answered), timing each and the whole run.
 *
 * @example
 * const result = await runLoad({ requests: 2000, concurrency: 8, sendOne: async () => '' });
 * console.log(result.requests / result.seconds, 'requests/s');
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const result: LoadResult = { requests: 0, failures: 0, failureSamples: [], seconds: 0, latenciesMs: [] };
  let remaining = options.requests;
  const loop = async () => {
    while (remaining > 0) {
      remaining -= 1; // claimed before sending, so the loops send exactly `requests` together
      const sent = performance.now();
      const problem = await options.sendOne().catch((error: unknown) => String(error));
      result.latenciesMs.push(performance.now() - sent);
      result.requests += 1;
      if (problem) recordFailure(result, problem);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.requests) }, loop));
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

function recordFailure(result: LoadResult, problem: string): void {
  result.failures += 1;
  if (result.failureSamples.length < FAILURE_SAMPLES) result.failureSamples.push(problem);
}

/** Several runs of one side as one: their requests, failures, time and latencies added up. */
export function combine(results: LoadResult[]): LoadResult {
  return {
    requests: results.reduce((sum, r) => sum + r.requests, 0),
    failures: results.reduce((sum, r) => sum + r.failures, 0),
    failureSamples: results.flatMap((r) => r.failureSamples).slice(0, FAILURE_SAMPLES),
    seconds: results.reduce((sum, r) => sum + r.seconds, 0),
    latenciesMs: results.flatMap((r) => r.latenciesMs),
  };
}

/**
 * The value below which `fraction` of `values` fall (nearest rank).
 *
 * @example
 * percentile([5, 1, 3, 2, 4], 0.5); // 3
 */
export function percentile(values: number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export function median(values: number[]): number {
  return percentile(values, 0.5);
}
