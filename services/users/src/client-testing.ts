/**
 * The users client as callers fake it in their unit tests: a client that knows a few users, the
 * errors the real one throws, and how `usersErrorToHttp` answers each outage. Import it as
 * `@internal-apis/users/client-testing` from unit tests only; no handler imports it, so no bundle
 * carries it.
 */
import type { JsonPostRoute } from '@internal-apis/lambda-http/testing';
import type { User, UsersClient } from './client';
import {
  CallerConfigurationError,
  type UpstreamDetails,
  UserNotFoundError,
  UsersUnavailableError,
  type UsersUnavailableKind,
} from './client-errors';

/** A user as the users API returns it. */
export const ada: User = {
  id: '6f1c2b1e-9d7a-4c3e-8a51-2f0b7c9d4e10',
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
};

/** A users client for callers' tests, recording the ids it was asked for. */
export type FakeUsersClient = Pick<UsersClient, 'getUser'> & { calls: string[] };

/**
 * A users client that knows `known` (any other id is a UserNotFoundError, as from the real one),
 * or rejects every call with `failure`.
 *
 * @example
 * const orders = createOrders({ tableName: 'orders-test', users: fakeUsersClient([ada]) });
 * const outage = fakeUsersClient([], usersUnavailable('timeout'));
 */
export function fakeUsersClient(known: User[], failure?: Error): FakeUsersClient {
  const calls: string[] = [];
  return {
    calls,
    async getUser(id) {
      calls.push(id);
      if (failure) throw failure;
      const user = known.find((candidate) => candidate.id === id);
      if (!user) throw new UserNotFoundError({ id });
      return { ...user };
    },
  };
}

/**
 * What the users client throws when the users API cannot serve the call.
 *
 * @example
 * const denied = usersUnavailable('denied', { status: 403, errorType: 'AccessDeniedException' });
 */
export function usersUnavailable(
  kind: UsersUnavailableKind,
  details: UpstreamDetails = {},
): UsersUnavailableError {
  return new UsersUnavailableError(kind, `users ${kind}`, details);
}

/** One way a users lookup can fail, and what a caller answers through `usersErrorToHttp`. */
export interface UsersFailure {
  /** `not found`, or the UsersUnavailableKind. */
  kind: string;
  /** What the users client throws. */
  error: UserNotFoundError | UsersUnavailableError | CallerConfigurationError;
  /** The status and body the caller answers with. */
  expected: { statusCode: 422 | 500 | 502 | 503 | 504; body: Record<string, unknown> };
}

/**
 * Every way looking up `ada` can fail, and the party each answer names (`upstream.fault`): 422 when
 * no user has the id; 502 when users refused or failed (with the status and error type AWS
 * reported), 503 when it could not be reached or located, 504 when it did not answer in time, each
 * naming the users request id; 500 when the caller's own credentials or configuration are at fault.
 *
 * @example
 * for (const { error, expected } of usersFailures) {
 *   const orders = createOrders({ tableName: 'orders-test', users: fakeUsersClient([], error) });
 *   const response = await invoke(createOrderHandler({ orders }), jsonPost('/orders', validOrder));
 *   expect(response).toMatchObject(expected);
 * }
 */
export const usersFailures: readonly UsersFailure[] = [
  {
    kind: 'not found',
    error: new UserNotFoundError({ id: ada.id }),
    expected: { statusCode: 422, body: { message: `User ${ada.id} does not exist` } },
  },
  outage('denied', 502, { status: 403, errorType: 'AccessDeniedException' }),
  outage('failed', 502, { status: 500, errorType: 'InternalServerErrorException' }),
  outage('unreachable', 503),
  outage('discovery', 503),
  outage('timeout', 504),
  callerFault('credentials', 'This service cannot call users: its own AWS credentials could not be loaded'),
  callerFault('configuration', 'This service cannot call users: it is not configured to (see its error log)'),
];

/**
 * Declares one test per usersFailures case for a caller's route that looks up the user a valid body
 * names: the route answers as `usersErrorToHttp` does and stores nothing. `valid` names `ada`;
 * `setup` builds a fresh route over the users client it is given.
 *
 * @example
 * describe('POST /orders', () => {
 *   itAnswersEveryUsersFailure({ userId: ada.id, items }, (users) => {
 *     const db = new FakeDocumentClient();
 *     const orders = createOrders({ tableName: 'orders-test', documentClient: db, users });
 *     return jsonPostRoute(createOrderHandler({ orders }), '/orders', db.commands);
 *   });
 * });
 */
export function itAnswersEveryUsersFailure(
  valid: Record<string, unknown>,
  setup: (users: FakeUsersClient) => JsonPostRoute,
): void {
  it.each(usersFailures)(
    'answers $expected.statusCode when the users lookup fails ($kind), and stores nothing',
    async ({ error, expected }) => {
      const { post, written } = setup(fakeUsersClient([], error));
      expect(await post(valid)).toMatchObject(expected);
      expect(written).toEqual([]);
    },
  );
}

function outage(
  kind: UsersUnavailableKind,
  statusCode: 502 | 503 | 504,
  reported: Pick<UpstreamDetails, 'status' | 'errorType'> = {},
): UsersFailure {
  const details = { ...reported, requestId: 'users-req-1' };
  const fault = kind === 'discovery' ? 'discovery' : 'callee';
  const upstream = { callee: 'users', fault, kind, ...details };
  return { kind, error: usersUnavailable(kind, details), expected: { statusCode, body: { upstream } } };
}

function callerFault(kind: CallerConfigurationError['kind'], message: string): UsersFailure {
  const error = new CallerConfigurationError(kind, `the caller's ${kind} are wrong`);
  const upstream = { callee: 'users', fault: 'caller', kind };
  return { kind: `caller ${kind}`, error, expected: { statusCode: 500, body: { message, upstream } } };
}
