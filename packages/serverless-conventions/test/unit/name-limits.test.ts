// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation's ${Name} and Serverless's ${sls:stage} syntax
import {
  derivedNames,
  longestStageThatFits,
  nameProblems,
  namesInTemplate,
  stageNameProblems,
} from '../../src/name-limits';
import type { Template } from '../../src/template';

const notifications = {
  name: 'notifications',
  functions: ['sendWelcome'],
  tables: ['notifications-outbox-${sls:stage}'],
};

describe('stageNameProblems', () => {
  it('accepts a stage whose every derived name fits', () => {
    expect(stageNameProblems('dev', 'eu-west-1', [notifications])).toEqual([]);
  });

  it('refuses a stage that overflows the 64-character role name, saying how long a stage may be', () => {
    const stage = 'a'.repeat(25);
    const problems = stageNameProblems(stage, 'ap-southeast-2', [notifications]);

    // notifications-{stage}-ap-southeast-2-lambdaRole: 13 + 1 + 1 + 14 + 11 = 40 characters around the stage.
    expect(problems[0]).toBe(
      `Stage "${stage}" (25 characters) is too long for these services in ap-southeast-2: at most 24 characters fit.`,
    );
    expect(problems).toContain(
      `notifications (stage ${stage}): IAM role name "notifications-${stage}-ap-southeast-2-lambdaRole" is 65 characters; AWS allows at most 64`,
    );
  });

  it('names the function name limit when the function name binds first', () => {
    const long = {
      name: 'users',
      functions: ['sendTheWeeklyDigestToEveryAccountOwnerInTheRegion'],
      tables: [],
    };
    const problems = stageNameProblems('staging-eu-1', 'us-east-1', [long]);
    expect(
      problems.some((problem) => problem.includes('Lambda function name "users-staging-eu-1-sendTheWeekly')),
    ).toBe(true);
  });

  it.each([['dev_2'], ['2dev'], ['dev.x'], ['dev/x'], ['']])('refuses the characters of "%s"', (stage) => {
    expect(stageNameProblems(stage, 'us-east-1', [notifications])).toEqual([
      expect.stringContaining('must start with a letter and contain only letters, digits and -'),
    ]);
  });
});

describe('derivedNames', () => {
  it('derives every name the framework builds from the stage', () => {
    const names = derivedNames('dev', 'eu-west-1', notifications).map(({ kind, name }) => `${kind} ${name}`);
    expect(names).toEqual([
      'stack notifications-dev',
      'role notifications-dev-eu-west-1-lambdaRole',
      'policy notifications-dev-lambda',
      'apiStage dev',
      'logGroup /aws/api-gateway/notifications-dev',
      'function notifications-dev-sendWelcome',
      'logGroup /aws/lambda/notifications-dev-sendWelcome',
      'ssmParameterArn arn:aws:ssm:eu-west-1:123456789012:parameter/dev/notifications/url',
      'ssmParameterArn arn:aws:ssm:eu-west-1:123456789012:parameter/dev/notifications/api-id',
      'table notifications-outbox-dev',
    ]);
    expect(longestStageThatFits('dev', derivedNames('dev', 'eu-west-1', notifications))).toBe(29);
  });
});

describe('namesInTemplate', () => {
  it('resolves the names the template decides, pseudo parameters included, and skips generated ones', () => {
    const template: Template = {
      Resources: {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            RoleName: { 'Fn::Join': ['-', ['orders', 'dev', { Ref: 'AWS::Region' }, 'lambdaRole']] },
            Policies: [{ PolicyName: { 'Fn::Join': ['-', ['orders', 'dev', 'lambda']] } }],
          },
        },
        Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'orders-dev-getOrder' } },
        Table: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'orders-dev' } },
        Unnamed: { Type: 'AWS::DynamoDB::Table', Properties: {} },
        Url: {
          Type: 'AWS::SSM::Parameter',
          Properties: { Name: { 'Fn::Sub': '/dev/orders/${AWS::Region}' } },
        },
        FromParameter: {
          Type: 'AWS::Logs::LogGroup',
          Properties: { LogGroupName: { Ref: 'SomeParameter' } },
        },
      },
    };

    expect(namesInTemplate(template, { region: 'eu-west-1' })).toEqual([
      { kind: 'role', name: 'orders-dev-eu-west-1-lambdaRole', source: 'Role' },
      { kind: 'policy', name: 'orders-dev-lambda', source: 'Role' },
      { kind: 'function', name: 'orders-dev-getOrder', source: 'Fn' },
      { kind: 'table', name: 'orders-dev', source: 'Table' },
      {
        kind: 'ssmParameterArn',
        name: 'arn:aws:ssm:eu-west-1:123456789012:parameter/dev/orders/eu-west-1',
        source: 'Url',
      },
    ]);
  });
});

describe('nameProblems', () => {
  it('reports names too short, too long or with characters AWS refuses', () => {
    expect(
      nameProblems([
        { kind: 'table', name: 'ab', source: 'T' },
        { kind: 'function', name: 'f'.repeat(65), source: 'F' },
        { kind: 'apiStage', name: 'dev.1', source: 'D' },
        { kind: 'logGroup', name: '/aws/lambda/fine', source: 'L' },
      ]),
    ).toEqual([
      'T: DynamoDB table name "ab" is 2 characters; AWS needs at least 3',
      `F: Lambda function name "${'f'.repeat(65)}" is 65 characters; AWS allows at most 64`,
      'D: API Gateway stage name "dev.1" may only contain letters, digits, - and _',
    ]);
  });
});
