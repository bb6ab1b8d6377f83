import {
  buildProxyEvent,
  type MatchedRoute,
  type RestApiDefinition,
  type RestApiRouter,
  toHttpResponse,
  withIntegrationTimeout,
} from '../apigateway';
import { AwsError } from '../errors';
import { executeApiArn } from '../iam';
import type { LambdaRuntime } from '../lambda';
import { hasSignature, type VerifiedRequest } from '../sigv4';
import type { ReceivedRequest } from '../types';
import { type Answer, restErrorAnswer } from './answers';
import { authenticate, authorize, type GuardDeps } from './guard';
import { headerValue } from './received';

/** A REST API deployed to a stage, as the stage serves it. */
export interface DeployedApi {
  definition: RestApiDefinition;
  router: RestApiRouter;
  /** Functions whose resource policy lets API Gateway invoke them (AWS::Lambda::Permission). */
  invocableFunctions: Set<string>;
}

export interface ExecuteApiDeps extends GuardDeps {
  accountId: string;
  apis: ReadonlyMap<string, DeployedApi>;
  lambda: Pick<LambdaRuntime, 'invoke'>;
}

/** API Gateway's answer for an unknown route, and for a protected one called without a signature. */
export const missingAuthenticationToken = () =>
  new AwsError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');

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
      throw new AwsError(500, 'InternalServerErrorException', 'Internal server error');
    }
    return await invoke(request, requestId, call, verified, deps);
  } catch (error) {
    if (error instanceof AwsError) return restErrorAnswer(error);
    throw error;
  }
}

function routeCall(request: ReceivedRequest, deps: ExecuteApiDeps): ApiCall {
  const [rawPath = '/', rawQuery = ''] = splitTarget(request.target);
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
  const resource = executeApiArn({
    region: deps.region,
    accountId: deps.accountId,
    apiId: call.api.definition.apiId,
    stage: call.stage,
    method: request.method,
    path: call.path,
  });
  authorize(verified.principal, [{ action: 'execute-api:Invoke', resource }], request, deps, 'execute-api');
  return verified;
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
  if (!functionName || !call.api.invocableFunctions.has(functionName)) {
    throw new AwsError(500, 'InternalServerErrorException', 'Internal server error');
  }
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
    domainName: headerValue(request, 'host') ?? '127.0.0.1',
    requestId,
    now: deps.now(),
  });
  const result = await withIntegrationTimeout(deps.lambda.invoke(functionName, event, { requestId }));
  const answer = toHttpResponse(result, requestId);
  return { statusCode: answer.statusCode, headers: answer.headers, body: answer.body };
}

function splitTarget(target: string): [string, string] {
  const at = target.indexOf('?');
  return at === -1 ? [target, ''] : [target.slice(0, at), target.slice(at + 1)];
}
