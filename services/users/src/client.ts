import {
  createDiscovery,
  type Discovery,
  DiscoveryConfigError,
  type LookupOptions,
} from '@internal-apis/discovery';
import { isWellFormedText, remainingInvocationTimeMs } from '@internal-apis/lambda-http';
import {
  CredentialsError,
  createSignedClient,
  DEFAULT_RESERVE_MS,
  HttpStatusError,
  NetworkError,
  RequestTimeoutError,
  SignedClientConfigError,
  SignedClientError,
  type SignedClientOptions,
} from '@internal-apis/signed-client';
import {
  CallerConfigurationError,
  EmailTakenError,
  UserNotFoundError,
  UsersUnavailableError,
  type UsersUnavailableKind,
  UserValidationError,
} from './client-errors';

export {
  CallerConfigurationError,
  type CallerConfigurationKind,
  EmailTakenError,
  type UpstreamDetails,
  UserNotFoundError,
  UsersClientError,
  UsersUnavailableError,
  type UsersUnavailableKind,
  UserValidationError,
  usersErrorToHttp,
} from './client-errors';

/** A user as the users API returns it. */
export interface User {
  id: string;
  email: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}

/** The users API. Every method rejects with a UsersClientError subclass on failure. */
export interface UsersClient {
  getUser(id: string): Promise<User>;
  findUserByEmail(email: string): Promise<User>;
  createUser(input: { email: string; name: string }): Promise<User>;
  updateUser(id: string, patch: { email?: string; name?: string }): Promise<User>;
  deleteUser(id: string): Promise<void>;
}

/** An axios instance, as `createSignedClient` returns it. */
type SignedHttp = ReturnType<typeof createSignedClient>;
type HttpRequest = Parameters<SignedHttp['request']>[0];

export interface UsersClientOptions {
  /** Stage whose users API is discovered. Default: `process.env.STAGE`. */
  stage?: string;
  /** The users base URL (stage path included); skips discovery. */
  baseUrl?: string;
  /** Default: `createDiscovery({ stage })`, created on the first call. */
  discovery?: Pick<Discovery, 'getServiceUrl' | 'refresh'>;
  /**
   * How long the caller can still wait, in ms: discovery and every call (retries and backoff
   * included) end within it, less `reserveMs`, as a typed timeout. Default: the remaining time of the
   * Lambda invocation handling the current request (`remainingInvocationTimeMs`), none outside one.
   */
  remainingTimeMs?: () => number | undefined;
  /** Kept out of the time budget, so the caller has time to answer after a failed call. Default 1000. */
  reserveMs?: number;
  /** Default: `createSignedClient({ callee: 'users', remainingTimeMs, reserveMs, ...signing })`. */
  http?: SignedHttp;
  /**
   * More options for the default signed client, e.g. `credentials` on a laptop, or a transport
   * (`axiosConfig.adapter`) in tests. Default: the function role's credentials from the environment.
   */
  signing?: Pick<SignedClientOptions, 'credentials' | 'timeoutMs' | 'retry' | 'axiosConfig' | 'clock'>;
}

type Lookup = { id: string } | { email: string };

/**
 * The typed client of the users API: SigV4-signed calls to the URL the users stack published in SSM,
 * each ending within the caller's remaining time. Errors say who is at fault: the input
 * (UserNotFoundError, UserValidationError, EmailTakenError), this service's own configuration
 * (CallerConfigurationError), or the users API and the way to it (UsersUnavailableError).
 *
 * @example
 * const users = createUsersClient();
 * const user = await users.getUser(order.userId).catch(usersErrorToHttp);
 */
export function createUsersClient(options: UsersClientOptions = {}): UsersClient {
  const remainingTimeMs = options.remainingTimeMs ?? remainingInvocationTimeMs;
  const reserveMs = options.reserveMs ?? DEFAULT_RESERVE_MS;
  const http =
    options.http ?? createSignedClient({ ...options.signing, callee: 'users', remainingTimeMs, reserveMs });
  const locator = usersLocator(options, () => waitLimit(remainingTimeMs(), reserveMs));
  const call = async (request: HttpRequest, lookup?: Lookup): Promise<unknown> => {
    try {
      return (await callLocated(http, locator, request)).data;
    } catch (error) {
      throw toUsersClientError(error, lookup);
    }
  };
  const callForUser = async (request: HttpRequest, lookup?: Lookup) => asUser(await call(request, lookup));
  return {
    getUser: async (id) => callForUser(userRequest('GET', id), { id }),
    findUserByEmail: async (email) => {
      // A URL cannot carry it, and the users API stores no such email.
      if (!isWellFormedText(email)) throw new UserNotFoundError({ email });
      return callForUser({ method: 'GET', url: '/users', params: { email } }, { email });
    },
    createUser: (input) => callForUser({ method: 'POST', url: '/users', data: input }),
    updateUser: async (id, patch) => callForUser({ ...userRequest('PATCH', id), data: patch }, { id }),
    deleteUser: async (id) => {
      await call(userRequest('DELETE', id), { id });
    },
  };
}

function waitLimit(remainingMs: number | undefined, reserveMs: number): number | undefined {
  return remainingMs === undefined ? undefined : Math.max(0, remainingMs - reserveMs);
}

