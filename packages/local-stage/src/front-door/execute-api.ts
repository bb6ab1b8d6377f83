import { validateHeaderName, validateHeaderValue } from 'node:http';
import {
  buildProxyEvent,
  type MatchedRoute,
  type RestApiDefinition,
  type RestApiMethod,
  type RestApiRouter,
  toHttpResponse,
  withIntegrationTimeout,
} from '../apigateway';
import { AwsError } from '../errors';
import { executeApiArn } from '../iam';
import type { LambdaRuntime } from '../lambda';
import { hasSignature, type VerifiedRequest } from '../sigv4';
import { firstHeader, splitTarget } from '../sigv4/raw-request';
import type { ReceivedRequest } from '../types';
import { type Answer, restErrorAnswer } from './answers';
import { authenticate, authorize, authorizeAnonymous, type GuardDeps, restApiTarget } from './guard';

/** What a MOCK integration answers (serverless's CORS preflight): a status and literal headers. */
export interface MockResponse {
  statusCode: number;
  headers: Record<string, string>;
}

/** A REST API deployed to a stage, as the stage serves it. */
export interface DeployedApi {
  definition: RestApiDefinition;
  router: RestApiRouter;
  /** Functions whose resource policy lets API Gateway invoke them (AWS::Lambda::Permission). */
  invocableFunctions: Set<string>;
  /** The answers of the API's MOCK integrations, by method. */
  mockResponses?: ReadonlyMap<RestApiMethod, MockResponse>;
}

export interface ExecuteApiDeps extends GuardDeps {
  accountId: string;
  apis: ReadonlyMap<string, DeployedApi>;
  lambda: Pick<LambdaRuntime, 'invoke'>;
}

/** API Gateway's answer for an unknown route, and for a protected one called without a signature. */
export const missingAuthenticationToken = () =>
  new AwsError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');

/** API Gateway's answer when it cannot reach the integration; the cause goes only to its logs. */
export const internalServerError = () =>
  new AwsError(500, 'InternalServerErrorException', 'Internal server error');

interface ApiCall {
  api: DeployedApi;
  stage: string;
  path: string;
  rawQuery: string;
  route: MatchedRoute;
}

/**
 * One call to `{endpoint}/{apiId}/{stage}/{path}`, the local form of
 * `https://{apiId}.execute-api.{region}.amazonaws.com/{stage}/{path}`: route, authenticate and
 * authorize as an `AWS_IAM` method does, then invoke the function with a proxy event.
 */
export async function handleExecuteApi(
  request: ReceivedRequest,
  requestId: string,
  deps: ExecuteApiDeps,
): Promise<Answer> {
  try {
    const call = routeCall(request, deps);
    let verified: VerifiedRequest | undefined;
    if (call.route.method.authorizationType === 'AWS_IAM') {
      verified = authorizeCall(request, call, deps);
    } else if (call.route.method.authorizationType !== 'NONE') {
      throw internalServerError();
    } else {
      const target = restApiTarget(call.api.definition, deps.accountId);
      authorizeAnonymous(methodArn(request, call, deps), request, deps, target);
    }
    const mock = call.api.mockResponses?.get(call.route.method);
    return mock ? mockAnswer(mock) : await invoke(request, requestId, call, verified, deps);
  } catch (error) {
    if (error instanceof AwsError) return restErrorAnswer(error);
    throw error;
  }
}

function routeCall(request: ReceivedRequest, deps: ExecuteApiDeps): ApiCall {
  const { path: rawPath, query: rawQuery } = splitTarget(request.target);
  const [, apiId, stage, ...rest] = rawPath.split('/');
  const api = apiId ? deps.apis.get(apiId) : undefined;
  if (!api || stage !== api.definition.stageName) throw missingAuthenticationToken();
  // API Gateway routes, and hands the function, the path still percent-encoded as sent.
  const path = `/${rest.join('/')}`;
  const route = api.router.match(path, request.method);
  if (!route) throw missingAuthenticationToken();
  return { api, stage, path, rawQuery, route };
}

function authorizeCall(request: ReceivedRequest, call: ApiCall, deps: ExecuteApiDeps): VerifiedRequest {
  if (!hasSignature(request)) throw missingAuthenticationToken();
  const verified = authenticate(request, 'execute-api', deps);
  const resource = methodArn(request, call, deps);
  const target = restApiTarget(call.api.definition, deps.accountId);
  authorize(
    verified.principal,
    [{ action: 'execute-api:Invoke', resource }],
    request,
    deps,
    'execute-api',
    target,
  );
  return verified;
}

function methodArn(request: ReceivedRequest, call: ApiCall, deps: ExecuteApiDeps): string {
  return executeApiArn({
    region: deps.region,
    accountId: deps.accountId,
    apiId: call.api.definition.apiId,
    stage: call.stage,
    method: request.method,
    path: call.path,
  });
}

async function invoke(
  request: ReceivedRequest,
  requestId: string,
  call: ApiCall,
  verified: VerifiedRequest | undefined,
  deps: ExecuteApiDeps,
): Promise<Answer> {
  const functionName = call.route.method.integration.functionName;
  // Without a permission for apigateway.amazonaws.com, API Gateway cannot invoke the function.
  if (!functionName || !call.api.invocableFunctions.has(functionName)) throw internalServerError();
  const event = buildProxyEvent({
    api: call.api.definition,
    route: call.route,
    method: request.method,
    path: call.path,
    rawQuery: call.rawQuery,
    headers: request.headers,
    body: request.body,
    sourceIp: request.sourceIp,
    principal: verified?.principal,
    accessKeyId: verified?.accessKeyId,
    domainName: firstHeader(request, 'host') ?? '127.0.0.1',
    requestId,
    now: deps.now(),
  });
  const result = await withIntegrationTimeout(deps.lambda.invoke(functionName, event, { requestId }));
  const answer = toHttpResponse(result, requestId, {
    binaryMediaTypes: call.api.definition.binaryMediaTypes,
    accept: firstHeader(request, 'accept'),
  });
  if (sendable(answer.headers)) return answer;
  // A header HTTP cannot carry (`"bad name"`, a line break in a value) makes the proxy response
  // malformed; API Gateway answers it with 502 as it does any other.
  return toHttpResponse({ ok: true, payload: null, durationMs: result.durationMs }, requestId);
}

/** A MOCK integration's answer; its mapping template is not run, so the body is empty. */
function mockAnswer(mock: MockResponse): Answer {
  const headers = { 'Content-Type': 'application/json', ...mock.headers };
  return { statusCode: mock.statusCode, headers, body: Buffer.alloc(0) };
}

function sendable(headers: Record<string, string[]>): boolean {
  try {
    for (const [name, values] of Object.entries(headers)) {
      validateHeaderName(name);
      for (const value of values) validateHeaderValue(name, value);
    }
    return true;
  } catch {
    return false;
  }
}
