import type { Template } from '../../src/cloudformation';
import { TemplateError } from '../../src/errors';
import { decide } from '../../src/iam';
import { KeyRing } from '../../src/identity/key-ring';
import { provisionStack } from '../../src/provision/provision-stack';
import { stackOf } from '../fixtures/cloudformation/helpers';
import { ACCOUNT, provisioningStage } from '../fixtures/cloudformation/provisioning-stage';

const ISSUED = new Date('2026-01-01T00:00:00.000Z');

/** A stage for IAM and REST API resources only: nothing here reaches DynamoDB or Lambda. */
const newStage = () =>
  provisioningStage({ keys: new KeyRing(ACCOUNT, { now: () => ISSUED }), usersApiId: null });

const allow = (Action: string | string[], Resource = '*') => ({ Effect: 'Allow', Action, Resource });
const documentOf = (...Statement: unknown[]) => ({ Version: '2012-10-17', Statement });

/** A role with a boundary, managed policies attached three ways, and two ARNs the stage does not know. */
const ordersTemplate: Template = {
  Resources: {
    Boundary: {
      Type: 'AWS::IAM::ManagedPolicy',
      Properties: {
        ManagedPolicyName: 'orders-boundary',
        PolicyDocument: documentOf(allow(['ssm:*', 'logs:*'])),
      },
    },
    ReadUrl: {
      Type: 'AWS::IAM::ManagedPolicy',
      Properties: {
        ManagedPolicyName: 'read-users-url',
        Path: '/orders/',
        PolicyDocument: documentOf(allow('ssm:GetParameter', 'arn:aws:ssm:*:*:parameter/local/users/url')),
      },
    },
    Role: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: 'orders-role',
        Path: '/service/',
        Policies: [{ PolicyName: 'inline', PolicyDocument: documentOf(allow('dynamodb:PutItem')) }],
        ManagedPolicyArns: [
          { Ref: 'ReadUrl' },
          'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
          'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
        ],
        PermissionsBoundary: { Ref: 'Boundary' },
        Tags: [{ Key: 'team', Value: 'orders' }],
      },
    },
    WriteNotes: {
      Type: 'AWS::IAM::ManagedPolicy',
      Properties: { Roles: [{ Ref: 'Role' }], PolicyDocument: documentOf(allow('ssm:PutParameter')) },
    },
  },
};

