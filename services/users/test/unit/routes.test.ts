import { lambdaContext, proxyEvent, recordingLogger } from '@internal-apis/lambda-http/testing';
import type { APIGatewayProxyEvent, APIGatewayProxyHandler, APIGatewayProxyResult } from 'aws-lambda';
import { createUsersRoutes } from '../../src/routes';
import { createUsers } from '../../src/users';
import { clock, InMemoryUsersStore, sdkError, sequentialIds } from './fakes';

function setup() {
  const store = new InMemoryUsersStore();
  const logger = recordingLogger();
  const users = createUsers({ store, now: clock().now, newId: sequentialIds() });
  const routes = createUsersRoutes(users, { logger });
  return { store, routes, logLines: logger.lines };
}

async function call(handler: APIGatewayProxyHandler, event: Partial<APIGatewayProxyEvent>) {
  const result = (await handler(
    proxyEvent(event),
    lambdaContext(),
    () => undefined,
  )) as APIGatewayProxyResult;
  return { ...result, json: result.body ? JSON.parse(result.body) : undefined };
}

const json = { 'Content-Type': 'application/json' };
const ID = '00000000-0000-4000-8000-000000000001';
const UNKNOWN_ID = '00000000-0000-4000-8000-999999999999';

async function withAda() {
  const context = setup();
  await call(context.routes.createUser, {
    httpMethod: 'POST',
    headers: json,
    body: '{"email":"Ada@Example.com ","name":"Ada"}',
  });
  return context;
}

