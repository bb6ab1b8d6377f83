import { createDiscovery } from '@internal-apis/discovery';
import {
  createSignedClient,
  HttpStatusError,
  NetworkError,
  RequestTimeoutError,
  SignedClientError,
} from '@internal-apis/signed-client';
import {
  EmailTakenError,
  UserNotFoundError,
  UsersUnavailableError,
  type UsersUnavailableKind,
  UserValidationError,
} from './client-errors';

export {
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
  discovery?: { getServiceUrl(name: string): Promise<string>; invalidate(name: string): void };
  /** Default: `createSignedClient({ callee: 'users' })`, signing with the function's role. */
  http?: SignedHttp;
}

type Lookup = { id: string } | { email: string };

/**
 * The typed client of the users API: SigV4-signed calls to the URL the users stack published in SSM.
 *
 * @example
 * const users = createUsersClient();
 * const user = await users.getUser(order.userId).catch(usersErrorToHttp);
 */
export function createUsersClient(options: UsersClientOptions = {}): UsersClient {
  const http = options.http ?? createSignedClient({ callee: 'users' });
  const locator = usersLocator(options);
  const call = async <T>(request: HttpRequest, lookup?: Lookup): Promise<T> => {
    try {
      return (await callLocated(http, locator, request)).data as T;
    } catch (error) {
      throw toUsersClientError(error, lookup);
    }
  };
  return {
    getUser: async (id) => call(userRequest('GET', id), { id }),
    findUserByEmail: (email) => call({ method: 'GET', url: '/users', params: { email } }, { email }),
    createUser: (input) => call({ method: 'POST', url: '/users', data: input }),
    updateUser: async (id, patch) => call({ ...userRequest('PATCH', id), data: patch }, { id }),
    deleteUser: async (id) => {
      await call(userRequest('DELETE', id), { id });
    },
  };
}

function userRequest(method: string, id: string): HttpRequest {
  // No user has these ids, and no request can carry them: `/users/` is not a route (API Gateway
  // answers 403), and `.` or `..` would be resolved away as dot segments before the request is sent.
  if (id === '' || id === '.' || id === '..') throw new UserNotFoundError({ id });
  return { method, url: `/users/${encodeURIComponent(id)}` };
}

interface UsersLocator {
  url(): Promise<string>;
  /** Forgets the discovered URL; false when there is nothing to rediscover (a fixed baseUrl). */
  forget(): boolean;
}

function usersLocator(options: UsersClientOptions): UsersLocator {
  const { baseUrl } = options;
  if (baseUrl !== undefined) return { url: async () => baseUrl, forget: () => false };
  let discovery = options.discovery;
  return {
    async url() {
      try {
        // Created lazily: a container that never calls users needs no stage and no SSM client.
        discovery ??= createDiscovery({ stage: options.stage });
        return await discovery.getServiceUrl('users');
      } catch (cause) {
        throw new UsersUnavailableError(
          'discovery',
          `Could not locate the users API: ${messageOf(cause)}`,
          {},
          { cause },
        );
      }
    },
    forget() {
      discovery?.invalidate('users');
      return true;
    },
  };
}

/**
 * Sends the request to the discovered URL. If the answer suggests that users moved (see
 * `suggestsMoved`), the URL is rediscovered once and, if it changed, the request is sent there.
 */
async function callLocated(http: SignedHttp, locator: UsersLocator, request: HttpRequest) {
  const baseURL = await locator.url();
  try {
    return await http.request({ ...request, baseURL });
  } catch (error) {
    if (!suggestsMoved(error) || !locator.forget()) throw error;
    const freshURL = await locator.url();
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

/** Maps signed-client and discovery failures to the users client's errors; others pass unchanged. */
function toUsersClientError(error: unknown, lookup: Lookup | undefined): unknown {
  if (!(error instanceof SignedClientError)) return error;
  if (error instanceof HttpStatusError) return fromStatus(error, lookup);
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
