import { functionNameFromIntegrationUri, type RestApiMethod, RestApiRouter } from '../apigateway';
import type { MockResponse } from '../front-door/execute-api';
import { restApiPolicy } from '../iam';
import { apiGatewayId } from '../identity/ids';
import type { PolicyDocument } from '../types';
import type { ApiUnderConstruction, ProvisionedResource, ResourceRequest } from './context';
import { optionalString, propertyError, requireString } from './properties';

/** AWS::ApiGateway::RestApi: assembled resource by resource until its deployment. */
export function provisionRestApi(request: ResourceRequest): ProvisionedResource {
  const apiId = apiGatewayId(resourceSeed(request));
  const rootId = apiGatewayId(`${resourceSeed(request)}/root`);
  const binaryMediaTypes = request.properties.BinaryMediaTypes;
  const resourcePolicy = resourcePolicyOf(request, apiId);
  const endpointTypes = endpointTypesOf(request);
  request.apisUnderConstruction.set(apiId, {
    definition: {
      apiId,
      name: optionalString(request, 'Name') ?? request.logicalId,
      stageName: '',
      resources: [{ id: rootId }],
      methods: [],
      ...(Array.isArray(binaryMediaTypes) ? { binaryMediaTypes: binaryMediaTypes.map(String) } : {}),
      ...(resourcePolicy ? { resourcePolicy } : {}),
      ...(endpointTypes ? { endpointTypes } : {}),
    },
    mockResponses: new Map(),
  });
  return { physicalId: apiId, attributes: { RootResourceId: rootId } };
}

/**
 * `Policy`, the API's resource policy, evaluated with the caller's policies on every call. serverless
 * writes `Policy: ''` when `provider.apiGateway.resourcePolicy` is not set: no policy. A policy API
 * Gateway would refuse stops provisioning, as it fails the deployment on AWS.
 */
function resourcePolicyOf(request: ResourceRequest, apiId: string): PolicyDocument | undefined {
  const { region, accountId } = request.stage;
  try {
    return restApiPolicy(request.properties.Policy, { region, accountId, apiId });
  } catch (error) {
    throw propertyError(request, 'Policy', error instanceof Error ? error.message : String(error));
  }
}

function endpointTypesOf(request: ResourceRequest): string[] | undefined {
  const types = (request.properties.EndpointConfiguration as { Types?: unknown } | undefined)?.Types;
  return Array.isArray(types) ? types.map((type) => String(type).toUpperCase()) : undefined;
}

export function provisionApiResource(request: ResourceRequest): ProvisionedResource {
  const api = apiOf(request);
  const id = apiGatewayId(resourceSeed(request));
  api.definition.resources.push({
    id,
    parentId: requireString(request, 'ParentId'),
    pathPart: requireString(request, 'PathPart'),
  });
  return { physicalId: id, attributes: { ResourceId: id } };
}

interface IntegrationProperties {
  Type?: unknown;
  Uri?: unknown;
  IntegrationResponses?: unknown;
}

/**
 * AWS::ApiGateway::Method with an AWS_PROXY integration (lambda-proxy), or a MOCK one, which is what
 * serverless writes for a CORS preflight (`cors: true`).
 */
export function provisionApiMethod(request: ResourceRequest): ProvisionedResource {
  const api = apiOf(request);
  const integration = (request.properties.Integration ?? {}) as IntegrationProperties;
  const type = String(integration.Type ?? 'MOCK');
  if (type !== 'AWS_PROXY' && type !== 'MOCK') {
    throw propertyError(
      request,
      'Integration.Type',
      `${type} integrations are not supported; use AWS_PROXY (lambda-proxy)`,
    );
  }
  const uri = typeof integration.Uri === 'string' ? integration.Uri : '';
  const method: RestApiMethod = {
    resourceId: requireString(request, 'ResourceId'),
    httpMethod: requireString(request, 'HttpMethod').toUpperCase(),
    authorizationType: optionalString(request, 'AuthorizationType') ?? 'NONE',
    integration: { type, uri, functionName: type === 'MOCK' ? undefined : lambdaOf(request, uri) },
  };
  api.definition.methods.push(method);
  if (type === 'MOCK') api.mockResponses.set(method, mockResponse(request, integration));
  return { physicalId: `${api.definition.apiId}-${request.logicalId}`, attributes: {} };
}

/** AWS::ApiGateway::Deployment with a StageName: from here on the API answers calls. */
export function provisionApiDeployment(request: ResourceRequest): ProvisionedResource {
  const { definition, mockResponses } = apiOf(request);
  definition.stageName = requireString(request, 'StageName');
  request.stage.apis.set(definition.apiId, {
    definition,
    router: new RestApiRouter(definition),
    invocableFunctions: request.stage.invocableFunctions,
    mockResponses,
  });
  return { physicalId: apiGatewayId(), attributes: {} };
}

function apiOf(request: ResourceRequest): ApiUnderConstruction {
  const apiId = requireString(request, 'RestApiId');
  const api = request.apisUnderConstruction.get(apiId);
  if (!api) throw propertyError(request, 'RestApiId', `REST API ${apiId} is not part of this stack`);
  return api;
}

function lambdaOf(request: ResourceRequest, uri: string): string {
  try {
    return functionNameFromIntegrationUri(uri);
  } catch (error) {
    throw propertyError(request, 'Integration.Uri', error instanceof Error ? error.message : String(error));
  }
}

/**
 * A MOCK integration's answer: the default integration response (the one without SelectionPattern),
 * its status and its literal `'…'` header values. Mapping templates are not run: the body is empty,
 * and serverless's template for several CORS origins leaves the first origin in place.
 */
function mockResponse(request: ResourceRequest, integration: IntegrationProperties): MockResponse {
  const responses = Array.isArray(integration.IntegrationResponses) ? integration.IntegrationResponses : [];
  const chosen = (responses as Array<Record<string, unknown>>).find((response) => !response.SelectionPattern);
  if (!chosen) {
    throw propertyError(
      request,
      'Integration.IntegrationResponses',
      'a MOCK integration needs a default response',
    );
  }
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries((chosen.ResponseParameters ?? {}) as Record<string, unknown>)) {
    const name = /^method\.response\.header\.(.+)$/.exec(key)?.[1];
    const literal = typeof value === 'string' ? /^'(.*)'$/s.exec(value)?.[1] : undefined;
    if (name && literal !== undefined) headers[name] = literal;
  }
  return { statusCode: Number(chosen.StatusCode ?? 200), headers };
}

/** What identifies a resource across restarts: account, region, stack and logical id. */
function resourceSeed(request: ResourceRequest): string {
  const { stage, stack, logicalId } = request;
  return `${stage.accountId}/${stage.region}/${stack.stackName}/${logicalId}`;
}
