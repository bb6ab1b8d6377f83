import {
  functionsNotOn,
  inexactParameterResources,
  invalidActions,
  invalidInvokeResources,
  methodsWithoutIam,
  type Statement,
  type Template,
} from './template-checks';

const USERS_API_ID = { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/ci/users/api-id' };
const GOOD_INVOKE = 'arn:aws:execute-api:#{AWS::Region}:#{AWS::AccountId}:#{UsersApiId}/ci/GET/users/*';
const GOOD_PARAMETER = 'arn:aws:ssm:#{AWS::Region}:#{AWS::AccountId}:parameter/ci/users/url';

/** A template whose one role has `statements`, with the users API id parameter declared. */
function withStatements(...statements: Statement[]): Template {
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

const invoke = (resource: unknown): Statement => ({
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
    ['a wildcard API id', 'arn:aws:execute-api:#{AWS::Region}:#{AWS::AccountId}:*/ci/GET/users/*'],
    ['a wildcard verb', 'arn:aws:execute-api:#{AWS::Region}:#{AWS::AccountId}:#{UsersApiId}/ci/*/users/*'],
    ['another stage', 'arn:aws:execute-api:#{AWS::Region}:#{AWS::AccountId}:#{UsersApiId}/dev/GET/users/*'],
    ['every path', 'arn:aws:execute-api:#{AWS::Region}:#{AWS::AccountId}:#{UsersApiId}/ci/GET/*'],
    [
      'an undeclared API id parameter',
      'arn:aws:execute-api:#{AWS::Region}:#{AWS::AccountId}:#{OtherApiId}/ci/GET/users/*',
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
    ['a wildcard', 'arn:aws:ssm:#{AWS::Region}:#{AWS::AccountId}:parameter/ci/users/*'],
    ['a bare *', '*'],
    ['a parameter path prefix', 'arn:aws:ssm:#{AWS::Region}:#{AWS::AccountId}:parameter/'],
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
});
