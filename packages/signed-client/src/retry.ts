import { type AxiosResponse, isAxiosError, isCancel } from 'axios';
import { type RequestContext, SignedClientConfigError } from './errors';

export interface RetryOptions {
  /** Retries after the first attempt. Default 2. */
  retries?: number;
  /** Cap of the first backoff; each retry doubles it. Default 100 ms. */
  baseDelayMs?: number;
  /** The backoff never exceeds this. Default 2000 ms. */
  maxDelayMs?: number;
  /** Injected in tests. Default: setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Injected in tests. Default: Math.random. */
  random?: () => number;
}

export type RetryPolicy = Required<RetryOptions>;

/** What one attempt produced: a response (any status) or an error from the transport. */
export type Outcome = { response: AxiosResponse } | { error: unknown };

// Safe to send twice: RFC 9110 §9.2.2. POST and PATCH may create or change something twice.
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

// Connection-level failures worth another try; ETIMEDOUT/ECONNABORTED are also axios's own timeout.
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_NETWORK',
]);

/**
 * Fills in the defaults and checks the numbers.
 *
 * @example
 * retryPolicy({ retries: 0 }); // no retry at all
 */
export function retryPolicy(options: RetryOptions = {}, context: RequestContext = {}): RetryPolicy {
  const policy = {
    retries: options.retries ?? 2,
    baseDelayMs: options.baseDelayMs ?? 100,
    maxDelayMs: options.maxDelayMs ?? 2000,
    sleep: options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    random: options.random ?? Math.random,
  };
  for (const key of ['retries', 'baseDelayMs', 'maxDelayMs'] as const) {
    if (!Number.isFinite(policy[key]) || policy[key] < 0) {
      throw new SignedClientConfigError(`retry.${key} must be a number >= 0, got ${policy[key]}`, context);
    }
  }
  return policy;
}

/**
 * Whether an outcome deserves another attempt: an idempotent method, attempts left, and a failure that
 * may pass (throttling 429, a 5xx, a dropped connection or a timeout). Never for POST or PATCH.
 *
 * @example
 * shouldRetry('GET', { response: { status: 503 } as AxiosResponse }, 0, policy); // true
 */
export function shouldRetry(method: string, outcome: Outcome, attempt: number, policy: RetryPolicy): boolean {
  if (attempt >= policy.retries || !IDEMPOTENT_METHODS.has(method.toUpperCase())) return false;
  const response = 'response' in outcome ? outcome.response : responseOf(outcome.error);
  if (response) return response.status === 429 || response.status >= 500;
  return isTransientError(outcome);
}

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * a random delay between 0 and min(max, base × 2^attempt), so callers that failed together spread out.
 *
 * @example
 * backoffDelay(2, policy); // somewhere in [0, 400) ms with the default base of 100 ms
 */
export function backoffDelay(attempt: number, policy: RetryPolicy): number {
  return Math.floor(policy.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
}

function responseOf(error: unknown): AxiosResponse | undefined {
  return isAxiosError(error) ? error.response : undefined;
}

function isTransientError(outcome: Outcome): boolean {
  if (!('error' in outcome) || !isAxiosError(outcome.error) || isCancel(outcome.error)) return false;
  return TRANSIENT_CODES.has(outcome.error.code ?? '');
}
