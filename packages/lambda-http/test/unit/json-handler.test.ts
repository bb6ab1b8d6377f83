import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import {
  BadGatewayError,
  type HttpResult,
  jsonHandler,
  MisconfiguredServiceError,
  NotFoundError,
  type RequestContext,
  remainingInvocationTimeMs,
} from '../../src';
import { lambdaContext, proxyEvent, recordingLogger } from '../../src/testing';

/** The request the route under test serves: `GET /users/42`, signed by TEST_IDENTITY. */
const getUser42 = (overrides: Partial<APIGatewayProxyEvent> = {}) =>
  proxyEvent({ path: '/users/42', resource: '/users/{id}', ...overrides });

async function invoke(
  handle: (event: APIGatewayProxyEvent, ctx: RequestContext) => Promise<HttpResult>,
  event = getUser42(),
) {
  const logger = recordingLogger();
  const handler = jsonHandler('GET /users/{id}', handle, { logger });
  const response = (await handler(event, lambdaContext(), () => undefined)) as APIGatewayProxyResult;
  return { response, lines: logger.lines, raw: logger.raw };
}

describe('jsonHandler', () => {
  it('serializes the result as JSON with its status and headers', async () => {
    const { response } = await invoke(async () => ({
      statusCode: 201,
      body: { id: '42' },
      headers: { location: '/users/42' },
    }));
    expect(response).toEqual({
      statusCode: 201,
      headers: { 'content-type': 'application/json', location: '/users/42' },
      body: '{"id":"42"}',
    });
  });

  it('sends an empty body without a content type when the result has none', async () => {
    const { response } = await invoke(async () => ({ statusCode: 204 }));
    expect(response).toEqual({ statusCode: 204, headers: {}, body: '' });
  });

  it('gives the route the request id and the IAM caller', async () => {
    let seen: RequestContext | undefined;
    await invoke(async (_event, ctx) => {
      seen = ctx;
      return { statusCode: 200 };
    });
    expect(seen?.requestId).toBe('apigw-request-1');
    expect(seen?.caller).toEqual({
      userArn: 'arn:aws:sts::123456789012:assumed-role/orders-local/orders-create',
      caller: 'AROAEXAMPLE:orders-create',
    });
  });

  it('writes exactly one structured line per request with the identity and timing', async () => {
    const { lines } = await invoke(async () => ({ statusCode: 200, body: {} }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEqual({
      level: 'info',
      message: 'request',
      route: 'GET /users/{id}',
      requestId: 'apigw-request-1',
      awsRequestId: 'lambda-request-1',
      method: 'GET',
      path: '/users/42',
      status: 200,
      durationMs: expect.any(Number),
      caller: 'AROAEXAMPLE:orders-create',
      userArn: 'arn:aws:sts::123456789012:assumed-role/orders-local/orders-create',
    });
  });

  it('never logs headers, access keys, session tokens or signatures', async () => {
    const event = getUser42({
      headers: {
        Authorization: 'AWS4-HMAC-SHA256 Credential=ASIAEXAMPLEACCESSKEY/20250101/us-east-1/execute-api',
        'X-Amz-Security-Token': 'SESSION-TOKEN-SECRET',
      },
      queryStringParameters: { 'X-Amz-Signature': 'deadbeefsignature' },
    });
    const { raw } = await invoke(async (_event, ctx) => {
      ctx.log.info('inside', {
        authorization: 'AWS4-HMAC-SHA256 leaked',
        sessionToken: 'SESSION-TOKEN-SECRET',
      });
      return { statusCode: 200 };
    }, event);
    const all = raw.join('\n');
    for (const secret of [
      'AWS4-HMAC-SHA256',
      'ASIAEXAMPLEACCESSKEY',
      'SESSION-TOKEN-SECRET',
      'deadbeefsignature',
    ]) {
      expect(all).not.toContain(secret);
    }
  });

  it('tags lines written through ctx.log with the route and request id', async () => {
    const { lines } = await invoke(async (_event, ctx) => {
      ctx.log.info('user created', { userId: '42' });
      return { statusCode: 201 };
    });
    expect(lines[0]).toEqual({
      level: 'info',
      message: 'user created',
      route: 'GET /users/{id}',
      requestId: 'apigw-request-1',
      userId: '42',
    });
  });

  it('answers an HttpError with its status and {message, ...details}', async () => {
    const { response, lines } = await invoke(async () => {
      throw new NotFoundError('User 42 not found', { id: '42' });
    });
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body)).toEqual({ message: 'User 42 not found', id: '42' });
    expect(lines[0]).toMatchObject({ level: 'info', status: 404, errorType: 'NotFoundError' });
  });

  it('does not let details replace the message', async () => {
    const { response } = await invoke(async () => {
      throw new NotFoundError('User 42 not found', { message: 'something else' });
    });
    expect(JSON.parse(response.body)).toEqual({ message: 'User 42 not found' });
  });

  it('logs the cause of an upstream 5xx HttpError at error level', async () => {
    const { response, lines } = await invoke(async () => {
      const cause = new Error('connect ECONNREFUSED');
      cause.name = 'UsersUnavailableError';
      throw new BadGatewayError('users failed', { upstream: { callee: 'users' } }, { cause });
    });
    expect(response.statusCode).toBe(502);
    expect(JSON.parse(response.body)).toEqual({ message: 'users failed', upstream: { callee: 'users' } });
    expect(lines[0]).toMatchObject({
      level: 'error',
      status: 502,
      errorType: 'BadGatewayError',
      causeType: 'UsersUnavailableError',
      causeMessage: 'connect ECONNREFUSED',
    });
  });

  it('turns any other error into a 500 with the request id, logging its stack but not its message to the caller', async () => {
    const { response, lines } = await invoke(async () => {
      throw new TypeError('cannot read properties of undefined (internal detail)');
    });
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual({
      message: 'Internal server error',
      requestId: 'apigw-request-1',
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'error',
      message: 'request',
      status: 500,
      errorType: 'TypeError',
      errorMessage: 'cannot read properties of undefined (internal detail)',
    });
    expect(lines[0]?.stack).toEqual(expect.stringContaining('TypeError'));
  });

  it('turns a thrown non-Error into a 500 as well', async () => {
    const { response } = await invoke(async () => {
      throw 'a string';
    });
    expect(response.statusCode).toBe(500);
  });

  it('answers a MisconfiguredServiceError with a 500 that says what is wrong, logged at error level', async () => {
    const { response, lines } = await invoke(async () => {
      const cause = new Error('Unable to find environment variable credentials.');
      throw new MisconfiguredServiceError(
        'This service cannot load its AWS credentials',
        { fault: 'caller' },
        { cause },
      );
    });
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual({
      message: 'This service cannot load its AWS credentials',
      fault: 'caller',
    });
    expect(lines[0]).toMatchObject({
      level: 'error',
      errorType: 'MisconfiguredServiceError',
      causeMessage: 'Unable to find environment variable credentials.',
    });
  });

  it('lets the route, and the clients it calls, read the time the invocation has left', async () => {
    const logger = recordingLogger();
    let left = 7_000;
    const seen: Array<number | undefined> = [];
    const handler = jsonHandler(
      'GET /users/{id}',
      async (_event, ctx) => {
        seen.push(ctx.remainingTimeMs());
        left -= 2_500;
        // A client kept by the container, called deep inside the route, after an await.
        await Promise.resolve();
        seen.push(remainingInvocationTimeMs());
        return { statusCode: 200 };
      },
      { logger },
    );

    await handler(
      getUser42(),
      lambdaContext('lambda-request-1', { remainingTimeMs: () => left }),
      () => undefined,
    );

    expect(seen).toEqual([7_000, 4_500]);
    expect(remainingInvocationTimeMs()).toBeUndefined();
  });

  it('keeps concurrent invocations’ clocks apart', async () => {
    const handler = jsonHandler(
      'GET /users/{id}',
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return { statusCode: 200, body: { left: remainingInvocationTimeMs() } };
      },
      { logger: recordingLogger() },
    );
    const answers = await Promise.all(
      [1_000, 2_000, 3_000].map((ms) =>
        handler(getUser42(), lambdaContext('r', { remainingTimeMs: () => ms }), () => undefined),
      ),
    );
    expect(answers.map((answer) => JSON.parse((answer as APIGatewayProxyResult).body).left)).toEqual([
      1_000, 2_000, 3_000,
    ]);
  });

  it('gives no remaining time when the context has no clock', async () => {
    let seen: number | undefined = -1;
    await invoke(async (_event, ctx) => {
      seen = ctx.remainingTimeMs();
      return { statusCode: 200 };
    });
    expect(seen).toBeUndefined();
  });

  it('falls back to the Lambda request id when the event has no request context', async () => {
    const event = getUser42();
    const { requestContext: _omitted, ...withoutContext } = event;
    const { lines } = await invoke(async () => ({ statusCode: 200 }), withoutContext as APIGatewayProxyEvent);
    expect(lines[0]).toMatchObject({ requestId: 'lambda-request-1', caller: null, userArn: null });
  });
});
