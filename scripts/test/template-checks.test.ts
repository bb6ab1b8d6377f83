// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation's ${Name} and Serverless's ${param:…} syntax
import type { PolicyStatement, Template } from '@internal-apis/serverless-conventions/template';
import {
  functionsNotOn,
  functionsWithoutOwnZip,
  hardCodedPartitions,
  inexactParameterResources,
  invalidActions,
  invalidInvokeResources,
  methodsWithoutIam,
  prefixLogGroupGrants,
  tablesNotProtectedAs,
  unpinnedCalleeGrants,
} from './template-checks';

const USERS_API_ID = { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/ci/users/api-id' };
const GOOD_INVOKE =
  'arn:#{AWS::Partition}:execute-api:#{AWS::Region}:#{AWS::AccountId}:#{UsersApiId}/ci/GET/users/*';
const GOOD_PARAMETER = 'arn:#{AWS::Partition}:ssm:#{AWS::Region}:#{AWS::AccountId}:parameter/ci/users/url';

/** A template whose one role has `statements`, with the users API id parameter declared. */
function withStatements(...statements: PolicyStatement[]): Template {
  return {
    Parameters: { UsersApiId: USERS_API_ID },
    Resources: {
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: { Policies: [{ PolicyDocument: { Version: '2012-10-17', Statement: statements } }] },
      },
    },
  };
}

/** `Fn::Sub` written as serverless-pseudo-parameters' `#{…}`, as the services' serverless.yml do. */
const sub = (text: string) => ({ 'Fn::Sub': text.replaceAll('#{', '$' + '{') });

const invoke = (resource: unknown): PolicyStatement => ({
  Effect: 'Allow',
  Action: ['execute-api:Invoke'],
  Resource: resource,
});

