import type { PolicyStatement, Template } from '../../src/template';
import { TestPrincipalError, trustTestPrincipal } from '../../src/test-principal-trust';

const LAMBDA_TRUST: PolicyStatement = {
  Effect: 'Allow',
  Principal: { Service: ['lambda.amazonaws.com'] },
  Action: ['sts:AssumeRole'],
};

function template(): Template {
  return {
    Resources: {
      IamRoleLambdaExecution: {
        Type: 'AWS::IAM::Role',
        Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [LAMBDA_TRUST] } },
      },
      DeployRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudformation.amazonaws.com' } }],
          },
        },
      },
    },
  };
}

function trust(t: Template, id: string): PolicyStatement[] {
  const document = t.Resources?.[id]?.Properties?.AssumeRolePolicyDocument as
    | { Statement: PolicyStatement[] }
    | undefined;
  return document?.Statement ?? [];
}

const CI_ROLE = 'arn:aws:iam::123456789012:role/integration-ci';

describe('trustTestPrincipal', () => {
  it('changes nothing when no test principal is given (the default)', () => {
    const t = template();
    expect(trustTestPrincipal(t, { principalArn: '', stage: 'dev', stageKind: 'durable' })).toEqual([]);
    expect(trust(t, 'IamRoleLambdaExecution')).toEqual([LAMBDA_TRUST]);
  });

  it('lets the principal assume the function roles, with integration-suite session names only', () => {
    const t = template();

    expect(trustTestPrincipal(t, { principalArn: CI_ROLE, stage: 'dev', stageKind: 'durable' })).toEqual([
      'IamRoleLambdaExecution',
    ]);
    expect(trust(t, 'IamRoleLambdaExecution')).toEqual([
      LAMBDA_TRUST,
      {
        Sid: 'IntegrationSuiteTestPrincipal',
        Effect: 'Allow',
        Principal: { AWS: CI_ROLE },
        Action: 'sts:AssumeRole',
        Condition: { StringLike: { 'sts:RoleSessionName': 'integration-suite-*' } },
      },
    ]);
    expect(trust(t, 'DeployRole')).toHaveLength(1);
  });

  it('refuses a test principal on a production stage', () => {
    expect(() =>
      trustTestPrincipal(template(), { principalArn: CI_ROLE, stage: 'prod', stageKind: 'production' }),
    ).toThrow(
      new TestPrincipalError(
        `A test principal (${CI_ROLE}) may not assume roles on production stage prod: unset TEST_PRINCIPAL_ARN (or --param testPrincipalArn) for this stage`,
      ),
    );
  });

  it.each([
    ['*'],
    ['123456789012'],
    ['arn:aws:sts::123456789012:assumed-role/x/y'],
    ['arn:aws:iam::12345:role/x'],
  ])('refuses "%s", which IAM does not accept as a trusted principal', (principalArn) => {
    expect(() =>
      trustTestPrincipal(template(), { principalArn, stage: 'dev', stageKind: 'durable' }),
    ).toThrow(/is not an IAM user, role or account root ARN/);
  });

  it('accepts users, account roots and other partitions', () => {
    for (const principalArn of [
      'arn:aws:iam::123456789012:user/ci',
      'arn:aws:iam::123456789012:root',
      'arn:aws-cn:iam::123456789012:role/path/ci',
    ]) {
      expect(
        trustTestPrincipal(template(), { principalArn, stage: 'dev', stageKind: 'durable' }),
      ).toHaveLength(1);
    }
  });
});
