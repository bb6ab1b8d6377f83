import { createSignedClient, HttpStatusError, NetworkError, type SignedClientOptions } from '../../src';
import { fakeTransport, type Reply } from './support/fake-transport';
import { API_URL, CREDENTIALS, expectValidSignature, staticCredentials } from './support/fixtures';

const START = new Date('2026-03-01T12:00:00Z');

/** A client whose clock only moves when it sleeps, so each retry is visibly dated later. */
function retryingClient(replies: Reply[], options: Partial<SignedClientOptions> = {}) {
  const transport = fakeTransport(...replies);
  const sleeps: number[] = [];
  let clock = START.getTime();
  const client = createSignedClient({
    baseURL: API_URL,
    credentials: staticCredentials,
    now: () => new Date(clock),
    ...options,
    retry: {
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += 1000 + ms;
      },
      random: () => 0.5,
      ...options.retry,
    },
    axiosConfig: { adapter: transport.adapter },
  });
  return { client, requests: transport.requests, sleeps };
}

describe('retries', () => {
  it.each(['get', 'head', 'options', 'put', 'delete'] as const)(
    'retry an idempotent %s on a 503',
    async (method) => {
      const { client, requests } = retryingClient([{ status: 503 }, { status: 200 }]);

      const response = await client.request({ method, url: '/users/1' });

      expect(response.status).toBe(200);
      expect(requests).toHaveLength(2);
    },
  );

  it('stop after 2 retries by default and reject with the last status', async () => {
    const { client, requests } = retryingClient([
      { status: 500 },
      { status: 502 },
      { status: 504 },
      { status: 200 },
    ]);

    await expect(client.get('/users/1')).rejects.toMatchObject({ name: 'HttpStatusError', status: 504 });
    expect(requests).toHaveLength(3);
  });

  it('use the configured number of retries', async () => {
    const { client, requests } = retryingClient([{ status: 503 }, { status: 503 }], {
      retry: { retries: 0 },
    });

    await expect(client.get('/users/1')).rejects.toBeInstanceOf(HttpStatusError);
    expect(requests).toHaveLength(1);
  });

  it('back off exponentially with full jitter: random × min(max, base × 2^attempt)', async () => {
    const { client, sleeps } = retryingClient(
      [{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }],
      { retry: { retries: 4, baseDelayMs: 100, maxDelayMs: 500 } },
    );

    await expect(client.get('/users/1')).rejects.toBeInstanceOf(HttpStatusError);
    expect(sleeps).toEqual([50, 100, 200, 250]);
  });

  it('retry throttling (429), a dropped connection and a timeout', async () => {
    const { client, requests } = retryingClient(
      [{ status: 429 }, { networkError: 'ECONNRESET' }, { timeout: true }, { status: 200 }],
      { retry: { retries: 3 } },
    );

    await expect(client.get('/users/1')).resolves.toMatchObject({ status: 200 });
    expect(requests).toHaveLength(4);
  });

  it.each(['post', 'patch'] as const)(
    'never retry a %s, even on a 503 or a network error',
    async (method) => {
      const onStatus = retryingClient([{ status: 503 }, { status: 200 }]);
      const onNetwork = retryingClient([{ networkError: 'ECONNRESET' }, { status: 200 }]);

      await expect(onStatus.client.request({ method, url: '/users', data: { a: 1 } })).rejects.toMatchObject({
        status: 503,
      });
      await expect(
        onNetwork.client.request({ method, url: '/users', data: { a: 1 } }),
      ).rejects.toBeInstanceOf(NetworkError);
      expect(onStatus.requests).toHaveLength(1);
      expect(onNetwork.requests).toHaveLength(1);
    },
  );

  it('do not retry a client error such as 403 or 404', async () => {
    const { client, requests } = retryingClient([{ status: 403 }, { status: 200 }]);

    await expect(client.get('/users/1')).rejects.toMatchObject({ status: 403 });
    expect(requests).toHaveLength(1);
  });

  it('sign every attempt afresh, with a new date and freshly resolved credentials', async () => {
    const keys = ['AKIDATTEMPT1', 'AKIDATTEMPT2', 'AKIDATTEMPT3'];
    const { client, requests } = retryingClient(
      [{ status: 503 }, { networkError: 'ECONNREFUSED' }, { status: 200 }],
      {
        credentials: async () => ({ ...CREDENTIALS, accessKeyId: keys.shift() ?? 'AKIDSPARE' }),
      },
    );

    await client.put('/users/1', { name: 'Ada' });

    expect(requests.map((sent) => sent.headers['X-Amz-Date'])).toEqual([
      '20260301T120000Z',
      '20260301T120001Z',
      '20260301T120002Z',
    ]);
    expect(requests.map((sent) => /Credential=(\w+)\//.exec(sent.headers.Authorization ?? '')?.[1])).toEqual([
      'AKIDATTEMPT1',
      'AKIDATTEMPT2',
      'AKIDATTEMPT3',
    ]);
    for (const [index, sent] of requests.entries()) {
      expect(sent.body).toBe('{"name":"Ada"}');
      await expectValidSignature(sent, {
        credentials: { ...CREDENTIALS, accessKeyId: `AKIDATTEMPT${index + 1}` },
      });
    }
  });
});
