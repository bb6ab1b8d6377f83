import { createSignedClient } from '@internal-apis/signed-client';
import type { User } from '../../src/user';
import type { EmailClaim, UserChanges, UsersStore } from '../../src/users-store';

type StoreMethod = keyof UsersStore;

/**
 * An in-memory UsersStore with the semantics of the DynamoDB one: each call is atomic, and a user
 * and its email claim are written together with the same conditions. `failNext` makes one call of a
 * method reject, having written nothing, as a failed DynamoDB call does.
 */
export class InMemoryUsersStore implements UsersStore {
  readonly users = new Map<string, User>();
  readonly claims = new Map<string, EmailClaim>();
  readonly calls: StoreMethod[] = [];
  private readonly failures = new Map<StoreMethod, { error: Error; afterWriting: boolean }>();

  /**
   * Makes the next call of `method` reject: before it writes anything, or, `afterWriting`, once its
   * write is done (the answer is lost, as when the caller is killed while DynamoDB answers).
   */
  failNext(
    method: StoreMethod,
    error = new Error(`${method} failed`),
    options = { afterWriting: false },
  ): void {
    this.failures.set(method, { error, afterWriting: options.afterWriting });
  }

  getUser(id: string) {
    return this.call('getUser', () => {
      const user = this.users.get(id);
      return user && { ...user };
    });
  }

  getEmailClaim(email: string) {
    return this.call('getEmailClaim', () => {
      const claim = this.claims.get(email);
      return claim && { ...claim };
    });
  }

  createUser(user: User, claimedAt: string) {
    return this.call('createUser', () => {
      if (this.claims.has(user.email)) return 'email-taken' as const;
      if (this.users.has(user.id)) throw new Error(`User id ${user.id} exists already`);
      this.users.set(user.id, { ...user });
      this.claims.set(user.email, { email: user.email, userId: user.id, claimedAt });
      return 'created' as const;
    });
  }

  updateUser(id: string, changes: UserChanges) {
    return this.call('updateUser', () => {
      const user = this.users.get(id);
      if (!user) return undefined;
      const updated = { ...user, ...defined(changes) };
      this.users.set(id, updated);
      return { ...updated };
    });
  }

  changeEmail(user: User, email: string, changes: UserChanges) {
    return this.call('changeEmail', () => {
      if (this.users.get(user.id)?.email !== user.email) return 'user-changed' as const;
      if (this.claims.has(email)) return 'email-taken' as const;
      if (this.heldByOther(user.email, user.id)) return 'email-taken' as const;
      this.users.set(user.id, { ...(this.users.get(user.id) as User), ...defined(changes), email });
      this.claims.set(email, { email, userId: user.id, claimedAt: changes.updatedAt });
      this.claims.delete(user.email);
      return 'changed' as const;
    });
  }

  deleteUser(user: User) {
    return this.call('deleteUser', () => {
      if (this.users.get(user.id)?.email !== user.email || this.heldByOther(user.email, user.id)) {
        return 'user-changed' as const;
      }
      this.users.delete(user.id);
      this.claims.delete(user.email);
      return 'deleted' as const;
    });
  }

  private heldByOther(email: string, userId: string): boolean {
    const claim = this.claims.get(email);
    return claim !== undefined && claim.userId !== userId;
  }

  private async call<T>(method: StoreMethod, work: () => T): Promise<T> {
    this.calls.push(method);
    const failure = this.failures.get(method);
    this.failures.delete(method);
    if (failure && !failure.afterWriting) throw failure.error;
    const result = work();
    if (failure) throw failure.error;
    return result;
  }
}

function defined<T extends object>(changes: T): Partial<T> {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * An error as the AWS SDK v3 throws it for a failed DynamoDB call: its name (AWS's error type), the
 * request id in `$metadata`, and whatever else `extra` adds (`$fault`, a network `code`).
 */
export function sdkError(name: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} message`), {
    name,
    $metadata: { httpStatusCode: 400, requestId: 'REQ-1' },
    ...extra,
  });
}

/** DynamoDB's answer to a failed ConditionExpression, as the SDK names it. */
export function conditionFailed(): Error {
  const error = new Error('The conditional request failed');
  error.name = 'ConditionalCheckFailedException';
  return error;
}

/** A fixed, movable clock. */
export function clock(start = '2025-01-01T00:00:00.000Z') {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    advance: (ms: number) => {
      current += ms;
    },
  };
}

/** Ids as crypto.randomUUID returns them, but predictable. */
export function sequentialIds() {
  let next = 0;
  return () => {
    next += 1;
    return `00000000-0000-4000-8000-${String(next).padStart(12, '0')}`;
  };
}

/** A request as the signed client sent it to the fake users API. */
export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, unknown>;
  data: unknown;
}

/** What the fake users API answers: a status, a JSON body, headers. */
export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A users API behind the real signed client: `answer` sees each signed request as it would go on
 * the wire and returns a response (or throws what the transport would); `sent` records them.
 *
 * @example
 * const { http, sent } = fakeUsersApi(() => ({ status: 200, body: ada }));
 * await createUsersClient({ http, baseUrl }).getUser(ada.id);
 */
export function fakeUsersApi(answer: (request: SentRequest) => Answer) {
  const sent: SentRequest[] = [];
  const http = createSignedClient({
    callee: 'users',
    credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' }),
    retry: { retries: 0 },
    axiosConfig: {
      adapter: async (config) => {
        const request = {
          method: String(config.method).toUpperCase(),
          url: String(config.url),
          headers: { ...config.headers },
          data: config.data,
        };
        sent.push(request);
        const { status, body, headers } = answer(request);
        const json = body === undefined ? '' : JSON.stringify(body);
        return {
          status,
          statusText: '',
          data: json,
          headers: { 'content-type': 'application/json', ...headers },
          config,
        };
      },
    },
  });
  return { http, sent };
}
