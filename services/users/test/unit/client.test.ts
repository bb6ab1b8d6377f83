import {
  BadGatewayError,
  GatewayTimeoutError,
  HttpError,
  MisconfiguredServiceError,
  ServiceUnavailableError,
  UnprocessableEntityError,
  withinInvocation,
} from '@internal-apis/lambda-http';
import { NetworkError, RequestTimeoutError } from '@internal-apis/signed-client';
import { CanceledError, type InternalAxiosRequestConfig } from 'axios';
import {
  CallerConfigurationError,
  createUsersClient,
  EmailTakenError,
  type User,
  UserNotFoundError,
  UsersClientError,
  UsersUnavailableError,
  UserValidationError,
  usersErrorToHttp,
} from '../../src/client';
import { type Answer, fakeUsersApi } from './fakes';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' };
const OLD_URL = 'https://old111.execute-api.us-east-1.amazonaws.com/dev';
const NEW_URL = 'https://new222.execute-api.us-east-1.amazonaws.com/dev';
const ada: User = {
  id: '00000000-0000-4000-8000-000000000001',
  email: 'ada@example.com',
  name: 'Ada',
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
};

/**
 * A discovery that answers with each URL in turn (the last one repeats), on lookups and refreshes
 * alike, and records the refreshes and the longest wait each lookup allowed.
 */
