import { inspect } from 'node:util';
import {
  createSignedClient,
  HttpStatusError,
  NetworkError,
  RequestTimeoutError,
  SignedClientError,
  type SignedClientOptions,
} from '../../src';
import { fakeTransport, type Reply } from './support/fake-transport';
import { API_URL, CREDENTIALS, staticCredentials } from './support/fixtures';

function clientAnswering(reply: Reply, options: Partial<SignedClientOptions> = {}) {
  const transport = fakeTransport(reply);
  const client = createSignedClient({
    baseURL: API_URL,
    credentials: staticCredentials,
    callee: 'users',
    retry: { retries: 0 },
    ...options,
    axiosConfig: { adapter: transport.adapter, ...options.axiosConfig },
  });
  return client;
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

const ACCESS_DENIED: Reply = {
  status: 403,
  headers: {
    'x-amzn-ErrorType': 'AccessDeniedException',
    'x-amzn-RequestId': '0b1d2c3e-aaaa-bbbb-cccc-123456789abc',
    'content-type': 'application/json',
  },
  data: {
    Message:
      'User: arn:aws:sts::123456789012:assumed-role/notifications-dev/fn is not authorized to perform: execute-api:Invoke',
  },
};

describe('errors', () => {
  it('map a 403 AccessDeniedException to an HttpStatusError with what AWS said', async () => {
    const error = await rejectionOf(
      clientAnswering(ACCESS_DENIED).delete('/users/42', { params: { force: 'yes' } }),
    );

    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error).toBeInstanceOf(SignedClientError);
    expect(error).toMatchObject({
      name: 'HttpStatusError',
      status: 403,
      errorType: 'AccessDeniedException',
      requestId: '0b1d2c3e-aaaa-bbbb-cccc-123456789abc',
      awsMessage: expect.stringContaining('is not authorized to perform: execute-api:Invoke'),
      method: 'DELETE',
      url: `${API_URL}/users/42`,
      callee: 'users',
    });
    expect((error as Error).message).toMatch(
      /^users: DELETE https:\/\/abc123\S+\/users\/42 returned 403: AccessDeniedException: User: arn:aws:sts::123456789012/,
    );
  });

  it('trim the x-amzn-ErrorType at its colon and read a lower-case message', async () => {
    const reply: Reply = {
      status: 403,
      headers: {
        'x-amzn-ErrorType': 'InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral/',
      },
      data: { message: 'The request signature we calculated does not match the signature you provided.' },
    };
    const error = await rejectionOf(clientAnswering(reply).get('/users/42'));

    expect(error).toMatchObject({
      errorType: 'InvalidSignatureException',
      awsMessage: 'The request signature we calculated does not match the signature you provided.',
    });
    expect((error as Error).message).toContain('check the region, the service name and the clock');
  });

  it('let a caller detect a 404 and read its body', async () => {
    const error = await rejectionOf(
      clientAnswering({ status: 404, data: { message: 'User 42 not found' } }).get('/users/42'),
    );

    expect(error instanceof HttpStatusError && error.status === 404).toBe(true);
    expect((error as HttpStatusError).body).toEqual({ message: 'User 42 not found' });
  });

  it('resolve a 404 when the caller overrides validateStatus', async () => {
    const client = clientAnswering(
      { status: 404, data: { message: 'User 42 not found' } },
      { axiosConfig: { validateStatus: (status) => status < 500 } },
    );

    await expect(client.get('/users/42')).resolves.toMatchObject({
      status: 404,
      data: { message: 'User 42 not found' },
    });
  });

  it('map a refused connection to a NetworkError with its code', async () => {
    const error = await rejectionOf(clientAnswering({ networkError: 'ECONNREFUSED' }).get('/users/42'));

    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({
      code: 'ECONNREFUSED',
      method: 'GET',
      url: `${API_URL}/users/42`,
      callee: 'users',
    });
  });

  it('map a timeout to a RequestTimeoutError', async () => {
    const error = await rejectionOf(clientAnswering({ timeout: true }, { timeoutMs: 1200 }).get('/users/42'));

    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as Error).message).toMatch(
      /^users: GET \S+\/users\/42 timed out \(timeout of 1200ms exceeded\)$/,
    );
  });

  it('never carry the secret key, the session token, the signature or the query string', async () => {
    const client = clientAnswering(ACCESS_DENIED);
    const error = await rejectionOf(client.get('/users', { params: { email: 'ada@example.com' } }));
    const network = await rejectionOf(clientAnswering({ networkError: 'ECONNRESET' }).get('/users/1'));

    for (const failure of [error, network]) {
      const printed = inspect(failure, { depth: 10, showHidden: true }) + JSON.stringify(failure);
      expect(printed).not.toContain(CREDENTIALS.secretAccessKey);
      expect(printed).not.toContain(CREDENTIALS.sessionToken);
      expect(printed).not.toContain('Signature=');
      expect(printed).not.toContain('ada@example.com');
    }
  });
});

describe('errors that are not the network', () => {
  it('report a request axios itself refuses as a SignedClientError, not a NetworkError', async () => {
    const { AxiosError } = await import('axios');
    const client = createSignedClient({
      baseURL: API_URL,
      credentials: staticCredentials,
      axiosConfig: {
        adapter: async (config) => {
          throw new AxiosError('Request body larger than maxBodyLength limit', 'ERR_BAD_REQUEST', config);
        },
      },
    });

    const error = await rejectionOf(client.put('/users/1', { name: 'Ada' }));
    expect(error).toBeInstanceOf(SignedClientError);
    expect(error).not.toBeInstanceOf(NetworkError);
    expect((error as Error).message).toContain('maxBodyLength');
  });

  it('report a 200 whose JSON axios cannot parse as a SignedClientError, not an HttpStatusError', async () => {
    const client = createSignedClient({
      baseURL: API_URL,
      credentials: staticCredentials,
      axiosConfig: {
        responseType: 'json',
        transitional: { silentJSONParsing: false },
        adapter: async (config) => ({
          status: 200,
          statusText: 'OK',
          headers: {},
          data: '{not json',
          config,
        }),
      },
    });

    const error = await rejectionOf(client.get('/users/1'));
    expect(error).toBeInstanceOf(SignedClientError);
    expect(error).not.toBeInstanceOf(HttpStatusError);
  });
});
