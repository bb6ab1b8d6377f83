// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation's ${Name} and Serverless's ${sls:stage} syntax
import { exactLogGroupGrants } from '../../src/log-group-grants';
import type { PolicyStatement, Template } from '../../src/template';

const LOGS = 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:';

/** A template shaped as the Serverless Framework compiles it for orders on stage dev. */
function serverlessTemplate(): Template {
  return {
    Resources: {
      CreateOrderLogGroup: {
        Type: 'AWS::Logs::LogGroup',
        Properties: { LogGroupName: '/aws/lambda/orders-dev-createOrder' },
      },
      GetOrderLogGroup: {
        Type: 'AWS::Logs::LogGroup',
        Properties: { LogGroupName: '/aws/lambda/orders-dev-getOrder' },
      },
      ApiGatewayLogGroup: {
        Type: 'AWS::Logs::LogGroup',
        Properties: { LogGroupName: '/aws/api-gateway/orders-dev' },
      },
      IamRoleLambdaExecution: {
        Type: 'AWS::IAM::Role',
        Properties: {
          Policies: [
            {
              PolicyDocument: {
                Statement: [
                  {
                    Effect: 'Allow',
                    Action: ['logs:CreateLogStream', 'logs:CreateLogGroup', 'logs:TagResource'],
                    Resource: [{ 'Fn::Sub': `${LOGS}/aws/lambda/orders-dev*:*` }],
                  },
                  {
                    Effect: 'Allow',
                    Action: ['logs:PutLogEvents'],
                    Resource: [{ 'Fn::Sub': `${LOGS}/aws/lambda/orders-dev*:*:*` }],
                  },
                  {
                    Effect: 'Allow',
                    Action: 'dynamodb:GetItem',
                    Resource: 'arn:aws:dynamodb:*:*:table/orders-dev*',
                  },
                ],
              },
            },
          ],
        },
      },
    },
  };
}

function statements(template: Template): PolicyStatement[] {
  const role = template.Resources?.IamRoleLambdaExecution?.Properties as {
    Policies: Array<{ PolicyDocument: { Statement: PolicyStatement[] } }>;
  };
  return role.Policies[0]?.PolicyDocument.Statement ?? [];
}

describe('exactLogGroupGrants', () => {
  it("grants each function's own log group instead of every log group starting with {service}-{stage}", () => {
    const template = serverlessTemplate();

    expect(exactLogGroupGrants(template)).toBe(2);

    const [streams, events] = statements(template);
    expect(streams?.Resource).toEqual([
      { 'Fn::Sub': `${LOGS}/aws/lambda/orders-dev-createOrder:*` },
      { 'Fn::Sub': `${LOGS}/aws/lambda/orders-dev-getOrder:*` },
    ]);
    expect(events?.Resource).toEqual([
      { 'Fn::Sub': `${LOGS}/aws/lambda/orders-dev-createOrder:*:*` },
      { 'Fn::Sub': `${LOGS}/aws/lambda/orders-dev-getOrder:*:*` },
    ]);
  });

  it('leaves no grant that also matches a longer stage (orders-dev2) or the API access log group', () => {
    const template = serverlessTemplate();
    exactLogGroupGrants(template);

    const logResources = statements(template)
      .slice(0, 2)
      .flatMap((statement) => statement.Resource as Array<{ 'Fn::Sub': string }>)
      .map((resource) => resource['Fn::Sub']);
    for (const arn of logResources) {
      expect(arn).not.toMatch(/orders-dev\*/);
      expect(arn).not.toContain('/aws/api-gateway/');
    }
  });

  it('leaves statements on anything but Lambda log groups as they were', () => {
    const template = serverlessTemplate();
    exactLogGroupGrants(template);
    expect(statements(template)[2]).toEqual({
      Effect: 'Allow',
      Action: 'dynamodb:GetItem',
      Resource: 'arn:aws:dynamodb:*:*:table/orders-dev*',
    });
  });
});
