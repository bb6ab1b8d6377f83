/**
 * Test support for handlers built with `jsonHandler`: the events API Gateway hands a Lambda, a way
 * to invoke a handler and read its JSON answer, a logger that keeps its lines, and the tests every
 * JSON POST route owes (itRefusesMalformedJsonBodies). Import it as
 * `@internal-apis/lambda-http/testing` from unit tests only; the package's main entry does not
 * re-export it, so no handler bundle carries it.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyHandler, Context } from 'aws-lambda';
import { HttpError } from './errors';
import { createJsonLogger, type Logger } from './logger';
import { DEFAULT_MAX_BODY_BYTES } from './parse-json-body';

/** Who signed a request, as API Gateway's `AWS_IAM` authorizer puts it in `requestContext.identity`. */
export interface IamIdentity {
  userArn: string;
  caller: string;
  accessKey?: string;
}

/** The caller of every test event unless a test names another: the orders function's role. */
export const TEST_IDENTITY: IamIdentity = {
  userArn: 'arn:aws:sts::123456789012:assumed-role/orders-local/orders-create',
  caller: 'AROAEXAMPLE:orders-create',
  accessKey: 'ASIAEXAMPLEACCESSKEY',
};

/**
 * The `requestContext` of a SigV4-signed call that API Gateway's `AWS_IAM` authorizer let through.
 *
 * @example
 * const event = proxyEvent({ requestContext: iamRequestContext({ userArn, caller: 'AROAEXAMPLE:web' }) });
 */
export function iamRequestContext(
  identity: IamIdentity = TEST_IDENTITY,
  requestId = 'apigw-request-1',
): APIGatewayProxyEvent['requestContext'] {
  // Only the fields a handler reads; the real context carries many more.
  return { requestId, identity } as APIGatewayProxyEvent['requestContext'];
}

/**
 * A proxy event as API Gateway (REST, `AWS_IAM` authorizer) hands it to the Lambda: `GET /`,
 * signed by TEST_IDENTITY, with `overrides` on top.
 *
 * @example
 * const event = proxyEvent({ path: '/orders/42', resource: '/orders/{id}', pathParameters: { id: '42' } });
 */
export function proxyEvent(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    httpMethod: 'GET',
    path: '/',
    resource: '/',
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: iamRequestContext(),
    ...overrides,
  };
}

/**
 * A signed POST of `body` as JSON (a string body is sent as is, to test malformed ones).
 *
 * @example
 * const event = jsonPost('/orders', { userId: '42' }, { 'Content-Type': 'text/plain' });
 */
export function jsonPost(
  path: string,
  body: unknown,
  headers: Record<string, string> = { 'Content-Type': 'application/json' },
): APIGatewayProxyEvent {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return proxyEvent({ httpMethod: 'POST', path, resource: path, headers, body: text });
}

/**
 * The Lambda context fields a handler reads. `remainingTimeMs` stands for Lambda's
 * `getRemainingTimeInMillis()`; without it the invocation has no time limit.
 *
 * @example
 * await handler(proxyEvent(), lambdaContext(), () => undefined);
 * const lateInTheInvocation = lambdaContext('lambda-request-2', { remainingTimeMs: () => 800 });
 */
export function lambdaContext(
  awsRequestId = 'lambda-request-1',
  options: { remainingTimeMs?: () => number } = {},
): Context {
  const clock = options.remainingTimeMs ? { getRemainingTimeInMillis: options.remainingTimeMs } : {};
  return { awsRequestId, ...clock } as Context;
}

/** A handler's answer with its JSON body parsed. */
export interface JsonResponse {
  statusCode: number;
  headers: Record<string, unknown>;
  body: Record<string, unknown>;
}

/**
 * Invokes a proxy handler as Lambda would and parses its JSON answer.
 *
 * @example
 * const response = await invoke(createOrderHandler({ orders }), jsonPost('/orders', order));
 * expect(response).toMatchObject({ statusCode: 201, body: { id: expect.any(String) } });
 */
export async function invoke(
  handler: APIGatewayProxyHandler,
  event: APIGatewayProxyEvent,
  context: Context = lambdaContext(),
): Promise<JsonResponse> {
  const result = await handler(event, context, () => undefined);
  if (!result) throw new Error('the handler returned nothing');
  return { statusCode: result.statusCode, headers: { ...result.headers }, body: JSON.parse(result.body) };
}

/**
 * An error shaped as the AWS SDK v3 throws it: `name` is AWS's error code, `$metadata` carries the
 * HTTP status and the request id, `$fault` says whose side failed.
 *
 * @example
 * db.failure = awsSdkError('AccessDeniedException', { status: 400 });
 */
