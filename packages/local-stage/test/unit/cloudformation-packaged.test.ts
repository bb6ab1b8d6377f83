import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadPackagedStack,
  type PackagedStack,
  provisioningOrder,
  type ResolveContext,
  resolveOutputs,
  resolveParameters,
  resolveValue,
  stackOrder,
} from '../../src/cloudformation';
import { LocalStageError, TemplateError } from '../../src/errors';
import { stackOf } from '../fixtures/cloudformation/helpers';
import { copySampleService } from '../fixtures/cloudformation/provisioning-stage';

// The packaged sample service (see the fixture; its state file is trimmed).
const API_ID = 'abcdef1234';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cloudformation-packaged-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sampleService = (name: string) => copySampleService(root, name);

/** A context that knows only the resources provisioned so far, as the provisioner's does. */
function provisioningContext(stack: PackagedStack, provisioned: Set<string>): ResolveContext {
  const known = (logicalId: string) => {
    if (!provisioned.has(logicalId)) throw new Error(`${logicalId} is not provisioned yet`);
    return logicalId;
  };
  const physicalIds: Record<string, string> = { ApiGatewayRestApi: API_ID, UsersTable: 'sample-local-users' };
  return {
    stackName: stack.stackName,
    region: stack.region,
    accountId: '000000000000',
    parameters: resolveParameters(stack, {
      readSsm: (name) => (name === '/local/users/api-id' ? 'a1b2c3d4e5' : undefined),
    }),
    ref: (logicalId) => physicalIds[known(logicalId)] ?? `${logicalId}-physical-id`,
    getAtt: (logicalId, attribute) => `arn:aws:fake:us-east-1:000000000000:${known(logicalId)}/${attribute}`,
    importValue: (name) => {
      throw new Error(`no stack exports ${name}`);
    },
  };
}

function provisionAll(stack: PackagedStack) {
  const provisioned = new Set<string>();
  const ctx = provisioningContext(stack, provisioned);
  const properties: Record<string, Record<string, unknown>> = {};
  for (const logicalId of provisioningOrder(stack.template, stack.stackName)) {
    const resource = stack.template.Resources[logicalId];
    properties[logicalId] = resolveValue(resource?.Properties ?? {}, ctx, {
      logicalId,
      path: 'Properties',
    }) as Record<string, unknown>;
    provisioned.add(logicalId);
  }
  return { properties, ctx };
}

interface PolicyProperty {
  PolicyName: string;
  PolicyDocument: { Statement: Array<{ Resource: unknown }> };
}

function intrinsicsLeftIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(intrinsicsLeftIn);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => [
    ...(key === 'Ref' || key.startsWith('Fn::') ? [key] : []),
    ...intrinsicsLeftIn(item),
  ]);
}