describe('POST /users', () => {
  it('answers 201 with the user and its Location, the email normalised to lower case', async () => {
    const { routes } = setup();
    const response = await call(routes.createUser, {
      httpMethod: 'POST',
      headers: json,
      body: '{"email":"Ada@Example.COM","name":"Ada"}',
    });
    expect(response.statusCode).toBe(201);
    expect(response.headers).toMatchObject({ Location: `users/${ID}`, 'content-type': 'application/json' });
    expect(response.json).toEqual({
      id: ID,
      email: 'ada@example.com',
      name: 'Ada',
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-01T00:00:00.000Z',
    });
  });

  it('answers 409 for an email already registered, in any case', async () => {
    const { routes } = await withAda();
    const response = await call(routes.createUser, {
      httpMethod: 'POST',
      body: '{"email":"ADA@example.com","name":"Ada Two"}',
    });
    expect(response.statusCode).toBe(409);
    expect(response.json.message).toBe('Email ada@example.com is already registered');
  });

  it('answers 400 naming every field at fault, unknown fields included', async () => {
    const { routes } = setup();
    const response = await call(routes.createUser, {
      httpMethod: 'POST',
      body: JSON.stringify({ email: 'not-an-email', name: 'x'.repeat(201), role: 'admin' }),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json.message).toBe('Invalid request body');
    expect(response.json.fields.map((field: { path: string }) => field.path).sort()).toEqual([
      'email',
      'name',
      'role',
    ]);
  });

  it.each([
    ['missing name', { email: 'a@example.com' }, 'name'],
    ['blank name', { email: 'a@example.com', name: '   ' }, 'name'],
    ['missing email', { name: 'A' }, 'email'],
    ['email not a string', { email: 42, name: 'A' }, 'email'],
  ])('answers 400 for a %s', async (_case, body, field) => {
    const { routes } = setup();
    const response = await call(routes.createUser, { httpMethod: 'POST', body: JSON.stringify(body) });
    expect(response.statusCode).toBe(400);
    expect(response.json.fields).toEqual([{ path: field, message: expect.any(String) }]);
  });

  it('answers 415 for a non-JSON body, 413 for an oversize one and 400 for malformed JSON', async () => {
    const { routes } = setup();
    const form = await call(routes.createUser, { headers: { 'content-type': 'text/plain' }, body: 'hi' });
    const huge = await call(routes.createUser, { body: JSON.stringify({ name: 'x'.repeat(70_000) }) });
    const broken = await call(routes.createUser, { body: '{"email":' });
    expect([form.statusCode, huge.statusCode, broken.statusCode]).toEqual([415, 413, 400]);
  });
});

describe('GET /users/{id}', () => {
  it('answers 200 with the user', async () => {
    const { routes } = await withAda();
    const response = await call(routes.getUser, { pathParameters: { id: ID } });
    expect(response.statusCode).toBe(200);
    expect(response.json).toMatchObject({ id: ID, email: 'ada@example.com' });
  });

  it.each([
    [UNKNOWN_ID, `User ${UNKNOWN_ID} not found`],
    ['not-a-uuid', 'User not found'],
    ['x'.repeat(3000), 'User not found'],
    ['', 'User not found'],
  ])('answers 404 JSON for a path id (case %#)', async (id, message) => {
    const { routes } = setup();
    const response = await call(routes.getUser, { pathParameters: { id } });
    expect(response.statusCode).toBe(404);
    expect(response.json).toEqual({ message });
  });
});

describe('GET /users?email=', () => {
  it('answers 200 with the user, whatever the case of the query', async () => {
    const { routes } = await withAda();
    const response = await call(routes.findUserByEmail, {
      queryStringParameters: { email: 'ADA@example.com' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json).toMatchObject({ id: ID });
  });

  it('answers 404 when no user has the email', async () => {
    const { routes } = setup();
    const response = await call(routes.findUserByEmail, {
      queryStringParameters: { email: 'no@example.com' },
    });
    expect(response.statusCode).toBe(404);
  });

  it.each([null, {}, { email: 'nope' }])('answers 400 naming email for the query %p', async (query) => {
    const { routes } = setup();
    const response = await call(routes.findUserByEmail, { queryStringParameters: query });
    expect(response.statusCode).toBe(400);
    expect(response.json).toEqual({
      message: 'Invalid query string',
      fields: [{ path: 'email', message: expect.any(String) }],
    });
  });
});

describe('PATCH /users/{id}', () => {
  it('answers 200 with the updated user', async () => {
    const { routes } = await withAda();
    const response = await call(routes.updateUser, {
      httpMethod: 'PATCH',
      pathParameters: { id: ID },
      body: '{"name":"Countess of Lovelace","email":"countess@example.com"}',
    });
    expect(response.statusCode).toBe(200);
    expect(response.json).toMatchObject({ name: 'Countess of Lovelace', email: 'countess@example.com' });
  });

  it('answers 400 for an empty patch, saying what to send', async () => {
    const { routes } = await withAda();
    const response = await call(routes.updateUser, { pathParameters: { id: ID }, body: '{}' });
    expect(response.statusCode).toBe(400);
    expect(response.json.fields).toEqual([{ path: '', message: 'Provide at least one of: email, name' }]);
  });

  it('answers 400 for an unknown field', async () => {
    const { routes } = await withAda();
    const response = await call(routes.updateUser, { pathParameters: { id: ID }, body: '{"id":"other"}' });
    expect(response.statusCode).toBe(400);
    expect(response.json.fields).toContainEqual({ path: 'id', message: 'Unknown field' });
  });

  it('answers 409 for an email another user has', async () => {
    const { routes } = await withAda();
    await call(routes.createUser, { body: '{"email":"grace@example.com","name":"Grace"}' });
    const response = await call(routes.updateUser, {
      pathParameters: { id: ID },
      body: '{"email":"grace@example.com"}',
    });
    expect(response.statusCode).toBe(409);
  });

  it('answers 404 for an unknown user', async () => {
    const { routes } = setup();
    const response = await call(routes.updateUser, {
      pathParameters: { id: UNKNOWN_ID },
      body: '{"name":"x"}',
    });
    expect(response.statusCode).toBe(404);
  });
});

describe('DELETE /users/{id}', () => {
  it('answers 204 with an empty body, after which the user is gone', async () => {
    const { routes } = await withAda();
    const response = await call(routes.deleteUser, { httpMethod: 'DELETE', pathParameters: { id: ID } });
    expect(response).toMatchObject({ statusCode: 204, body: '' });
    expect((await call(routes.getUser, { pathParameters: { id: ID } })).statusCode).toBe(404);
  });

  it('answers 404 for an unknown user', async () => {
    const { routes } = setup();
    expect((await call(routes.deleteUser, { pathParameters: { id: UNKNOWN_ID } })).statusCode).toBe(404);
  });
});

describe('the users API as a whole', () => {
  const strangeBodies = [
    'null',
    '[]',
    '"text"',
    '42',
    'true',
    '{"email":null,"name":null}',
    '{"__proto__":{}}',
  ];

  it.each(strangeBodies)('answers the body %s with a 4xx on every write route', async (body) => {
    const { routes } = await withAda();
    for (const handler of [routes.createUser, routes.updateUser]) {
      const response = await call(handler, { pathParameters: { id: ID }, body });
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
    }
  });

  it('answers a storage failure with a 500 that reveals nothing but the request id', async () => {
    const { routes, store, logLines } = setup();
    store.failNext('getUser', new Error('connect ECONNREFUSED 10.0.0.1:443'));
    const response = await call(routes.getUser, { pathParameters: { id: UNKNOWN_ID } });
    expect(response.statusCode).toBe(500);
    expect(response.json).toEqual({ message: 'Internal server error', requestId: 'apigw-request-1' });
    expect(logLines.at(-1)).toMatchObject({
      level: 'error',
      status: 500,
      errorMessage: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('logs one line per request with the route and the caller', async () => {
    const { routes, logLines } = setup();
    await call(routes.getUser, { pathParameters: { id: UNKNOWN_ID } });
    expect(logLines).toEqual([
      expect.objectContaining({
        message: 'request',
        route: 'GET /users/{id}',
        status: 404,
        userArn: 'arn:aws:sts::123456789012:assumed-role/orders-local/orders-create',
        caller: 'AROAEXAMPLE:orders-create',
      }),
    ]);
  });
});

describe('a DynamoDB call that fails, on every route', () => {
  // Each route with the store call it makes, and what the answer says the service could not do.
  const routeCalls = [
    [
      'createUser',
      'createUser',
      'create the user',
      { httpMethod: 'POST', body: '{"email":"b@example.com","name":"B"}' },
    ],
    ['getUser', 'getUser', 'read the user', { pathParameters: { id: ID } }],
    [
      'findUserByEmail',
      'getEmailClaim',
      'find the user by email',
      { queryStringParameters: { email: 'ada@example.com' } },
    ],
    [
      'updateUser',
      'updateUser',
      'update the user',
      { httpMethod: 'PATCH', pathParameters: { id: ID }, body: '{"name":"A"}' },
    ],
    ['deleteUser', 'deleteUser', 'delete the user', { httpMethod: 'DELETE', pathParameters: { id: ID } }],
  ] as const;
  // What the SDK throws (see lambda-http's aws-errors test), and the answer each must give.
  const failures = [
    [
      'AccessDeniedException',
      sdkError('AccessDeniedException'),
      500,
      'caller',
      'its own role or resources are at fault',
    ],
    [
      'ResourceNotFoundException',
      sdkError('ResourceNotFoundException'),
      500,
      'caller',
      'its own role or resources are at fault',
    ],
    [
      'ExpiredTokenException',
      sdkError('ExpiredTokenException'),
      500,
      'caller',
      'its own AWS credentials are at fault',
    ],
    [
      'ProvisionedThroughputExceededException',
      sdkError('ProvisionedThroughputExceededException'),
      503,
      'aws',
      'now: AWS did not serve the request',
    ],
    [
      'TransactionCanceledException',
      sdkError('TransactionCanceledException', {
        CancellationReasons: [{ Code: 'ThrottlingError' }, { Code: 'None' }],
      }),
      503,
      'aws',
      'now: AWS did not serve the request',
    ],
    [
      'InternalServerError',
      sdkError('InternalServerError', {
        $fault: 'server',
        $metadata: { httpStatusCode: 500, requestId: 'REQ-1' },
      }),
      503,
      'aws',
      'now: AWS did not serve the request',
    ],
  ] as const;
  const cases = routeCalls.flatMap(([route, storeMethod, action, event]) =>
    failures.map(([errorType, error, status, fault, saying]) => ({
      route,
      storeMethod,
      action,
      event,
      errorType,
      error,
      status,
      fault,
      saying,
    })),
  );

  it.each(cases)(
    '$route answers $errorType from store.$storeMethod with $status, fault "$fault"',
    async ({ route, storeMethod, action, event, errorType, error, status, fault, saying }) => {
      const { routes, store, logLines } = await withAda();
      store.failNext(storeMethod, error);
      const response = await call(routes[route], event);
      expect(response.statusCode).toBe(status);
      expect(response.json).toEqual({
        message: expect.stringMatching(new RegExp(`^This service cannot ${action}`)),
        fault,
        errorType,
        requestId: 'REQ-1',
      });
      expect(response.json.message).toContain(saying);
      expect(logLines.at(-1)).toMatchObject({ level: 'error', status, causeType: errorType });
    },
  );

  it('names the function’s own credentials when the SDK cannot load them (no AWS answer)', async () => {
    const { routes, store } = setup();
    store.failNext(
      'getUser',
      Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' }),
    );
    const response = await call(routes.getUser, { pathParameters: { id: ID } });
    expect(response.statusCode).toBe(500);
    expect(response.json).toMatchObject({ fault: 'caller', errorType: 'CredentialsProviderError' });
  });

  it('answers 503 when DynamoDB cannot be reached at all', async () => {
    const { routes, store } = setup();
    store.failNext('getUser', sdkError('Error', { code: 'ECONNREFUSED', $metadata: { attempts: 3 } }));
    const response = await call(routes.getUser, { pathParameters: { id: ID } });
    expect(response.statusCode).toBe(503);
    expect(response.json).toMatchObject({ fault: 'aws' });
  });
});
