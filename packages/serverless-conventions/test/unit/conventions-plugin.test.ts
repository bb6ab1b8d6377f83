import {
  type ConventionsConfig,
  ConventionsPlugin,
  type ServerlessInstance,
} from '../../src/conventions-plugin';
import type { Template } from '../../src/template';

class FrameworkError extends Error {}

function fakeServerless(
  template: Template,
  conventions: ConventionsConfig | undefined,
  place = { stage: 'dev', region: 'eu-west-1' },
): ServerlessInstance {
  return {
    service: {
      service: 'orders',
      custom: conventions ? { conventions } : {},
      provider: { compiledCloudFormationTemplate: template },
    },
    getProvider: () => ({
      getStage: () => place.stage,
      getRegion: () => place.region,
      naming: { getStackName: () => `orders-${place.stage}` },
    }),
    classes: { Error: FrameworkError },
  };
}

function compiled(stage: string): Template {
  return {
    Resources: {
      IamRoleLambdaExecution: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: { 'Fn::Join': ['-', ['orders', stage, { Ref: 'AWS::Region' }, 'lambdaRole']] },
          AssumeRolePolicyDocument: {
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: ['lambda.amazonaws.com'] },
                Action: ['sts:AssumeRole'],
              },
            ],
          },
          Policies: [{ PolicyName: `orders-${stage}-lambda`, PolicyDocument: { Statement: [] } }],
        },
      },
      GetOrderLogGroup: {
        Type: 'AWS::Logs::LogGroup',
        Properties: { LogGroupName: `/aws/lambda/orders-${stage}-getOrder` },
      },
    },
  };
}

function run(serverless: ServerlessInstance): void {
  const plugin = new ConventionsPlugin(serverless, {});
  const hook = plugin.hooks['before:aws:package:finalize:saveServiceState'];
  if (!hook) throw new Error('the plugin registers no hook before the template is saved');
  hook();
}

describe('ConventionsPlugin', () => {
  it('runs before the compiled template is saved, and states what removal does to log groups', () => {
    const template = compiled('dev');
    run(fakeServerless(template, { stageKind: 'durable', testPrincipalArn: '' }));
    expect(template.Resources?.GetOrderLogGroup).toMatchObject({
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
  });

  it('stops packaging with the framework error when the stage makes a name AWS refuses', () => {
    const stage = 'feature-with-a-much-longer-descriptive-name';
    const serverless = fakeServerless(
      compiled(stage),
      { stageKind: 'durable' },
      { stage, region: 'eu-west-1' },
    );

    expect(() => run(serverless)).toThrow(FrameworkError);
    expect(() => run(serverless)).toThrow(
      /IAM role name "orders-feature-with-a-much-longer-descriptive-name-eu-west-1-lambdaRole" is 71 characters; AWS allows at most 64\nAt most 36 characters of stage fit this service\./,
    );
  });

  it('refuses a service without custom.conventions, saying what to add', () => {
    expect(() => run(fakeServerless(compiled('dev'), undefined))).toThrow(
      /has no custom.conventions: add `conventions: \$\{file\(\.\.\/\.\.\/serverless-common\.yml\):conventions\}`/,
    );
  });

  it('refuses a stage kind that serverless-common.yml does not define', () => {
    expect(() => run(fakeServerless(compiled('dev'), { stageKind: 'temporary' }))).toThrow(
      'custom.conventions.stageKind is "temporary"; it must be one of ephemeral, durable, production',
    );
  });

  it('turns a refused test principal into the framework error', () => {
    const serverless = fakeServerless(
      compiled('prod'),
      { stageKind: 'production', testPrincipalArn: 'arn:aws:iam::123456789012:role/ci' },
      { stage: 'prod', region: 'eu-west-1' },
    );
    expect(() => run(serverless)).toThrow(FrameworkError);
  });
});
