import { Worker } from 'node:worker_threads';
import { AwsError, LocalStageError } from '../errors';

/** How long one pattern may run against one value; a sane pattern takes microseconds on 8 KB. */
export const DEFAULT_PATTERN_TIMEOUT_MS = 250;

export type PatternOutcome = 'match' | 'mismatch' | 'invalid';

export interface AllowedPatternMatcherOptions {
  /** The bound on one evaluation, worker start-up excluded; default 250 ms. */
  timeoutMs?: number;
}

/** Runs in the worker: compiles the pattern and tests the value, one job at a time. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ pattern, value }) => {
  let regex;
  try {
    regex = new RegExp(pattern);
  } catch {
    parentPort.postMessage('invalid');
    return;
  }
  parentPort.postMessage(regex.test(value) ? 'match' : 'mismatch');
});
`;

interface Job {
  pattern: string;
  value: string;
  resolve: (outcome: PatternOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * Tests a caller's regular expression (SSM `AllowedPattern`) off the main thread and within a time
 * bound, so a pattern that backtracks catastrophically (`^(a+)+$` against `aaaa…!`) stalls no other
 * caller: the front door keeps answering while it runs, and past the bound the worker is stopped and
 * the call refused with a ValidationException that says why.
 *
 * @example
 * const matcher = new AllowedPatternMatcher();
 * await matcher.test('^\\d+$', '42'); // 'match'
 * await matcher.test('^(a+)+$', `${'a'.repeat(40)}!`); // throws ValidationException after 250 ms
 */
export class AllowedPatternMatcher {
  private readonly timeoutMs: number;
  private readonly queue: Job[] = [];
  private worker?: Promise<Worker>;
  private busy = false;

  constructor(options: AllowedPatternMatcherOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_PATTERN_TIMEOUT_MS;
    if (!(this.timeoutMs > 0)) {
      throw new LocalStageError(`AllowedPattern timeoutMs must be positive, got ${this.timeoutMs}`);
    }
  }

  /** Whether `value` matches `pattern` (a JavaScript RegExp, unanchored, as `RegExp.test`), or the pattern is invalid. */
  test(pattern: string, value: string): Promise<PatternOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ pattern, value, resolve, reject });
      this.next();
    });
  }

  /** Stops the worker; a later `test` starts a new one. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.then(
      (started) => started.terminate(),
      () => undefined,
    );
  }

  private next(): void {
    const job = this.busy ? undefined : this.queue.shift();
    if (!job) return;
    this.busy = true;
    this.run(job)
      .then(job.resolve, job.reject)
      .finally(() => {
        this.busy = false;
        this.next();
      });
  }

  private async run(job: Job): Promise<PatternOutcome> {
    const worker = await this.started();
    return new Promise((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        worker.off('message', onMessage).off('exit', onExit);
      };
      const stop = (error: AwsError) => {
        finish();
        this.worker = undefined;
        void worker.terminate();
        reject(error);
      };
      const timer = setTimeout(
        () => stop(refusal(job.pattern, `did not finish within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      const onMessage = (outcome: PatternOutcome) => {
        finish();
        resolve(outcome);
      };
      // The worker ends on its own only when the pattern exhausts its memory.
      const onExit = () => stop(refusal(job.pattern, 'ran out of memory'));
      worker.on('message', onMessage).on('exit', onExit);
      worker.postMessage({ pattern: job.pattern, value: job.value });
    });
  }

  /** The worker, started on first use; unreferenced, so it never keeps the process alive. */
  private started(): Promise<Worker> {
    if (this.worker) return this.worker;
    const starting = new Promise<Worker>((resolve, reject) => {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        resourceLimits: { maxOldGenerationSizeMb: 64 },
      });
      worker.unref();
      // A failure shows as the worker's exit, which the evaluation in flight answers.
      worker.on('error', () => undefined);
      worker.once('online', () => resolve(worker));
      worker.once('exit', (code) => {
        if (this.worker === starting) this.worker = undefined;
        reject(new LocalStageError(`The AllowedPattern worker stopped with code ${code}`));
      });
    });
    this.worker = starting;
    return starting;
  }
}

function refusal(pattern: string, what: string): AwsError {
  return new AwsError(
    400,
    'ValidationException',
    `[local stage] AllowedPattern ${pattern} ${what} against the value (catastrophic backtracking?); ` +
      'the local stage refuses a pattern it cannot check in bounded time',
  );
}

let shared: AllowedPatternMatcher | undefined;

/** The matcher every SSM call shares unless one is injected. */
export function sharedAllowedPatternMatcher(): AllowedPatternMatcher {
  shared ??= new AllowedPatternMatcher();
  return shared;
}