function userRequest(method: string, id: string): HttpRequest {
  // No user has these ids, and no request can carry them: `/users/` is not a route (API Gateway
  // answers 403), `.` or `..` would be resolved away as dot segments before the request is sent,
  // and a lone surrogate has no UTF-8 form to put in a URL.
  if (id === '' || id === '.' || id === '..' || !isWellFormedText(id)) throw new UserNotFoundError({ id });
  return { method, url: `/users/${encodeURIComponent(id)}` };
}

/** A 2xx body that is not a user is the users API failing, not a user to pass on. */
function asUser(data: unknown): User {
  const user = data as Partial<User> | null;
  if (typeof user?.id === 'string' && typeof user.email === 'string' && typeof user.name === 'string') {
    return data as User;
  }
  throw new UsersUnavailableError('failed', 'The users API answered with a body that is not a user');
}

interface UsersLocator {
  url(): Promise<string>;
  /** The URL to use after a call failed as if users had moved: the same one when nothing changed. */
  refresh(): Promise<string>;
}

function usersLocator(options: UsersClientOptions, maxWaitMs: () => number | undefined): UsersLocator {
  const { baseUrl } = options;
  if (baseUrl !== undefined) return { url: async () => baseUrl, refresh: async () => baseUrl };
  let discovery = options.discovery;
  const located = async (
    lookUp: (found: NonNullable<typeof discovery>, o: LookupOptions) => Promise<string>,
  ) => {
    try {
      // Created lazily: a container that never calls users needs no stage and no SSM client.
      discovery ??= createDiscovery({ stage: options.stage });
      return await lookUp(discovery, { maxWaitMs: maxWaitMs() });
    } catch (cause) {
      throw locatorError(cause);
    }
  };
  return {
    url: () => located((found, o) => found.getServiceUrl('users', o)),
    refresh: () => located((found, o) => found.refresh('users', o)),
  };
}

function locatorError(cause: unknown): Error {
  if (cause instanceof DiscoveryConfigError) {
    const message = `Cannot look up the users API: ${messageOf(cause)}`;
    return new CallerConfigurationError('configuration', message, { cause });
  }
  return new UsersUnavailableError(
    'discovery',
    `Could not locate the users API: ${messageOf(cause)}`,
    {},
    { cause },
  );
}

/**
 * Sends the request to the discovered URL. If the answer suggests that users moved (see
 * `suggestsMoved`), discovery is asked for a fresh URL (at most once per refresh interval, so a users
 * API that is down does not cost a GetParameter per request) and, if it changed, the request is sent there.
 */
async function callLocated(http: SignedHttp, locator: UsersLocator, request: HttpRequest) {
  const baseURL = await locator.url();
  try {
    return await http.request({ ...request, baseURL });
  } catch (error) {
    if (!suggestsMoved(error)) throw error;
    const freshURL = await locator.refresh().catch(() => baseURL);
    if (freshURL === baseURL) throw error;
    return http.request({ ...request, baseURL: freshURL });
  }
}

// API Gateway answers a path no API at this URL serves with 403 MissingAuthenticationToken (even
// for a signed request), a stage that does not exist with 403 Forbidden, and a removed API's host no
// longer resolves. Connection failures listed here happen before anything is sent, so resending a
// POST to the new URL cannot create a user twice.
const MOVED_ERROR_TYPES = new Set([
  'MissingAuthenticationTokenException',
  'ForbiddenException',
  'NotFoundException',
]);
const UNSENT_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED']);

function suggestsMoved(error: unknown): boolean {
  if (error instanceof HttpStatusError) return MOVED_ERROR_TYPES.has(error.errorType ?? '');
  return error instanceof NetworkError && UNSENT_CODES.has(error.code ?? '');
}

/** Maps signed-client failures to the users client's errors; others pass unchanged. */
function toUsersClientError(error: unknown, lookup: Lookup | undefined): unknown {
  if (!(error instanceof SignedClientError)) return error;
  if (error instanceof HttpStatusError) return fromStatus(error, lookup);
  // This service's own set-up failed before anything was sent: not the users API's fault.
  if (error instanceof CredentialsError) {
    return new CallerConfigurationError('credentials', error.message, { cause: error });
  }
  if (error instanceof SignedClientConfigError) {
    return new CallerConfigurationError('configuration', error.message, { cause: error });
  }
  const kind: UsersUnavailableKind =
    error instanceof RequestTimeoutError
      ? 'timeout'
      : error instanceof NetworkError
        ? 'unreachable'
        : 'failed';
  return new UsersUnavailableError(kind, error.message, {}, { cause: error });
}

function fromStatus(error: HttpStatusError, lookup: Lookup | undefined): Error {
  const { status, errorType, requestId } = error;
  // Only the users API itself answers 404 without x-amzn-ErrorType; API Gateway's own 404 has one.
  if (status === 404 && errorType === undefined && lookup)
    return new UserNotFoundError(lookup, { cause: error });
  const body = (error.body ?? {}) as { message?: unknown; fields?: unknown };
  const message = typeof body.message === 'string' ? body.message : error.message;
  if (status === 409) return new EmailTakenError(message, { cause: error });
  if (status === 400) {
    const fields = Array.isArray(body.fields) ? body.fields : [];
    return new UserValidationError(message, fields, { cause: error });
  }
  const kind = status === 401 || status === 403 ? 'denied' : 'failed';
  return new UsersUnavailableError(kind, error.message, { status, errorType, requestId }, { cause: error });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
