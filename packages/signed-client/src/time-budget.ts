import { performance } from 'node:perf_hooks';
import { type RequestContext, SignedClientConfigError } from './errors';

export interface TimeBudgetOptions {
  /**
   * How long the caller can still wait, in milliseconds, read when each request starts; undefined
   * means no limit. In a Lambda function: the invocation's remaining time.
   */
  remainingTimeMs?: () => number | undefined;
  /** Kept back from the remaining time, so the caller still has time to answer. Default 1000 ms. */
  reserveMs?: number;
  /** A monotonic clock in milliseconds. Default `performance.now`; tests move their own. */
  clock?: () => number;
}

/** The point in time a request (all attempts, backoff included) must be over by. */
export interface Deadline {
  /** Milliseconds left; Infinity when the caller set no limit. */
  left(): number;
  /** What the limit is, for error messages. */
  readonly description: string;
}

export interface TimeBudget {
  /** A deadline for a request starting now. */
  start(): Deadline;
}

/** `reserveMs` by default: kept back from the remaining time, so the caller still has time to answer. */
export const DEFAULT_RESERVE_MS = 1000;

/**
 * An attempt is not started with less time than this left: through API Gateway and a Lambda
 * function it could hardly be answered, and the caller is better off answering its own client.
 * (A caller's own budget is bounded by its function's timeout, and API Gateway's by its 29 s
 * integration timeout, whichever ends first.)
 */
export const MIN_ATTEMPT_MS = 100;

/**
 * Checks the options and fills in the defaults.
 *
 * @example
 * const budget = timeBudget({ remainingTimeMs: () => context.getRemainingTimeInMillis() });
 * const deadline = budget.start(); // 1 s before the function times out
 */
export function timeBudget(options: TimeBudgetOptions = {}, context: RequestContext = {}): TimeBudget {
  const reserveMs = options.reserveMs ?? DEFAULT_RESERVE_MS;
  if (!Number.isFinite(reserveMs) || reserveMs < 0) {
    throw new SignedClientConfigError(`reserveMs must be a number >= 0, got ${reserveMs}`, context);
  }
  const clock = options.clock ?? (() => performance.now());
  const remainingTimeMs = options.remainingTimeMs ?? (() => undefined);
  return {
    start() {
      const remaining = remainingTimeMs();
      if (remaining === undefined || !Number.isFinite(remaining)) {
        return { left: () => Number.POSITIVE_INFINITY, description: 'no time limit' };
      }
      const endsAt = clock() + remaining - reserveMs;
      const description = `the ${Math.round(remaining)} ms the caller had left, less ${reserveMs} ms kept to answer`;
      return { left: () => endsAt - clock(), description };
    },
  };
}

/**
 * The time one attempt may take: its own timeout (0 = none, as in axios), cut to what is left.
 *
 * @example
 * attemptTimeoutMs(5000, deadline); // 3200 when 3.2 s are left
 */
export function attemptTimeoutMs(timeoutMs: number | undefined, deadline: Deadline): number {
  const own = timeoutMs && timeoutMs > 0 ? timeoutMs : Number.POSITIVE_INFINITY;
  return Math.max(0, Math.min(own, Math.floor(deadline.left())));
}

/**
 * Whether, after waiting `delayMs`, an attempt of at least MIN_ATTEMPT_MS still fits before the deadline.
 *
 * @example
 * if (!fitsAnotherAttempt(deadline, delay)) return lastOutcome;
 */
export function fitsAnotherAttempt(deadline: Deadline, delayMs = 0): boolean {
  return deadline.left() - delayMs >= MIN_ATTEMPT_MS;
}