describe('Permissions boundaries and managed policies, as provisioned from a template', () => {
  it('attaches managed policies named by ManagedPolicyArns, by Roles, and the AWS managed ones the stage knows', async () => {
    const stage = newStage();
    await provisionStack(stackOf('orders-local', ordersTemplate), stage);
    const role = stage.roles.get(`arn:aws:iam::${ACCOUNT}:role/service/orders-role`);
    expect(role?.policies.map((policy) => policy.name)).toEqual([
      'inline',
      'read-users-url',
      'AWSLambdaBasicExecutionRole',
      expect.stringMatching(/^orders-local-WriteNotes-/),
    ]);
    expect(role?.permissionsBoundary?.name).toBe('orders-boundary');
    expect(role?.tags).toEqual({ team: 'orders' });
  });

  it('gives a managed policy its ARN, path included, as Ref and PolicyArn', async () => {
    const provisioned = await provisionStack(stackOf('orders-local', ordersTemplate), newStage());
    expect(provisioned.resources.get('ReadUrl')).toMatchObject({
      physicalId: `arn:aws:iam::${ACCOUNT}:policy/orders/read-users-url`,
      attributes: { PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/orders/read-users-url` },
    });
  });

  it('reports an AWS managed policy it does not know by stack, role and ARN, and lets it grant nothing', async () => {
    const stage = newStage();
    await provisionStack(stackOf('orders-local', ordersTemplate), stage);
    expect(stage.logged).toEqual([
      'orders-local: role orders-role (Role): ManagedPolicyArns names arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess, ' +
        'an AWS managed policy the local stage does not know; it grants nothing here',
    ]);
  });

  it('gives sessions the boundary, tags, role ARN and issue time; the boundary caps what the policies grant', async () => {
    const stage = newStage();
    await provisionStack(stackOf('orders-local', ordersTemplate), stage);
    const role = stage.roles.get(`arn:aws:iam::${ACCOUNT}:role/service/orders-role`);
    if (!role) throw new Error('role not provisioned');
    const { principal } = stage.keys.roleSession(role, 'orders-local-createOrder');
    expect(principal).toMatchObject({
      roleArn: `arn:aws:iam::${ACCOUNT}:role/service/orders-role`,
      tags: { team: 'orders' },
      tokenIssueTime: ISSUED,
    });
    const parameter = `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/local/users/url`;
    expect(decide({ principal, request: { action: 'ssm:GetParameter', resource: parameter } }).effect).toBe(
      'Allow',
    );
    expect(decide({ principal, request: { action: 'ssm:PutParameter', resource: parameter } }).effect).toBe(
      'Allow',
    );
    const table = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`;
    expect(decide({ principal, request: { action: 'dynamodb:PutItem', resource: table } })).toMatchObject({
      effect: 'ImplicitDeny',
      decidedBy: 'boundary',
    });
  });

  it('reports a permissions boundary it does not know, and lets the role do nothing', async () => {
    const stage = newStage();
    const template: Template = {
      Resources: {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            RoleName: 'capped',
            Policies: [{ PolicyName: 'all', PolicyDocument: documentOf(allow('*')) }],
            PermissionsBoundary: 'arn:aws:iam::aws:policy/PowerUserAccess',
          },
        },
      },
    };
    await provisionStack(stackOf('capped-local', template), stage);
    expect(stage.logged).toEqual([
      'capped-local: role capped (Role): PermissionsBoundary is arn:aws:iam::aws:policy/PowerUserAccess, ' +
        'an AWS managed policy the local stage does not know; the role is allowed nothing here',
    ]);
    const role = stage.roles.get(`arn:aws:iam::${ACCOUNT}:role/capped`);
    if (!role) throw new Error('role not provisioned');
    const { principal } = stage.keys.roleSession(role, 's');
    expect(decide({ principal, request: { action: 'ssm:GetParameter', resource: '*' } }).decidedBy).toBe(
      'boundary',
    );
  });
});

describe('API Gateway resource policies, as provisioned from a template', () => {
  function apiTemplate(policy: unknown, endpointTypes = ['EDGE']): Template {
    return {
      Resources: {
        Api: {
          Type: 'AWS::ApiGateway::RestApi',
          Properties: {
            Name: 'users-local',
            Policy: policy,
            EndpointConfiguration: { Types: endpointTypes },
          },
        },
        Deployment: {
          Type: 'AWS::ApiGateway::Deployment',
          Properties: { RestApiId: { Ref: 'Api' }, StageName: 'local' },
        },
      },
    };
  }

  it("stores the policy on the API with API Gateway's shorthand expanded, and the endpoint type", async () => {
    const stage = newStage();
    const policy = documentOf({
      Effect: 'Deny',
      Principal: '*',
      Action: 'execute-api:Invoke',
      Resource: 'execute-api:/*/DELETE/*',
    });
    const provisioned = await provisionStack(stackOf('users-local', apiTemplate(policy, ['PRIVATE'])), stage);
    const apiId = provisioned.resources.get('Api')?.physicalId ?? '';
    const { definition } = stage.apis.get(apiId) ?? {};
    expect(definition?.resourcePolicy?.Statement).toEqual([
      expect.objectContaining({ Resource: `arn:aws:execute-api:us-east-1:${ACCOUNT}:${apiId}/*/DELETE/*` }),
    ]);
    expect(definition?.endpointTypes).toEqual(['PRIVATE']);
    expect(stage.logged).toEqual([]);
  });

  it("has no policy for serverless's Policy: ''", async () => {
    const stage = newStage();
    const provisioned = await provisionStack(stackOf('users-local', apiTemplate('')), stage);
    expect(
      stage.apis.get(provisioned.resources.get('Api')?.physicalId ?? '')?.definition.resourcePolicy,
    ).toBeUndefined();
  });

  it('stops at a policy API Gateway would refuse, naming the stack, resource and property', async () => {
    const policy = documentOf({ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' });
    const failure = provisionStack(stackOf('users-local', apiTemplate(policy)), newStage());
    await expect(failure).rejects.toThrow(TemplateError);
    await expect(failure).rejects.toThrow(
      'Stack users-local, Api.Properties.Policy: Invalid policy document. Please check the policy syntax and ensure that Principals are valid. (statement 0 names no Principal or NotPrincipal)',
    );
  });
});
