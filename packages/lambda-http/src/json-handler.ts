import type {
  APIGatewayProxyEvent,
  APIGatewayProxyHandler,
  APIGatewayProxyResult,
  Context,
} from 'aws-lambda';
import { HttpError } from './errors';
import { remainingInvocationTimeMs, withinInvocation } from './invocation-time';
import { childLogger, createJsonLogger, type Logger } from './logger';

/** What a route returns; `body` is serialized as JSON, `undefined` sends an empty body. */
export interface HttpResult {
  statusCode: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Who is calling, as API Gateway's `AWS_IAM` authorizer established it, and a request-scoped logger. */
export interface RequestContext {
  requestId: string;
  caller: { userArn: string | null; caller: string | null };
  log: Logger;
  /**
   * Milliseconds before Lambda stops this invocation (`context.getRemainingTimeInMillis()`), undefined
   * when the context has no clock. Clients created with lambda-http's `remainingInvocationTimeMs` read
   * the same value themselves.
   */
  remainingTimeMs: () => number | undefined;
}

export type RouteHandler = (event: APIGatewayProxyEvent, ctx: RequestContext) => Promise<HttpResult>;

/**
 * Wraps a route into a Lambda proxy handler: JSON responses, HttpError mapping, and exactly one
 * structured log line per request (never headers, query strings, credentials or signatures).
 *
 * @example
 * export const handler = jsonHandler('GET /users/{id}', async (event, ctx) => {
 *   const { id } = parseInput(event.pathParameters, idSchema, 'path');
 *   return { statusCode: 200, body: await users.get(id) };
 * });
 */
export function jsonHandler(
  route: string,
  handle: RouteHandler,
  options: { logger?: Logger } = {},
): APIGatewayProxyHandler {
  const logger = options.logger ?? createJsonLogger();
  return async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    const started = performance.now();
    const requestId = event.requestContext?.requestId ?? context.awsRequestId;
    const caller = callerOf(event);
    const log = childLogger(logger, { route, requestId });
    // The route runs inside the invocation, so clients kept by the container see its remaining time.
    const outcome = await withinInvocation(context, () =>
      run(handle, event, { requestId, caller, log, remainingTimeMs: remainingInvocationTimeMs }),
    );
    const fields = {
      route,
      requestId,
      awsRequestId: context.awsRequestId,
      method: event.httpMethod,
      // event.path only: the query string may carry a presigned SigV4 signature.
      path: event.path,
      status: outcome.response.statusCode,
      durationMs: Math.round(performance.now() - started),
      caller: caller.caller,
      userArn: caller.userArn,
      ...outcome.errorFields,
    };
    if (outcome.response.statusCode >= 500) logger.error('request', fields);
    else logger.info('request', fields);
    return outcome.response;
  };
}

interface Outcome {
  response: APIGatewayProxyResult;
  errorFields?: Record<string, unknown>;
}

async function run(handle: RouteHandler, event: APIGatewayProxyEvent, ctx: RequestContext): Promise<Outcome> {
  try {
    return { response: toResponse(await handle(event, ctx)) };
  } catch (error) {
    if (error instanceof HttpError) {
      return {
        response: toResponse({ statusCode: error.statusCode, body: error.toBody() }),
        errorFields: { errorType: error.name, ...causeFields(error) },
      };
    }
    // A bug path: validation must turn every bad input into a 4xx before it gets here.
    const unexpected = error instanceof Error ? error : new Error(String(error));
    return {
      response: toResponse({
        statusCode: 500,
        body: { message: 'Internal server error', requestId: ctx.requestId },
      }),
      errorFields: { errorType: unexpected.name, errorMessage: unexpected.message, stack: unexpected.stack },
    };
  }
}

// Upstream failures (502/503/504) are wrapped HttpErrors; their cause says what actually went wrong.
function causeFields(error: HttpError): Record<string, unknown> {
  if (error.statusCode < 500 || !(error.cause instanceof Error)) return {};
  return { errorMessage: error.message, causeType: error.cause.name, causeMessage: error.cause.message };
}

function toResponse(result: HttpResult): APIGatewayProxyResult {
  if (result.body === undefined) {
    return { statusCode: result.statusCode, headers: { ...result.headers }, body: '' };
  }
  return {
    statusCode: result.statusCode,
    headers: { 'content-type': 'application/json', ...result.headers },
    body: JSON.stringify(result.body),
  };
}

// API Gateway fills requestContext.identity from the verified SigV4 signature (AWS_IAM authorizer).
function callerOf(event: APIGatewayProxyEvent): RequestContext['caller'] {
  const identity = event.requestContext?.identity;
  return { userArn: identity?.userArn ?? null, caller: identity?.caller ?? null };
}