describe('the template checks the packaging test relies on', () => {
  it('accept a caller granted one verb and path of its callee, and one parameter', () => {
    const template = withStatements(invoke(sub(GOOD_INVOKE)), {
      Effect: 'Allow',
      Action: 'ssm:GetParameter',
      Resource: sub(GOOD_PARAMETER),
    });
    expect(invalidActions(template)).toEqual([]);
    expect(invalidInvokeResources(template, 'ci', ['users'])).toEqual([]);
    expect(inexactParameterResources(template)).toEqual([]);
  });

  it.each([
    [
      'a wildcard API id',
      'arn:#{AWS::Partition}:execute-api:#{AWS::Region}:#{AWS::AccountId}:*/ci/GET/users/*',
    ],
    [
      'a wildcard verb',
      'arn:#{AWS::Partition}:execute-api:#{AWS::Region}:#{AWS::AccountId}:#{UsersApiId}/ci/*/users/*',
    ],
    [
      'another stage',
      'arn:#{AWS::Partition}:execute-api:#{AWS::Region}:#{AWS::AccountId}:#{UsersApiId}/dev/GET/users/*',
    ],
    [
      'every path',
      'arn:#{AWS::Partition}:execute-api:#{AWS::Region}:#{AWS::AccountId}:#{UsersApiId}/ci/GET/*',
    ],
    [
      'an undeclared API id parameter',
      'arn:#{AWS::Partition}:execute-api:#{AWS::Region}:#{AWS::AccountId}:#{OtherApiId}/ci/GET/users/*',
    ],
  ])('reject an execute-api:Invoke resource with %s', (_label, arn) => {
    expect(invalidInvokeResources(withStatements(invoke(sub(arn))), 'ci', ['users'])).toHaveLength(1);
  });

  it('reject an API id parameter that is a plain string or reads another parameter', () => {
    const plain = withStatements(invoke(sub(GOOD_INVOKE)));
    plain.Parameters = { UsersApiId: { Type: 'String', Default: 'abc123' } };
    const elsewhere = withStatements(invoke(sub(GOOD_INVOKE)));
    elsewhere.Parameters = { UsersApiId: { ...USERS_API_ID, Default: '/ci/users/url' } };

    expect(invalidInvokeResources(plain, 'ci', ['users'])).toEqual([
      expect.stringContaining('is not a template parameter'),
    ]);
    expect(invalidInvokeResources(elsewhere, 'ci', ['users'])).toEqual([
      expect.stringContaining('defaults to /ci/users/url'),
    ]);
  });

  it.each([['execute-api:GET'], ['execute-api:*'], ['*'], ['execute-api:invoke-users'], ['dynamodb:get']])(
    'reject the action %s',
    (action) => {
      expect(invalidActions(withStatements({ Effect: 'Allow', Action: action, Resource: '*' }))).toHaveLength(
        1,
      );
    },
  );

  it.each([
    ['a wildcard', 'arn:#{AWS::Partition}:ssm:#{AWS::Region}:#{AWS::AccountId}:parameter/ci/users/*'],
    ['a bare *', '*'],
    ['a parameter path prefix', 'arn:#{AWS::Partition}:ssm:#{AWS::Region}:#{AWS::AccountId}:parameter/'],
  ])('reject ssm:GetParameter on %s', (_label, arn) => {
    const template = withStatements({
      Effect: 'Allow',
      Action: ['ssm:GetParameter'],
      Resource: sub(arn),
    });
    expect(inexactParameterResources(template)).toHaveLength(1);
  });

  it('find methods without AWS_IAM and functions on another runtime', () => {
    const template: Template = {
      Resources: {
        Open: { Type: 'AWS::ApiGateway::Method', Properties: { AuthorizationType: 'NONE' } },
        Signed: { Type: 'AWS::ApiGateway::Method', Properties: { AuthorizationType: 'AWS_IAM' } },
        Old: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs18.x' } },
        Current: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs22.x' } },
      },
    };
    expect(methodsWithoutIam(template)).toEqual(['Open has AuthorizationType NONE']);
    expect(functionsNotOn(template, 'nodejs22.x')).toEqual(['Old runs nodejs18.x']);
  });

  it('reject an execute-api:Invoke ARN that hard-codes the partition', () => {
    const hardCoded = 'arn:aws:execute-api:#{AWS::Region}:#{AWS::AccountId}:#{UsersApiId}/ci/GET/users/*';
    expect(invalidInvokeResources(withStatements(invoke(sub(hardCoded))), 'ci', ['users'])).toHaveLength(1);
    expect(hardCodedPartitions(withStatements(invoke(sub(hardCoded))))).toEqual([
      expect.stringContaining('arn:aws:execute-api:'),
    ]);
    expect(hardCodedPartitions(withStatements(invoke(sub(GOOD_INVOKE))))).toEqual([]);
  });

  it('require grants on a callee API id in a policy that pins the id', () => {
    const inRole = withStatements(invoke(sub(GOOD_INVOKE)));
    const pinned: Template = {
      ...inRole,
      Resources: {
        CallsUsersPolicy: {
          Type: 'AWS::IAM::Policy',
          Metadata: { UsersApiId: 'not pinned' },
          Properties: { PolicyDocument: { Statement: [invoke(sub(GOOD_INVOKE))] } },
        },
      },
    };
    const unpinned: Template = JSON.parse(JSON.stringify(pinned));
    delete unpinned.Resources?.CallsUsersPolicy?.Metadata;

    expect(unpinnedCalleeGrants(inRole)).toEqual([
      'Role statement 0: grants on ${UsersApiId} belong in an AWS::IAM::Policy with Metadata UsersApiId',
    ]);
    expect(unpinnedCalleeGrants(unpinned)).toEqual([
      "CallsUsersPolicy statement 0: CallsUsersPolicy has no Metadata UsersApiId: ${param:UsersApiId, 'not pinned'}",
    ]);
    expect(unpinnedCalleeGrants(pinned)).toEqual([]);
  });

  it("find tables whose policies are not the stage kind's", () => {
    const template: Template = {
      Resources: {
        Kept: {
          Type: 'AWS::DynamoDB::Table',
          DeletionPolicy: 'Retain',
          UpdateReplacePolicy: 'Retain',
          Properties: {
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          },
        },
        Bare: { Type: 'AWS::DynamoDB::Table', Properties: {} },
      },
    };
    const durable = {
      deletionPolicy: 'Retain',
      deletionProtection: true,
      pointInTimeRecovery: true,
    } as const;

    expect(tablesNotProtectedAs(template, durable)).toEqual([
      'Bare: DeletionPolicy is undefined, not Retain',
      'Bare: UpdateReplacePolicy is undefined, not Retain',
      'Bare: DeletionProtectionEnabled is undefined, not true',
      'Bare: PointInTimeRecoveryEnabled is undefined, not true',
    ]);
  });

  it('find log-group grants with a wildcard in the group name', () => {
    const logs = (arn: string): PolicyStatement => ({
      Effect: 'Allow',
      Action: 'logs:PutLogEvents',
      Resource: sub(arn),
    });
    const prefix =
      'arn:#{AWS::Partition}:logs:#{AWS::Region}:#{AWS::AccountId}:log-group:/aws/lambda/orders-dev*:*';
    const exact =
      'arn:#{AWS::Partition}:logs:#{AWS::Region}:#{AWS::AccountId}:log-group:/aws/lambda/orders-dev-getOrder:*:*';

    expect(prefixLogGroupGrants(withStatements(logs(prefix)))).toHaveLength(1);
    expect(prefixLogGroupGrants(withStatements(logs(exact)))).toEqual([]);
  });

  it('find functions that deploy a zip shared with others or named after the service', () => {
    const fn = (name: string, zip: string) => ({
      Type: 'AWS::Lambda::Function',
      Properties: { FunctionName: `orders-ci-${name}`, Code: { S3Key: `serverless/orders/ci/123/${zip}` } },
    });
    const oneZip: Template = {
      Resources: { A: fn('createOrder', 'orders.zip'), B: fn('getOrder', 'orders.zip') },
    };
    const ownZips: Template = {
      Resources: { A: fn('createOrder', 'createOrder.zip'), B: fn('getOrder', 'getOrder.zip') },
    };

    expect(functionsWithoutOwnZip(oneZip, 'orders', 'ci')).toEqual([
      'A deploys orders.zip, shared with B, not createOrder.zip of its own',
      'B deploys orders.zip, shared with A, not getOrder.zip of its own',
    ]);
    expect(functionsWithoutOwnZip(ownZips, 'orders', 'ci')).toEqual([]);
  });
});
