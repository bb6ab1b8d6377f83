import { type AxiosAdapter, AxiosError, CanceledError, type InternalAxiosRequestConfig } from 'axios';
import {
  createSignedClient,
  HttpStatusError,
  MIN_ATTEMPT_MS,
  RequestTimeoutError,
  SignedClientConfigError,
  type SignedClientOptions,
} from '../../src';
import { attemptTimeoutMs, fitsAnotherAttempt, timeBudget } from '../../src/time-budget';
import { API_URL, staticCredentials } from './support/fixtures';

/**
 * A client on a clock that only moves when the network or the backoff takes time: each attempt
 * "takes" its whole timeout when the callee hangs (or `answerMs` when it answers `status`), and
 * each sleep takes what it asks for. `attempts` records each attempt's timeout and start time.
 */
function clockedClient(
  callee: { hangs: true } | { status: number; answerMs: number },
  options: Partial<SignedClientOptions> = {},
) {
  let clock = 0;
  const attempts: Array<{ at: number; timeoutMs: number }> = [];
  const sleeps: number[] = [];
  const adapter: AxiosAdapter = async (config) => {
    attempts.push({ at: clock, timeoutMs: Number(config.timeout) });
    if ('hangs' in callee) {
      clock += Number(config.timeout);
      throw new AxiosError(`timeout of ${config.timeout}ms exceeded`, AxiosError.ECONNABORTED, config);
    }
    clock += callee.answerMs;
    throw new AxiosError('failed', 'ERR_BAD_RESPONSE', config, {}, response(callee.status, config));
  };
  const client = createSignedClient({
    baseURL: API_URL,
    credentials: staticCredentials,
    clock: () => clock,
    ...options,
    retry: {
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
      random: () => 0.5,
      ...options.retry,
    },
    axiosConfig: { adapter },
  });
  return { client, attempts, sleeps, elapsed: () => clock };
}

function response(status: number, config: InternalAxiosRequestConfig) {
  return { status, statusText: '', headers: {}, data: {}, config, request: {} };
}

describe('a request within the caller’s remaining time', () => {
  it('without a budget, tries three times for the whole per-attempt timeout (the old 15 s)', async () => {
    const { client, attempts, elapsed } = clockedClient({ hangs: true });

    await expect(client.get('/users/1')).rejects.toBeInstanceOf(RequestTimeoutError);

    expect(attempts.map((attempt) => attempt.timeoutMs)).toEqual([5000, 5000, 5000]);
    expect(elapsed()).toBe(15_000 + 50 + 100);
  });

  it('ends a GET to a hanging callee, retries and backoff included, 1 s before a 10 s function times out', async () => {
    const { client, attempts, sleeps, elapsed } = clockedClient(
      { hangs: true },
      { remainingTimeMs: () => 10_000 },
    );

    const error = await client.get('/users/1').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as Error).message).toContain(
      'the 10000 ms the caller had left, less 1000 ms kept to answer',
    );
    // 5000 + 50 (backoff) + what is left of 9000: no time for a third attempt.
    expect(attempts).toEqual([
      { at: 0, timeoutMs: 5000 },
      { at: 5050, timeoutMs: 3950 },
    ]);
    expect(sleeps).toEqual([50]);
    expect(elapsed()).toBe(9000);
  });

  it('reads the remaining time when each request starts', async () => {
    let remaining = 10_000;
    const { client, attempts } = clockedClient(
      { hangs: true },
      { remainingTimeMs: () => remaining, retry: { retries: 0 } },
    );

    await client.get('/users/1').catch(() => undefined);
    remaining = 2_500;
    await client.get('/users/1').catch(() => undefined);

    expect(attempts.map((attempt) => attempt.timeoutMs)).toEqual([5000, 1500]);
  });

  it('starts no retry whose backoff and attempt would not fit, and answers with the last status', async () => {
    const { client, attempts, sleeps } = clockedClient(
      { status: 503, answerMs: 700 },
      { remainingTimeMs: () => 2_000, retry: { retries: 5, baseDelayMs: 400 } },
    );

    await expect(client.get('/users/1')).rejects.toMatchObject({ name: 'HttpStatusError', status: 503 });

    // Budget 1000 ms: 700 (503) + 200 backoff leaves 100, exactly MIN_ATTEMPT_MS, for a second attempt.
    expect(attempts.map((attempt) => attempt.at)).toEqual([0, 900]);
    expect(attempts[1]?.timeoutMs).toBe(MIN_ATTEMPT_MS);
    expect(sleeps).toEqual([200]);
  });

  it('sends nothing when less than MIN_ATTEMPT_MS is left, and says why', async () => {
    const { client, attempts } = clockedClient(
      { status: 200, answerMs: 1 },
      { remainingTimeMs: () => 1_050 },
    );

    const error = await client.get('/users/1').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error).toMatchObject({ method: 'GET', url: `${API_URL}/users/1` });
    expect((error as Error).message).toMatch(/was not sent: 50 ms left of the 1050 ms the caller had left/);
    expect(attempts).toEqual([]);
  });

  it('keeps a shorter timeoutMs of its own, and the reserve the caller asks for', async () => {
    const { client, attempts } = clockedClient(
      { hangs: true },
      { timeoutMs: 800, reserveMs: 0, remainingTimeMs: () => 2_000, retry: { retries: 4 } },
    );

    await expect(client.get('/users/1')).rejects.toBeInstanceOf(RequestTimeoutError);

    // 800 + 50 + 800 + 100 leaves 250 of 2000 for the third attempt, and nothing after its backoff.
    expect(attempts.map((attempt) => attempt.timeoutMs)).toEqual([800, 800, 250]);
  });

  it('treats an unknown remaining time as no limit', async () => {
    const { client, attempts } = clockedClient({ hangs: true }, { remainingTimeMs: () => undefined });
    await client.get('/users/1').catch(() => undefined);
    expect(attempts).toHaveLength(3);
  });

  it('refuses a negative reserve at construction', () => {
    expect(() => createSignedClient({ baseURL: API_URL, reserveMs: -1 })).toThrow(SignedClientConfigError);
  });
});

