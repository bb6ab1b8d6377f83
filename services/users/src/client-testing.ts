/**
 * The users client as callers fake it in their unit tests: a client that knows a few users, the
 * errors the real one throws, and how `usersErrorToHttp` answers each outage. Import it as
 * `@internal-apis/users/client-testing` from unit tests only; no handler imports it, so no bundle
 * carries it.
 */
import { awsSdkError, type JsonPostRoute } from '@internal-apis/lambda-http/testing';
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

/**
 * Declares the tests that keep a caller of users from blaming users for its own table: a valid body
 * whose write fails because the table is missing, the role may not write or the credentials are
 * refused answers 500 naming the caller's own configuration (`fault: 'caller'`, AWS's error type, no
 * AWS message); one throttled or failed by DynamoDB answers 503 (`fault: 'aws'`). `doing` completes
 * the message `This service cannot …`; `setup` builds a fresh route whose `db.failure` rejects every
 * write.
 *
 * @example
 * itBlamesItselfForItsOwnTable(validOrder, 'store the order', () => {
 *   const db = new FakeDocumentClient();
 *   const orders = createOrders({ tableName: 'orders-test', documentClient: db, users: fakeUsersClient([ada]) });
 *   return { db, ...jsonPostRoute(createOrderHandler({ orders }), '/orders', db.commands) };
 * });
 */
export function itBlamesItselfForItsOwnTable(
  valid: Record<string, unknown>,
  doing: string,
  setup: () => JsonPostRoute & { db: { failure?: Error } },
): void {
  it.each([
    ['its table is missing', 'ResourceNotFoundException', 'its own role or resources'],
    ['its role may not write', 'AccessDeniedException', 'its own role or resources'],
    ['its credentials are refused', 'UnrecognizedClientException', 'its own AWS credentials'],
  ])('answers 500 naming its own configuration when %s (not blamed on users)', async (_case, name, what) => {
    const { db, post } = setup();
    db.failure = awsSdkError(name, { message: 'Requested resource not found: arn:aws:dynamodb:…' });
    const response = await post(valid);
    expect(response).toMatchObject({
      statusCode: 500,
      body: {
        message: `This service cannot ${doing}: ${what} are at fault (${name})`,
        fault: 'caller',
        errorType: name,
      },
    });
    expect(JSON.stringify(response.body)).not.toContain('Requested resource');
  });

  it('answers 503 when DynamoDB throttles or fails', async () => {
    const { db, post } = setup();
    db.failure = awsSdkError('ProvisionedThroughputExceededException');
    expect(await post(valid)).toMatchObject({ statusCode: 503, body: { fault: 'aws' } });
  });
}

/**
 * Declares the test that a caller deployed without its table's environment variable answers 500
 * naming the variable (`fault: 'caller'`). `unconfigured` builds the route from the handler's
 * production defaults, which read the variable.
 *
 * @example
 * itNamesItsMissingTableVariable('ORDERS_TABLE', validOrder, () =>
 *   jsonPostRoute(createOrderHandler({ logger: recordingLogger() }), '/orders', []),
 * );
 */
export function itNamesItsMissingTableVariable(
  variable: string,
  valid: Record<string, unknown>,
  unconfigured: () => JsonPostRoute,
): void {
  it(`answers 500 naming ${variable} when the function was deployed without it`, async () => {
    const saved = process.env[variable];
    delete process.env[variable];
    try {
      expect(await unconfigured().post(valid)).toMatchObject({
        statusCode: 500,
        body: {
          message: `This service is not configured: its ${variable} variable is not set`,
          fault: 'caller',
        },
      });
    } finally {
      if (saved !== undefined) process.env[variable] = saved;
    }
  });
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