describe('the packaged sample service', () => {
  it('loads with its service, stage, region, stack name and one zip per function', () => {
    const dir = sampleService('load');
    const stack = loadPackagedStack(dir);
    expect(stack).toMatchObject({
      service: 'sample',
      stage: 'local',
      region: 'us-east-1',
      stackName: 'sample-local',
      dir,
    });
    const code = stack.template.Resources.GetUserLambdaFunction?.Properties?.Code as { S3Key: string };
    expect(stack.artifacts.get(code.S3Key)).toBe(join(dir, '.serverless', 'getUser.zip'));
    expect([...stack.artifacts.values()].map((path) => path.slice(dir.length))).toEqual([
      '/.serverless/getUser.zip',
      '/.serverless/listUsers.zip',
    ]);
  });

  it('resolves every property of every resource in provisioning order, leaving no intrinsic function', () => {
    const { properties } = provisionAll(loadPackagedStack(sampleService('resolve')));
    expect(Object.keys(properties)).toHaveLength(18);
    expect(intrinsicsLeftIn(properties)).toEqual([]);
  });

  it('resolves the values a caller depends on: the URL, the API id, the IAM resources', () => {
    const { properties } = provisionAll(loadPackagedStack(sampleService('values')));
    expect(properties.UrlParameter).toEqual({
      Name: '/local/sample/url',
      Type: 'String',
      Value: `https://${API_ID}.execute-api.us-east-1.amazonaws.com/local`,
    });
    expect(properties.ApiIdParameter).toMatchObject({ Name: '/local/sample/api-id', Value: API_ID });
    const [policy] = (properties.IamRoleLambdaExecution?.Policies ?? []) as PolicyProperty[];
    expect(policy?.PolicyName).toBe('sample-local-lambda');
    expect(policy?.PolicyDocument.Statement.map((statement) => statement.Resource)).toEqual([
      ['arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/sample-local*:*'],
      ['arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/sample-local*:*:*'],
      [
        'arn:aws:fake:us-east-1:000000000000:UsersTable/Arn',
        'arn:aws:fake:us-east-1:000000000000:UsersTable/Arn/index/*',
      ],
      'arn:aws:execute-api:us-east-1:000000000000:a1b2c3d4e5/local/GET/users/*',
      'arn:aws:ssm:us-east-1:000000000000:parameter/local/users/url',
    ]);
    expect(properties.GetUserLambdaFunction?.Environment).toEqual({
      Variables: {
        STAGE: 'local',
        TABLE_NAME: 'sample-local-users',
        TABLE_ARN: 'arn:aws:fake:us-east-1:000000000000:UsersTable/Arn',
      },
    });
  });

  it('orders the API tree, permissions and deployment as CloudFormation would', () => {
    const order = provisioningOrder(loadPackagedStack(sampleService('order')).template, 'sample-local');
    const before = (first: string, second: string) =>
      expect(order.indexOf(first)).toBeLessThan(order.indexOf(second));
    before('IamRoleLambdaExecution', 'GetUserLambdaFunction');
    before('UsersTable', 'GetUserLambdaFunction');
    before('GetUserLogGroup', 'GetUserLambdaFunction');
    before('ApiGatewayResourceUsers', 'ApiGatewayResourceUsersIdVar');
    before('GetUserLambdaPermissionApiGateway', 'ApiGatewayMethodUsersIdVarGet');
    before('ApiGatewayMethodUsersIdVarGet', 'ApiGatewayDeployment1795579435286');
    before('ApiGatewayMethodUsersGet', 'ApiGatewayDeployment1795579435286');
    before('ApiGatewayRestApi', 'UrlParameter');
  });

  it('resolves its outputs and export names', () => {
    const stack = loadPackagedStack(sampleService('outputs'));
    const { ctx } = provisionAll(stack);
    const url = `https://${API_ID}.execute-api.us-east-1.amazonaws.com/local`;
    expect(resolveOutputs(stack, ctx)).toEqual({
      outputs: {
        ServerlessDeploymentBucketName: 'ServerlessDeploymentBucket-physical-id',
        ServiceEndpoint: url,
        ServiceUrl: url,
      },
      exports: {
        'sls-sample-local-ServerlessDeploymentBucketName': 'ServerlessDeploymentBucket-physical-id',
        'sls-sample-local-ServiceEndpoint': url,
        'sample-local-url': url,
      },
    });
  });

  it('cannot resolve its parameters before the users API id is in SSM', () => {
    const stack = loadPackagedStack(sampleService('parameters'));
    expect(() => resolveParameters(stack, { readSsm: () => undefined })).toThrow(
      new TemplateError(
        'sample-local',
        undefined,
        undefined,
        'Parameters: [UsersApiId] Unable to fetch parameters [/local/users/api-id] from parameter store for this account: ' +
          '/local/users/api-id does not exist. Provision the stack that creates it first, or override UsersApiId.',
      ),
    );
  });

  it('comes before a stack that reads the API id it publishes, and after users', () => {
    const sample = loadPackagedStack(sampleService('stacks'));
    const caller = stackOf('caller-local', {
      Parameters: {
        SampleApiId: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/local/sample/api-id' },
      },
      Resources: {},
    });
    const users = stackOf('users-local', {
      Resources: {
        ApiId: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/local/users/api-id', Value: 'x' } },
      },
    });
    expect(stackOrder([caller, sample, users]).map((stack) => stack.stackName)).toEqual([
      'users-local',
      'sample-local',
      'caller-local',
    ]);
  });
});

describe('loadPackagedStack on a missing or half-written package', () => {
  const messageOf = (dir: string) => {
    try {
      loadPackagedStack(dir);
    } catch (error) {
      if (error instanceof LocalStageError) return error.message;
      throw error;
    }
    throw new Error('expected a LocalStageError');
  };

  it('says to package a service that was never packaged', () => {
    const dir = join(root, 'never-packaged');
    mkdirSync(dir);
    expect(messageOf(dir)).toBe(
      `${dir} is not packaged: .serverless/serverless-state.json is missing. Run \`npx serverless package --stage local\` there.`,
    );
  });

  it('names the stage of a package whose template was cut short', () => {
    const dir = sampleService('truncated');
    const templatePath = join(dir, '.serverless', 'cloudformation-template-update-stack.json');
    writeFileSync(templatePath, readFileSync(templatePath, 'utf8').slice(0, 500));
    expect(messageOf(dir)).toBe(
      `${dir} is not packaged: .serverless/cloudformation-template-update-stack.json is not valid JSON. Run \`npx serverless package --stage local\` there.`,
    );
  });

  it('names a state file without the service, stage or region', () => {
    const dir = sampleService('no-region');
    writeFileSync(
      join(dir, '.serverless', 'serverless-state.json'),
      JSON.stringify({ service: { service: 'sample', provider: { stage: 'local' } } }),
    );
    expect(messageOf(dir)).toMatch(/serverless-state\.json is incomplete \(.*region/s);
  });

  it('names a missing zip', () => {
    const dir = sampleService('no-zip');
    rmSync(join(dir, '.serverless', 'listUsers.zip'));
    expect(messageOf(dir)).toBe(
      `${dir} is not packaged: the artifact listUsers.zip is missing from .serverless. Run \`npx serverless package --stage local\` there.`,
    );
  });

  it('finds a zip that package.artifact placed outside .serverless', () => {
    const dir = sampleService('custom-artifact');
    const statePath = join(dir, '.serverless', 'serverless-state.json');
    const state = JSON.parse(readFileSync(statePath, 'utf8'));
    state.service.functions.getUser.package.artifact = 'build/getUser.zip';
    writeFileSync(statePath, JSON.stringify(state));
    mkdirSync(join(dir, 'build'));
    renameSync(join(dir, '.serverless', 'getUser.zip'), join(dir, 'build', 'getUser.zip'));
    const artifacts = [...loadPackagedStack(dir).artifacts.values()];
    expect(artifacts).toEqual([join(dir, 'build', 'getUser.zip'), join(dir, '.serverless', 'listUsers.zip')]);
    expect(artifacts.every((path) => existsSync(path))).toBe(true);
  });
});
