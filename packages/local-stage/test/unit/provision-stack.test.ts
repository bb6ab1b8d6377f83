import { join } from 'node:path';
import type { Template } from '../../src/cloudformation';
import { TemplateError } from '../../src/errors';
import { type ProvisionedStack, provisionStack } from '../../src/provision/provision-stack';
import { stackOf } from '../fixtures/cloudformation/helpers';
import {
  ACCOUNT,
  ENDPOINT,
  sampleWorkspace,
  USERS_API_ID,
} from '../fixtures/cloudformation/provisioning-stage';

// The packaged sample service (see the fixture) provisioned into a stage around the real dynalite.

const sample = sampleWorkspace('provision-stack-');
const { newStage, sampleStack } = sample;

describe('provisionStack on the packaged sample service', () => {
  let stage: ReturnType<typeof newStage>;
  let provisioned: ProvisionedStack;
  let apiId: string;

  beforeAll(async () => {
    stage = newStage();
    provisioned = await provisionStack(sampleStack('sample'), stage);
    apiId = provisioned.resources.get('ApiGatewayRestApi')?.physicalId ?? '';
  });

  it('creates the role with its inline policy resolved against this stage', () => {
    const role = stage.roles.get(`arn:aws:iam::${ACCOUNT}:role/sample-local-us-east-1-lambdaRole`);
    expect(role?.roleName).toBe('sample-local-us-east-1-lambdaRole');
    const resources = JSON.stringify(role?.policies);
    expect(resources).toContain(`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/sample-local-users/index/*`);
    expect(resources).toContain(`arn:aws:execute-api:us-east-1:${ACCOUNT}:${USERS_API_ID}/local/GET/users/*`);
    expect(resources).toContain(`arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/local/users/url`);
  });

  it('creates the table in dynalite with its key and global secondary index', async () => {
    const { statusCode, output } = await sample.dynamodb.call('DescribeTable', {
      TableName: 'sample-local-users',
    });
    expect(statusCode).toBe(200);
    expect(output.Table).toMatchObject({
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [expect.objectContaining({ IndexName: 'byEmail' })],
    });
  });

  it('publishes SSM parameters with the API URL pointed at the front door', () => {
    expect(apiId).toMatch(/^[a-z0-9]{10}$/);
    expect(stage.ssm.get('/local/sample/url')?.value).toBe(`${ENDPOINT}/${apiId}/local`);
    expect(stage.ssm.get('/local/sample/api-id')?.value).toBe(apiId);
  });

  it('registers the REST API: its routes, AWS_IAM methods and invocable functions', () => {
    const api = stage.apis.get(apiId);
    expect(api?.definition.stageName).toBe('local');
    const route = api?.router.match('/users/42', 'GET');
    expect(route).toMatchObject({
      resourcePath: '/users/{id}',
      pathParameters: { id: '42' },
      method: { authorizationType: 'AWS_IAM', integration: { functionName: 'sample-local-getUser' } },
    });
    expect(api?.router.match('/users', 'GET')?.method.integration.functionName).toBe(
      'sample-local-listUsers',
    );
    expect([...stage.invocableFunctions].sort()).toEqual(['sample-local-getUser', 'sample-local-listUsers']);
  });

  it("deploys each function with its template environment, settings and code, running as its role's session", () => {
    expect(stage.deployed.map((fn) => fn.functionName).sort()).toEqual([
      'sample-local-getUser',
      'sample-local-listUsers',
    ]);
    const getUser = stage.deployed.find((fn) => fn.functionName === 'sample-local-getUser');
    expect(getUser).toMatchObject({
      handler: 'src/handler.getUser',
      runtime: 'nodejs22.x',
      timeoutSeconds: 10,
      memorySize: 256,
      codeZip: join(sample.root, 'sample/.serverless/getUser.zip'),
      environment: {
        STAGE: 'local',
        TABLE_NAME: 'sample-local-users',
        TABLE_ARN: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/sample-local-users`,
      },
      endpoints: { ssm: ENDPOINT, dynamodb: ENDPOINT },
    });
    const credentials = getUser?.credentials();
    expect(credentials?.sessionToken).toBeTruthy();
    expect(stage.keys.lookup(credentials?.accessKeyId ?? '')?.principal.arn).toBe(
      `arn:aws:sts::${ACCOUNT}:assumed-role/sample-local-us-east-1-lambdaRole/sample-local-getUser`,
    );
  });

  it('resolves outputs and exports with URLs pointed at the front door', () => {
    expect(provisioned.outputs.ServiceEndpoint).toBe(`${ENDPOINT}/${apiId}/local`);
    expect(stage.exports.get('sample-local-url')).toBe(`${ENDPOINT}/${apiId}/local`);
    expect(stage.exports.get('sls-sample-local-ServiceEndpoint')).toBe(`${ENDPOINT}/${apiId}/local`);
  });
});

describe('API ids across restarts', () => {
  it('gives a stack the same REST API id, so the same URLs, every time it is provisioned', async () => {
    const first = await provisionStack(sampleStack('restart-a'), newStage());
    const second = await provisionStack(sampleStack('restart-b'), newStage());
    const idOf = (stack: ProvisionedStack) => stack.resources.get('ApiGatewayRestApi')?.physicalId;
    expect(idOf(first)).toMatch(/^[a-z0-9]{10}$/);
    expect(idOf(second)).toBe(idOf(first));
    expect(second.outputs).toEqual(first.outputs);
  });
});

describe('provisionStack refusals', () => {
  it('stops when an SSM-typed parameter names a parameter that does not exist, naming it', async () => {
    const stage = newStage();
    stage.ssm.delete('/local/users/api-id');
    await expect(provisionStack(sampleStack('no-users'), stage)).rejects.toThrow(
      /Unable to fetch parameters \[\/local\/users\/api-id\]/,
    );
  });

  it('stops at a resource type it does not provision, naming the stack and resource', async () => {
    const template: Template = { Resources: { Jobs: { Type: 'AWS::SQS::Queue', Properties: {} } } };
    const failure = provisionStack(stackOf('jobs-local', template), newStage());
    await expect(failure).rejects.toThrow(TemplateError);
    await expect(failure).rejects.toThrow('Stack jobs-local, Jobs.Type: AWS::SQS::Queue is not supported');
  });

  it('names the method whose integration is neither AWS_PROXY nor MOCK', async () => {
    const template = restApiTemplate({ Type: 'HTTP_PROXY', Uri: 'https://example.com' });
    await expect(provisionStack(stackOf('http-local', template), newStage())).rejects.toThrow(
      'Stack http-local, Options.Properties.Integration.Type: HTTP_PROXY integrations are not supported',
    );
  });
});

describe("a CORS preflight (serverless's `cors: true`)", () => {
  it('is served from its MOCK integration: the default response status and literal headers', async () => {
    const stage = newStage();
    const template = restApiTemplate({
      Type: 'MOCK',
      RequestTemplates: { 'application/json': '{statusCode:200}' },
      IntegrationResponses: [
        {
          StatusCode: '200',
          ResponseParameters: {
            'method.response.header.Access-Control-Allow-Origin': "'*'",
            'method.response.header.Access-Control-Allow-Methods': "'OPTIONS,GET'",
          },
        },
      ],
    });
    const provisioned = await provisionStack(stackOf('cors-local', template), stage);
    const api = stage.apis.get(provisioned.resources.get('Api')?.physicalId ?? '');
    const route = api?.router.match('/', 'OPTIONS');
    expect(route && api?.mockResponses?.get(route.method)).toEqual({
      statusCode: 200,
      headers: { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'OPTIONS,GET' },
    });
  });
});

/** A REST API whose root has one OPTIONS method with this integration, deployed to `local`. */
function restApiTemplate(integration: Record<string, unknown>): Template {
  return {
    Resources: {
      Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'api' } },
      Options: {
        Type: 'AWS::ApiGateway::Method',
        Properties: {
          RestApiId: { Ref: 'Api' },
          ResourceId: { 'Fn::GetAtt': ['Api', 'RootResourceId'] },
          HttpMethod: 'OPTIONS',
          AuthorizationType: 'NONE',
          Integration: integration,
        },
      },
      Deployment: {
        Type: 'AWS::ApiGateway::Deployment',
        Properties: { RestApiId: { Ref: 'Api' }, StageName: 'local' },
        DependsOn: ['Options'],
      },
    },
  };
}