export function awsSdkError(
  name: string,
  options: { status?: number; fault?: 'client' | 'server'; message?: string } = {},
): Error {
  const status = options.status ?? 400;
  return Object.assign(new Error(options.message ?? `${name} (from AWS)`), {
    name,
    $fault: options.fault ?? (status >= 500 ? 'server' : 'client'),
    $metadata: { httpStatusCode: status, requestId: 'AWSREQUEST1', attempts: 1 },
  });
}

/** A body `parseJsonBody` refuses whatever the route's schema, and the answer the route gives. */
export interface RejectedJsonBody {
  description: string;
  body: unknown;
  headers?: Record<string, string>;
  expected: { statusCode: number; body?: Record<string, unknown> };
}

/**
 * The bodies every JSON route refuses before doing any work: malformed JSON (400), over the 64 KiB
 * default limit (413), not declared as JSON (415). `valid` is a body the route would accept.
 *
 * @example
 * for (const { body, headers, expected } of rejectedJsonBodies({ userId: '42' })) {
 *   expect(await invoke(handler, jsonPost('/orders', body, headers))).toMatchObject(expected);
 * }
 */
export function rejectedJsonBodies(valid: Record<string, unknown>): RejectedJsonBody[] {
  return [
    {
      description: 'a body that is not JSON',
      body: '{"userId":',
      expected: { statusCode: 400, body: { message: 'Request body is not valid JSON' } },
    },
    {
      description: 'a body over 64 KiB',
      body: { ...valid, padding: 'x'.repeat(DEFAULT_MAX_BODY_BYTES) },
      expected: { statusCode: 413 },
    },
    {
      description: 'a body that is not declared as JSON',
      body: valid,
      headers: { 'Content-Type': 'text/plain' },
      expected: { statusCode: 415 },
    },
  ];
}

/** A JSON POST route under test: `post` sends a body, `written` is what it has stored so far. */
export interface JsonPostRoute {
  post(body: unknown, headers?: Record<string, string>): Promise<JsonResponse>;
  written: readonly unknown[];
}

/**
 * A JsonPostRoute over `handler`, posting JSON to `path`; `written` is the route's store as the test sees it.
 *
 * @example
 * const route = jsonPostRoute(createOrderHandler({ orders }), '/orders', db.commands);
 * expect(await route.post({ userId: '42' })).toMatchObject({ statusCode: 201 });
 */
export function jsonPostRoute(
  handler: APIGatewayProxyHandler,
  path: string,
  written: readonly unknown[],
): JsonPostRoute {
  return { post: (body, headers) => invoke(handler, jsonPost(path, body, headers)), written };
}

/**
 * Declares one test per rejectedJsonBodies case: the route answers it as `parseJsonBody` does and
 * stores nothing. `setup` builds a fresh route for each test.
 *
 * @example
 * describe('POST /orders', () => {
 *   itRefusesMalformedJsonBodies(validOrder, () => {
 *     const db = new FakeDocumentClient();
 *     const orders = createOrders({ tableName: 'orders-test', documentClient: db });
 *     return jsonPostRoute(createOrderHandler({ orders }), '/orders', db.commands);
 *   });
 * });
 */
export function itRefusesMalformedJsonBodies(
  valid: Record<string, unknown>,
  setup: () => JsonPostRoute,
): void {
  it.each(rejectedJsonBodies(valid))(
    'answers $expected.statusCode for $description, and stores nothing',
    async ({ body, headers, expected }) => {
      const { post, written } = setup();
      expect(await post(body, headers)).toMatchObject(expected);
      expect(written).toEqual([]);
    },
  );
}

/** A Logger that keeps its lines instead of printing them; `write` is its sink, for other loggers. */
export interface RecordingLogger extends Logger {
  /** Every line, parsed. */
  lines: Array<Record<string, unknown>>;
  /** Every line as written. */
  raw: string[];
  write(line: string): void;
}

/**
 * The JSON logger (redaction included) writing to memory, so tests stay quiet and can read the log.
 *
 * @example
 * const logger = recordingLogger();
 * await invoke(pingHandler({ logger }), proxyEvent());
 * expect(logger.lines).toEqual([expect.objectContaining({ message: 'request', status: 200 })]);
 */
export function recordingLogger(): RecordingLogger {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const write = (line: string) => {
    raw.push(line);
    lines.push(JSON.parse(line) as Record<string, unknown>);
  };
  return { ...createJsonLogger({ write }), lines, raw, write };
}

/**
 * The HttpError that `run` throws; fails the test if it throws nothing or something else.
 *
 * @example
 * expect(caught(() => parseJsonBody(proxyEvent({ body: '{' }), schema)).statusCode).toBe(400);
 */
export function caught(run: () => unknown): HttpError {
  try {
    run();
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected an HttpError');
}