function fakeDiscovery(...urls: Array<string | Error>) {
  const refreshed: string[] = [];
  const maxWaits: Array<number | undefined> = [];
  let calls = 0;
  const next = async (name: string, options?: { maxWaitMs?: number }) => {
    expect(name).toBe('users');
    maxWaits.push(options?.maxWaitMs);
    const url = urls[Math.min(calls, urls.length - 1)];
    calls += 1;
    if (url instanceof Error) throw url;
    return url ?? '';
  };
  return {
    refreshed,
    maxWaits,
    lookups: () => calls,
    getServiceUrl: next,
    async refresh(name: string, options?: { maxWaitMs?: number }) {
      refreshed.push(name);
      return next(name, options);
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

const gatewayError = (status: number, errorType: string, message: string): Answer => ({
  status,
  body: { message },
  headers: {
    'x-amzn-ErrorType': `${errorType}:http://internal.amazon.com/coral/`,
    'x-amzn-RequestId': 'req-42',
  },
});

describe('createUsersClient: calls', () => {
  it('GETs a user from the discovered URL, signed for execute-api', async () => {
    const api = fakeUsersApi(() => ({ status: 200, body: ada }));
    const users = createUsersClient({ http: api.http, discovery: fakeDiscovery(OLD_URL) });
    await expect(users.getUser(ada.id)).resolves.toEqual(ada);
    expect(api.sent[0]).toMatchObject({ method: 'GET', url: `${OLD_URL}/users/${ada.id}` });
    expect(String(api.sent[0]?.headers.Authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/execute-api\/aws4_request/,
    );
  });

  it('finds a user by email through the query string, encoded', async () => {
    const api = fakeUsersApi(() => ({ status: 200, body: ada }));
    const users = createUsersClient({ http: api.http, baseUrl: OLD_URL });
    await users.findUserByEmail('a+b@example.com');
    expect(api.sent[0]?.url).toBe(`${OLD_URL}/users?email=a%2Bb%40example.com`);
  });

  it('creates, updates and deletes with the right verbs and JSON bodies', async () => {
    const api = fakeUsersApi(({ method }) =>
      method === 'DELETE' ? { status: 204 } : { status: 200, body: ada },
    );
    const users = createUsersClient({ http: api.http, baseUrl: OLD_URL });
    await users.createUser({ email: ada.email, name: ada.name });
    await users.updateUser(ada.id, { name: 'Countess' });
    await expect(users.deleteUser(ada.id)).resolves.toBeUndefined();
    expect(api.sent.map(({ method, url, data }) => [method, url.replace(OLD_URL, ''), data])).toEqual([
      ['POST', '/users', '{"email":"ada@example.com","name":"Ada"}'],
      ['PATCH', `/users/${ada.id}`, '{"name":"Countess"}'],
      ['DELETE', `/users/${ada.id}`, undefined],
    ]);
  });

  it('encodes the id into one path segment and treats ids no URL can carry as not found without a call', async () => {
    const api = fakeUsersApi(() => ({ status: 404, body: { message: 'not found' } }));
    const users = createUsersClient({ http: api.http, baseUrl: OLD_URL });
    await failure(users.getUser('../admin'));
    expect(api.sent[0]?.url).toBe(`${OLD_URL}/users/..%2Fadmin`);
    for (const id of ['', '.', '..', '\ud800', 'a\udc00b'])
      expect(await failure(users.getUser(id))).toBeInstanceOf(UserNotFoundError);
    expect(api.sent).toHaveLength(1);
  });

  it('treats an email no URL can carry (a lone surrogate) as not found without a call', async () => {
    const api = fakeUsersApi(() => ({ status: 200, body: ada }));
    const users = createUsersClient({ http: api.http, baseUrl: OLD_URL });
    expect(await failure(users.findUserByEmail('ada\ud800@example.com'))).toMatchObject({
      name: 'UserNotFoundError',
      lookup: { email: 'ada\ud800@example.com' },
    });
    expect(api.sent).toEqual([]);
  });
});

describe('createUsersClient: errors', () => {
  const withAnswer = (answer: Answer) =>
    createUsersClient({ http: fakeUsersApi(() => answer).http, baseUrl: OLD_URL });

  it('turns the API’s 404 into UserNotFoundError naming the id', async () => {
    const error = await failure(
      withAnswer({ status: 404, body: { message: 'User x not found' } }).getUser(ada.id),
    );
    expect(error).toBeInstanceOf(UserNotFoundError);
    expect(error).toMatchObject({ lookup: { id: ada.id }, callee: 'users', name: 'UserNotFoundError' });
  });

  it('turns 409 into EmailTakenError and 400 into UserValidationError with the fields', async () => {
    const taken = await failure(
      withAnswer({
        status: 409,
        body: { message: 'Email ada@example.com is already registered' },
      }).createUser(ada),
    );
    expect(taken).toBeInstanceOf(EmailTakenError);
    expect((taken as Error).message).toBe('Email ada@example.com is already registered');
    const fields = [{ path: 'email', message: 'Invalid email address' }];
    const invalid = await failure(
      withAnswer({ status: 400, body: { message: 'Invalid request body', fields } }).createUser(ada),
    );
    expect(invalid).toBeInstanceOf(UserValidationError);
    expect(invalid).toMatchObject({ fields });
  });

  it('turns 403 AccessDenied into UsersUnavailableError "denied" with what AWS said', async () => {
    const answer = gatewayError(
      403,
      'AccessDeniedException',
      'User: arn:aws:sts::1:assumed-role/x is not authorized',
    );
    const error = await failure(withAnswer(answer).getUser(ada.id));
    expect(error).toBeInstanceOf(UsersUnavailableError);
    expect(error).toMatchObject({
      kind: 'denied',
      status: 403,
      errorType: 'AccessDeniedException',
      requestId: 'req-42',
      callee: 'users',
    });
  });

  it('turns a 5xx into "failed", and an API Gateway 404 (with an error type) too', async () => {
    const failed = await failure(
      withAnswer({ status: 500, body: { message: 'Internal server error' } }).getUser(ada.id),
    );
    expect(failed).toMatchObject({ kind: 'failed', status: 500 });
    const gateway404 = await failure(
      withAnswer(gatewayError(404, 'NotFoundException', 'Not Found')).getUser(ada.id),
    );
    expect(gateway404).toMatchObject({ kind: 'failed', status: 404, errorType: 'NotFoundException' });
  });

  it('turns a dropped connection into "unreachable" and a timeout into "timeout", keeping the cause', async () => {
    const reset = new NetworkError('socket hang up', {}, 'ECONNRESET', {});
    const timeout = new RequestTimeoutError('timeout of 5000ms exceeded');
    for (const [thrown, kind] of [
      [reset, 'unreachable'],
      [timeout, 'timeout'],
    ] as const) {
      const api = fakeUsersApi(() => {
        throw thrown;
      });
      const error = await failure(createUsersClient({ http: api.http, baseUrl: OLD_URL }).getUser(ada.id));
      expect(error).toMatchObject({ kind, cause: thrown });
    }
  });

  it('turns a discovery failure into "discovery", keeping the cause', async () => {
    const cause = new Error('SSM parameter /dev/users/url does not exist');
    const users = createUsersClient({
      http: fakeUsersApi(() => ({ status: 200 })).http,
      discovery: fakeDiscovery(cause),
    });
    const error = await failure(users.getUser(ada.id));
    expect(error).toBeInstanceOf(UsersUnavailableError);
    expect(error).toMatchObject({ kind: 'discovery', cause });
  });

  it('creates its default discovery lazily: no stage fails the first call, as the caller’s configuration', async () => {
    const saved = process.env.STAGE;
    delete process.env.STAGE;
    try {
      const users = createUsersClient({ http: fakeUsersApi(() => ({ status: 200 })).http });
      const error = await failure(users.getUser(ada.id));
      expect(error).toBeInstanceOf(CallerConfigurationError);
      expect(error).toMatchObject({ kind: 'configuration', message: expect.stringContaining('No stage') });
    } finally {
      if (saved !== undefined) process.env.STAGE = saved;
    }
  });

  it('blames the caller, not users, when its own credentials cannot be loaded', async () => {
    const api = fakeUsersApi(() => ({ status: 200, body: ada }));
    const users = createUsersClient({
      baseUrl: OLD_URL,
      signing: {
        credentials: async () => {
          throw new Error('Unable to find environment variable credentials.');
        },
        axiosConfig: { adapter: api.http.defaults.adapter },
      },
    });

    const error = await failure(users.getUser(ada.id));

    expect(error).toBeInstanceOf(CallerConfigurationError);
    expect(error).toMatchObject({ kind: 'credentials', callee: 'users' });
    expect((error as Error).message).toMatch(
      /Could not load AWS credentials .*environment variable credentials/,
    );
    expect(api.sent).toEqual([]);
  });

  it('blames the caller when it has no region to sign for', async () => {
    const saved = { AWS_REGION: process.env.AWS_REGION, AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION };
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    try {
      const users = createUsersClient({
        baseUrl: 'http://127.0.0.1:4577/abc/local',
        signing: { credentials: async () => ({ accessKeyId: 'AKID', secretAccessKey: 'secret' }) },
      });
      expect(await failure(users.getUser(ada.id))).toMatchObject({
        name: 'CallerConfigurationError',
        kind: 'configuration',
        message: expect.stringContaining('No AWS region'),
      });
    } finally {
      for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
    }
  });

  it('turns a 200 whose body is not a user into "failed": the users API is at fault', async () => {
    const error = await failure(withAnswer({ status: 200, body: '<html>' }).getUser(ada.id));
    expect(error).toBeInstanceOf(UsersUnavailableError);
    expect(error).toMatchObject({ kind: 'failed' });
  });

  it('lets errors that are not about the call pass unchanged', async () => {
    const bug = new TypeError('bug in an interceptor');
    const api = fakeUsersApi(() => ({ status: 200 }));
    api.http.interceptors.request.use(() => {
      throw bug;
    });
    expect(await failure(createUsersClient({ http: api.http, baseUrl: OLD_URL }).getUser(ada.id))).toBe(bug);
  });
});

describe('createUsersClient: a moved users API', () => {
  it('rediscovers once after 403 MissingAuthenticationToken and calls the new URL', async () => {
    const api = fakeUsersApi(({ url }) =>
      url.startsWith(OLD_URL)
        ? gatewayError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token')
        : { status: 200, body: ada },
    );
    const discovery = fakeDiscovery(OLD_URL, NEW_URL);
    const users = createUsersClient({ http: api.http, discovery });
    await expect(users.getUser(ada.id)).resolves.toEqual(ada);
    expect(discovery.refreshed).toEqual(['users']);
    expect(api.sent.map(({ url }) => url)).toEqual([
      `${OLD_URL}/users/${ada.id}`,
      `${NEW_URL}/users/${ada.id}`,
    ]);
  });

  it('resends a POST after a refused connection, which sent nothing', async () => {
    const api = fakeUsersApi(({ url }) => {
      if (url.startsWith(OLD_URL)) throw new NetworkError('connect ECONNREFUSED', {}, 'ECONNREFUSED', {});
      return { status: 201, body: ada };
    });
    const users = createUsersClient({ http: api.http, discovery: fakeDiscovery(OLD_URL, NEW_URL) });
    await expect(users.createUser({ email: ada.email, name: ada.name })).resolves.toEqual(ada);
    expect(api.sent).toHaveLength(2);
  });

  it('does not resend when the rediscovered URL is the same, and reports the original answer', async () => {
    const api = fakeUsersApi(() =>
      gatewayError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token'),
    );
    const discovery = fakeDiscovery(OLD_URL);
    const error = await failure(createUsersClient({ http: api.http, discovery }).getUser(ada.id));
    expect(error).toMatchObject({ kind: 'denied', errorType: 'MissingAuthenticationTokenException' });
    expect(discovery.refreshed).toEqual(['users']);
    expect(api.sent).toHaveLength(1);
  });

  it('never rediscovers for an IAM denial, a user not found, or a fixed baseUrl', async () => {
    const discovery = fakeDiscovery(OLD_URL, NEW_URL);
    const denied = fakeUsersApi(() => gatewayError(403, 'AccessDeniedException', 'not authorized'));
    await failure(createUsersClient({ http: denied.http, discovery }).getUser(ada.id));
    const missing = fakeUsersApi(() => ({ status: 404, body: { message: 'not found' } }));
    await failure(createUsersClient({ http: missing.http, discovery }).getUser(ada.id));
    expect(discovery.refreshed).toEqual([]);
    const fixed = fakeUsersApi(() => gatewayError(403, 'MissingAuthenticationTokenException', 'Missing'));
    await failure(createUsersClient({ http: fixed.http, baseUrl: OLD_URL }).getUser(ada.id));
    expect(fixed.sent).toHaveLength(1);
  });
});

describe('createUsersClient: within the caller’s remaining time', () => {
  /** A users API that never answers, until the request is aborted; records each attempt's timeout. */
  function silentUsersApi() {
    const timeouts: number[] = [];
    const adapter = (config: InternalAxiosRequestConfig) =>
      new Promise<never>((_resolve, reject) => {
        timeouts.push(Number(config.timeout));
        config.signal?.addEventListener?.('abort', () =>
          reject(new CanceledError(undefined, undefined, config)),
        );
      });
    return { timeouts, signing: { credentials: async () => CREDENTIALS, axiosConfig: { adapter } } };
  }

  it('lets discovery wait at most the remaining time less the reserve', async () => {
    const discovery = fakeDiscovery(OLD_URL);
    const api = fakeUsersApi(() => ({ status: 200, body: ada }));
    const users = createUsersClient({
      http: api.http,
      discovery,
      remainingTimeMs: () => 4000,
      reserveMs: 500,
    });

    await users.getUser(ada.id);

    expect(discovery.maxWaits).toEqual([3500]);
  });

  it('reads the remaining time of the Lambda invocation by default', async () => {
    const discovery = fakeDiscovery(OLD_URL);
    const users = createUsersClient({
      http: fakeUsersApi(() => ({ status: 200, body: ada })).http,
      discovery,
    });

    await withinInvocation({ getRemainingTimeInMillis: () => 4000 }, () => users.getUser(ada.id));
    await users.getUser(ada.id);

    expect(discovery.maxWaits).toEqual([3000, undefined]);
  });

  it('ends a GET to a users API that never answers as a timeout, before the invocation ends', async () => {
    const api = silentUsersApi();
    const users = createUsersClient({ baseUrl: OLD_URL, signing: api.signing });

    // The invocation's end as a timer armed with the call: timers fire in the order they fall due, so
    // the race is decided by the event loop's own clock, which a loaded machine delays but never reorders.
    let invocationEnded: NodeJS.Timeout | undefined;
    const end = new Promise<'invocation ended'>((resolve) => {
      invocationEnded = setTimeout(resolve, 1250, 'invocation ended');
    });
    const error = await Promise.race([
      withinInvocation({ getRemainingTimeInMillis: () => 1250 }, () => failure(users.getUser(ada.id))),
      end,
    ]);
    clearTimeout(invocationEnded);

    expect(error).toBeInstanceOf(UsersUnavailableError);
    expect(error).toMatchObject({ kind: 'timeout', message: expect.stringContaining('caller had left') });
    // One attempt, cut from 5 s to what was left of 1250 ms less the 1000 ms reserve; no time for a retry.
    expect(api.timeouts).toHaveLength(1);
    expect(api.timeouts[0]).toBeLessThanOrEqual(250);
  });
});

describe('usersErrorToHttp', () => {
  function mapped(error: unknown): HttpError {
    try {
      usersErrorToHttp(error);
    } catch (thrown) {
      if (thrown instanceof HttpError) return thrown;
      throw thrown;
    }
    throw new Error('usersErrorToHttp returned');
  }

  it('answers an unknown user with 422 naming it', () => {
    const error = mapped(new UserNotFoundError({ id: '42' }));
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect(error.toBody()).toEqual({ message: 'User 42 does not exist' });
    expect(mapped(new UserNotFoundError({ email: 'a@example.com' })).message).toBe(
      'User with email a@example.com does not exist',
    );
  });

  it.each([
    ['denied', BadGatewayError, 502],
    ['failed', BadGatewayError, 502],
    ['unreachable', ServiceUnavailableError, 503],
    ['discovery', ServiceUnavailableError, 503],
    ['timeout', GatewayTimeoutError, 504],
  ] as const)('answers "%s" with %p (%p) and the upstream details', (kind, ErrorClass, status) => {
    const cause = new UsersUnavailableError(kind, 'x', {
      status: 403,
      errorType: 'AccessDeniedException',
      requestId: 'req-42',
    });
    const error = mapped(cause);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error.statusCode).toBe(status);
    expect(error.cause).toBe(cause);
    expect(error.toBody()).toEqual({
      message: expect.any(String),
      upstream: {
        callee: 'users',
        fault: kind === 'discovery' ? 'discovery' : 'callee',
        kind,
        status: 403,
        errorType: 'AccessDeniedException',
        requestId: 'req-42',
      },
    });
  });

  it.each([
    ['credentials', 'This service cannot call users: its own AWS credentials could not be loaded'],
    ['configuration', 'This service cannot call users: it is not configured to (see its error log)'],
  ] as const)('answers the caller’s own %s problem with a 500 that says so', (kind, message) => {
    const cause = new CallerConfigurationError(kind, 'Could not load AWS credentials to sign users: GET …');
    const error = mapped(cause);
    expect(error).toBeInstanceOf(MisconfiguredServiceError);
    expect(error.statusCode).toBe(500);
    expect(error.cause).toBe(cause);
    expect(error.toBody()).toEqual({ message, upstream: { callee: 'users', fault: 'caller', kind } });
  });

  it('rethrows anything else unchanged', () => {
    const taken = new EmailTakenError('taken');
    expect(() => usersErrorToHttp(taken)).toThrow(taken);
    const bug = new TypeError('bug');
    expect(() => usersErrorToHttp(bug)).toThrow(bug);
    expect(taken).toBeInstanceOf(UsersClientError);
  });
});
