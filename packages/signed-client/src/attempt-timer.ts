import { type AxiosAdapter, AxiosError, type InternalAxiosRequestConfig, isAxiosError } from 'axios';
import { isTimeout } from './error-mapping';
import type { Outcome } from './retry';

/**
 * Sends one attempt and ends it after `timeoutMs` whatever the server does. axios's own `timeout`
 * only notices a silent socket, so a callee that trickles its answer byte by byte would outlast it;
 * this timer aborts the request outright, and the attempt fails like an axios timeout (`ETIMEDOUT`),
 * which the error mapping turns into a RequestTimeoutError. An abort the caller asked for through
 * `config.signal` passes through as the cancellation it is.
 *
 * `limitedBy` says, in the timeout's message, what set the limit when it was not the client's own
 * `timeoutMs` (the caller's remaining time).
 *
 * @example
 * const outcome = await sendWithin(axios.getAdapter('http'), config, 3000);
 */
export async function sendWithin(
  inner: AxiosAdapter,
  config: InternalAxiosRequestConfig,
  timeoutMs: number,
  limitedBy?: string,
): Promise<Outcome> {
  if (!Number.isFinite(timeoutMs)) return send(inner, { ...config, timeout: 0 });
  const timer = new AbortController();
  const callerSignal = config.signal;
  const forwardAbort = () => timer.abort();
  if (callerSignal?.aborted) timer.abort();
  callerSignal?.addEventListener?.('abort', forwardAbort);
  const handle = setTimeout(() => timer.abort(), timeoutMs);
  try {
    const outcome = await send(inner, { ...config, timeout: timeoutMs, signal: timer.signal });
    if (!('error' in outcome) || callerSignal?.aborted) return outcome;
    // Our timer fired, or axios's own timeout with the same limit did: one error, saying what set it.
    const timedOut = timer.signal.aborted || (isAxiosError(outcome.error) && isTimeout(outcome.error));
    return timedOut ? { error: timeoutError(config, timeoutMs, limitedBy) } : outcome;
  } finally {
    clearTimeout(handle);
    callerSignal?.removeEventListener?.('abort', forwardAbort);
  }
}

async function send(inner: AxiosAdapter, config: InternalAxiosRequestConfig): Promise<Outcome> {
  try {
    return { response: await inner(config) };
  } catch (error) {
    return { error };
  }
}

function timeoutError(
  config: InternalAxiosRequestConfig,
  timeoutMs: number,
  limitedBy: string | undefined,
): AxiosError {
  const why = limitedBy ? `, all that was left of ${limitedBy}` : '';
  return new AxiosError(`timeout of ${timeoutMs}ms exceeded${why}`, AxiosError.ETIMEDOUT, config);
}