describe('the attempt timer', () => {
  /** A callee that never answers; it honours an abort, as axios's http adapter does. */
  const silent: AxiosAdapter = (config) =>
    new Promise((_resolve, reject) => {
      config.signal?.addEventListener?.('abort', () =>
        reject(new CanceledError(undefined, undefined, config)),
      );
    });

  it('ends an attempt whatever the socket does (a callee trickling bytes outlasts axios’s own timeout)', async () => {
    const client = createSignedClient({
      baseURL: API_URL,
      credentials: staticCredentials,
      timeoutMs: 30,
      retry: { retries: 0 },
      axiosConfig: { adapter: silent },
    });

    await expect(client.get('/users/1')).rejects.toMatchObject({
      name: 'RequestTimeoutError',
      message: expect.stringContaining('timeout of 30ms exceeded'),
    });
  });

  it('leaves the caller’s own abort a cancellation, not a timeout', async () => {
    const client = createSignedClient({
      baseURL: API_URL,
      credentials: staticCredentials,
      axiosConfig: { adapter: silent },
    });
    const controller = new AbortController();

    const request = client.get('/users/1', { signal: controller.signal });
    controller.abort();

    await expect(request).rejects.toBeInstanceOf(CanceledError);
  });
});

describe('budget maths', () => {
  it('cuts an attempt to what is left, never below 0, and 0 (no timeout) means "what is left"', () => {
    let now = 0;
    const deadline = timeBudget({ remainingTimeMs: () => 3000, reserveMs: 1000, clock: () => now }).start();
    expect(attemptTimeoutMs(5000, deadline)).toBe(2000);
    expect(attemptTimeoutMs(1500, deadline)).toBe(1500);
    expect(attemptTimeoutMs(0, deadline)).toBe(2000);
    now = 2500;
    expect(attemptTimeoutMs(5000, deadline)).toBe(0);
  });

  it('fits another attempt only when MIN_ATTEMPT_MS remain after the backoff', () => {
    let now = 0;
    const deadline = timeBudget({ remainingTimeMs: () => 1000, reserveMs: 0, clock: () => now }).start();
    expect(fitsAnotherAttempt(deadline, 900)).toBe(true);
    expect(fitsAnotherAttempt(deadline, 901)).toBe(false);
    now = 950;
    expect(fitsAnotherAttempt(deadline)).toBe(false);
  });

  it('has no deadline without a remaining time', () => {
    const deadline = timeBudget({}).start();
    expect(deadline.left()).toBe(Number.POSITIVE_INFINITY);
    expect(attemptTimeoutMs(5000, deadline)).toBe(5000);
    expect(attemptTimeoutMs(0, deadline)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('text a URL or a body cannot carry', () => {
  function recordingClient() {
    const sent: string[] = [];
    const client = createSignedClient({
      baseURL: API_URL,
      credentials: staticCredentials,
      axiosConfig: {
        adapter: async (config) => {
          sent.push(String(config.url));
          return response(200, config);
        },
      },
    });
    return { client, sent };
  }

  it.each([
    ['a path', (c: ReturnType<typeof recordingClient>['client']) => c.get('/users/\ud800')],
    [
      'a query parameter',
      (c: ReturnType<typeof recordingClient>['client']) => c.get('/users', { params: { email: 'a\udc00' } }),
    ],
    ['a string body', (c: ReturnType<typeof recordingClient>['client']) => c.post('/users', 'name=\ud83d')],
  ])(
    'refuses a lone surrogate in %s with a SignedClientConfigError, and sends nothing',
    async (_where, send) => {
      const { client, sent } = recordingClient();

      const error = await send(client).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(SignedClientConfigError);
      expect((error as Error).message).toContain('unpaired surrogate');
      expect(sent).toEqual([]);
    },
  );

  it('sends a JSON body holding one, escaped as JSON does, and a well-formed astral character as UTF-8', async () => {
    const { client, sent } = recordingClient();

    await client.post('/users', { name: '\ud800' });
    await client.get('/users/🚀');

    expect(sent).toEqual([`${API_URL}/users`, `${API_URL}/users/%F0%9F%9A%80`]);
  });

  it('is not mistaken for a failed status', async () => {
    const { client } = recordingClient();
    await expect(client.get('/users/\ud800')).rejects.not.toBeInstanceOf(HttpStatusError);
  });
});
