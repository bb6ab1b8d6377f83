import { validateHeaderName, validateHeaderValue } from 'node:http';
import {
  buildProxyEvent,
  checkHeaderSize,
  checkMethodArnLength,
  checkUrlLength,
  endpointTypeOf,
  type GatewayPath,
  gatewayPath,
  type IntegrationResult,
  type MatchedRoute,
  type RestApiDefinition,
  type RestApiMethod,
  type RestApiRouter,
  requestIdsFor,
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
  path: GatewayPath;
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
      authorizeOpenCall(request, call, deps);
    }
    const mock = call.api.mockResponses?.get(call.route.method);
    return mock ? mockAnswer(mock) : await invoke(request, requestId, call, verified, deps);
  } catch (error) {
    if (error instanceof AwsError) return restErrorAnswer(error);
    throw error;
  }
}

/**
 * Finds the API, stage and method a request reaches, within API Gateway's quotas. The path is checked
 * once (`gatewayPath`): what is routed here is what the signature covers and what the ARN names.
 */
function routeCall(request: ReceivedRequest, deps: ExecuteApiDeps): ApiCall {
  const { path: rawPath, query: rawQuery } = splitTarget(request.target);
  const [, apiId, stage, ...rest] = rawPath.split('/');
  const api = apiId ? deps.apis.get(apiId) : undefined;
  if (!api || stage !== api.definition.stageName) throw missingAuthenticationToken();
  const endpointType = endpointTypeOf(api.definition);
  checkHeaderSize(request.headers, endpointType);
  const pathAndQuery = `/${stage}/${rest.join('/')}${rawQuery ? `?${rawQuery}` : ''}`;
  checkUrlLength({ apiId: api.definition.apiId, region: deps.region, pathAndQuery }, endpointType);
  // API Gateway routes, and hands the function, the path still percent-encoded as sent.
  const path = gatewayPath(`/${rest.join('/')}`);
  const route = api.router.match(path.raw, request.method);
  if (!route) throw missingAuthenticationToken();
  return { api, stage, path, rawQuery, route };
}

/**
 * Verifies the signature, then authorizes `execute-api:Invoke` on the method ARN. Where the ARN's path
 * could be spelled more than one way (`gatewayPath`), every spelling must be allowed.
 */
function authorizeCall(request: ReceivedRequest, call: ApiCall, deps: ExecuteApiDeps): VerifiedRequest {
  const resources = methodArns(request, call, deps);
  if (!hasSignature(request)) throw missingAuthenticationToken();
  const verified = authenticate(request, 'execute-api', deps);
  const needed = resources.map((resource) => ({ action: 'execute-api:Invoke', resource }));
  const target = restApiTarget(call.api.definition, deps.accountId);
  authorize(verified.principal, needed, request, deps, 'execute-api', target);
  return verified;
}

/** A method without authorization: only a resource policy, if the API has one, can refuse the call. */
function authorizeOpenCall(request: ReceivedRequest, call: ApiCall, deps: ExecuteApiDeps): void {
  const target = restApiTarget(call.api.definition, deps.accountId);
  if (!target.resourcePolicy) return;
  authorizeAnonymous(methodArns(request, call, deps), request, deps, target);
}

/**
 * The method ARNs of a call, one per spelling of its path, each within API Gateway's 1,600-byte limit
 * (which applies wherever an ARN is evaluated: IAM authorization or a resource policy).
 */
function methodArns(request: ReceivedRequest, call: ApiCall, deps: ExecuteApiDeps): string[] {
  const resources = call.path.arnPaths.map((path) =>
    executeApiArn({
      region: deps.region,
      accountId: deps.accountId,
      apiId: call.api.definition.apiId,
      stage: call.stage,
      method: request.method,
      path,
    }),
  );
  checkMethodArnLength(resources);
  return resources;
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
  const ids = requestIdsFor(requestId);
  const event = buildProxyEvent({
    api: call.api.definition,
    route: call.route,
    method: request.method,
    path: call.path.raw,
    rawQuery: call.rawQuery,
    headers: request.headers,
    body: request.body,
    sourceIp: request.sourceIp,
    principal: verified?.principal,
    accessKeyId: verified?.accessKeyId,
    domainName: firstHeader(request, 'host') ?? '127.0.0.1',
    requestId,
    ids,
    now: deps.now(),
  });
  const result = await withIntegrationTimeout(deps.lambda.invoke(functionName, event, { requestId }));
  const answer = toHttpResponse(result, requestId, {
    binaryMediaTypes: call.api.definition.binaryMediaTypes,
    accept: firstHeader(request, 'accept'),
    ids,
  });
  const invocation = { functionName, ...(!result.ok && { errorType: failureType(result) }) };
  if (sendable(answer.headers)) return { ...answer, invocation };
  // A header HTTP cannot carry (`"bad name"`, a line break in a value) makes the proxy response
  // malformed; API Gateway answers it with 502 as it does any other.
  const malformed = toHttpResponse({ ok: true, payload: null, durationMs: result.durationMs }, requestId, {
    ids,
  });
  return { ...malformed, invocation };
}

function failureType(result: Exclude<IntegrationResult, { ok: true }>): string {
  return result.kind === 'integration-timeout' ? 'IntegrationTimeout' : result.errorType;
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
