import { functionNameFromIntegrationUri, RestApiRouter } from '../apigateway';
import { TemplateError } from '../errors';
import { apiGatewayId } from '../identity/ids';
import type { ProvisionedResource, ResourceRequest } from './context';
import { localizeUrls, optionalNumber, optionalString, requireString } from './properties';

/** AWS::Lambda::Function: its code unpacked from the packaged zip, run with its role's credentials. */
export async function provisionFunction(request: ResourceRequest): Promise<ProvisionedResource> {
  const { stage, stack } = request;
  const functionName = requireString(request, 'FunctionName');
  const roleArn = requireString(request, 'Role');
  const role = stage.roles.get(roleArn);
  if (!role) throw propertyError(request, 'Role', `role ${roleArn} is not provisioned in this stage`);
  const code = (request.properties.Code ?? {}) as { S3Key?: unknown; ZipFile?: unknown };
  const codeZip = typeof code.S3Key === 'string' ? stack.artifacts.get(code.S3Key) : undefined;
  if (!codeZip)
    throw propertyError(request, 'Code', `no packaged artifact for ${String(code.S3Key ?? 'inline code')}`);
  const variables =
    ((request.properties.Environment ?? {}) as { Variables?: Record<string, unknown> }).Variables ?? {};
  await stage.lambda.deploy({
    functionName,
    handler: requireString(request, 'Handler'),
    codeZip,
    runtime: optionalString(request, 'Runtime') ?? 'nodejs22.x',
    environment: Object.fromEntries(
      Object.entries(variables).map(([key, value]) => [
        key,
        localizeUrls(String(value), stage.endpoint, stage.region),
      ]),
    ),
    timeoutSeconds: optionalNumber(request, 'Timeout') ?? 3,
    memorySize: optionalNumber(request, 'MemorySize') ?? 128,
    region: stage.region,
    accountId: stage.accountId,
    // Lambda names the role session after the function.
    credentials: () => stage.keys.roleSession(role, functionName),
    endpoints: { ssm: stage.endpoint, dynamodb: stage.endpoint },
  });
  const arn = `arn:aws:lambda:${stage.region}:${stage.accountId}:function:${functionName}`;
  return { physicalId: functionName, attributes: { Arn: arn } };
}

/** AWS::Lambda::Permission: only a grant to API Gateway matters here, it lets the function be invoked. */
export function provisionPermission(request: ResourceRequest): ProvisionedResource {
  const functionRef = requireString(request, 'FunctionName');
  const functionName = functionRef.includes(':function:')
    ? (functionRef.split(':function:')[1] ?? '')
    : functionRef;
  if (request.properties.Principal === 'apigateway.amazonaws.com') {
    request.stage.invocableFunctions.add(functionName.split(':')[0] ?? functionName);
  }
  return { physicalId: `${request.stack.stackName}-${request.logicalId}`, attributes: {} };
}

/** AWS::ApiGateway::RestApi: assembled resource by resource until its deployment. */
export function provisionRestApi(request: ResourceRequest): ProvisionedResource {
  const apiId = apiGatewayId();
  const rootId = apiGatewayId();
  request.apisUnderConstruction.set(apiId, {
    apiId,
    name: optionalString(request, 'Name') ?? request.logicalId,
    stageName: '',
    resources: [{ id: rootId }],
    methods: [],
  });
  return { physicalId: apiId, attributes: { RootResourceId: rootId } };
}

export function provisionApiResource(request: ResourceRequest): ProvisionedResource {
  const api = apiOf(request);
  const id = apiGatewayId();
  api.resources.push({
    id,
    parentId: requireString(request, 'ParentId'),
    pathPart: requireString(request, 'PathPart'),
  });
  return { physicalId: id, attributes: { ResourceId: id } };
}

export function provisionApiMethod(request: ResourceRequest): ProvisionedResource {
  const api = apiOf(request);
  const integration = (request.properties.Integration ?? {}) as { Type?: unknown; Uri?: unknown };
  const type = String(integration.Type ?? 'MOCK');
  const uri = typeof integration.Uri === 'string' ? integration.Uri : '';
  if (type !== 'AWS_PROXY')
    throw propertyError(
      request,
      'Integration.Type',
      `${type} integrations are not supported; use AWS_PROXY (lambda-proxy)`,
    );
  api.methods.push({
    resourceId: requireString(request, 'ResourceId'),
    httpMethod: requireString(request, 'HttpMethod').toUpperCase(),
    authorizationType: optionalString(request, 'AuthorizationType') ?? 'NONE',
    integration: { type, uri, functionName: functionNameFromIntegrationUri(uri) },
  });
  return { physicalId: `${api.apiId}-${request.logicalId}`, attributes: {} };
}

/** AWS::ApiGateway::Deployment with a StageName: from here on the API answers calls. */
export function provisionApiDeployment(request: ResourceRequest): ProvisionedResource {
  const api = apiOf(request);
  api.stageName = requireString(request, 'StageName');
  request.stage.apis.set(api.apiId, {
    definition: api,
    router: new RestApiRouter(api),
    invocableFunctions: request.stage.invocableFunctions,
  });
  return { physicalId: apiGatewayId(), attributes: {} };
}

function apiOf(request: ResourceRequest) {
  const apiId = requireString(request, 'RestApiId');
  const api = request.apisUnderConstruction.get(apiId);
  if (!api) throw propertyError(request, 'RestApiId', `REST API ${apiId} is not part of this stack`);
  return api;
}

function propertyError(request: ResourceRequest, property: string, problem: string): TemplateError {
  return new TemplateError(request.stack.stackName, request.logicalId, `Properties.${property}`, problem);
}
