import { decide, type RequestContextInput, requestContext } from '../../src/iam';
import type { Principal, Statement } from '../../src/types';

const NOW = new Date('2026-01-01T00:00:00.000Z');
const ISSUED = new Date('2025-12-31T23:00:00.000Z');

const roleSession: Principal = {
  arn: 'arn:aws:sts::000000000000:assumed-role/orders-role/orders-local-createOrder',
  userId: 'AROAORDERSEXAMPLE0001:orders-local-createOrder',
  accountId: '000000000000',
  roleName: 'orders-role',
  roleArn: 'arn:aws:iam::000000000000:role/service/orders-role',
  policies: [],
  tags: { team: 'orders' },
  tokenIssueTime: ISSUED,
};

const developer: Principal = {
  arn: 'arn:aws:iam::000000000000:user/local-developer',
  userId: 'AIDADEVELOPER0000001',
  accountId: '000000000000',
  policies: [],
};

function contextFor(overrides: Partial<RequestContextInput> = {}) {
  return requestContext({
    principal: roleSession,
    service: 'ssm',
    region: 'us-east-1',
    sourceIp: '127.0.0.1',
    now: NOW,
    ...overrides,
  });
}

/** Whether a role allowed `ssm:GetParameter` under `condition` may read a parameter in this context. */
function allowedUnder(condition: Statement['Condition'], overrides: Partial<RequestContextInput> = {}) {
  const principal = overrides.principal ?? roleSession;
  const { values, absentKeys } = contextFor(overrides);
  const policies = [
    {
      name: 'p',
      document: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow' as const, Action: 'ssm:GetParameter', Resource: '*', Condition: condition },
        ],
      },
    },
  ];
  return decide({
    principal: { ...principal, policies },
    request: { action: 'ssm:GetParameter', resource: '*', context: values, absentKeys },
  });
}

describe('AWS global condition context keys', () => {
  it('sets aws:SecureTransport to true: the front door stands for HTTPS-only endpoints', () => {
    expect(contextFor().values['aws:SecureTransport']).toBe('true');
    expect(allowedUnder({ Bool: { 'aws:SecureTransport': 'false' } }).effect).toBe('ImplicitDeny');
    expect(allowedUnder({ Bool: { 'aws:SecureTransport': 'true' } }).effect).toBe('Allow');
  });

  it('sets the principal keys, aws:PrincipalArn naming the role with its path', () => {
    expect(contextFor().values).toMatchObject({
      'aws:PrincipalArn': 'arn:aws:iam::000000000000:role/service/orders-role',
      'aws:PrincipalAccount': '000000000000',
      'aws:PrincipalType': 'AssumedRole',
      'aws:userid': 'AROAORDERSEXAMPLE0001:orders-local-createOrder',
      'aws:PrincipalIsAWSService': 'false',
      'aws:ViaAWSService': 'false',
      'aws:RequestedRegion': 'us-east-1',
      'aws:SourceIp': '127.0.0.1',
      'aws:CurrentTime': '2026-01-01T00:00:00.000Z',
      'aws:EpochTime': '1767225600',
    });
  });

  it('sets aws:TokenIssueTime and aws:MultiFactorAuthPresent for temporary credentials only', () => {
    expect(contextFor().values).toMatchObject({
      'aws:TokenIssueTime': ISSUED.toISOString(),
      'aws:MultiFactorAuthPresent': 'false',
    });
    expect(allowedUnder({ DateLessThan: { 'aws:TokenIssueTime': '2026-01-01T00:00:00Z' } }).effect).toBe(
      'Allow',
    );
    // A long-term key has neither, as AWS leaves them out: a Null check holds, a comparison does not.
    const user = { principal: developer };
    expect(contextFor(user).values['aws:TokenIssueTime']).toBeUndefined();
    expect(allowedUnder({ Null: { 'aws:TokenIssueTime': 'true' } }, user).effect).toBe('Allow');
    expect(
      allowedUnder({ DateLessThan: { 'aws:TokenIssueTime': '2030-01-01T00:00:00Z' } }, user).effect,
    ).toBe('ImplicitDeny');
  });

  it('sets aws:username for an IAM user and leaves it out for a role', () => {
    expect(contextFor({ principal: developer }).values['aws:username']).toBe('local-developer');
    expect(contextFor({ principal: developer }).values['aws:PrincipalType']).toBe('User');
    expect(allowedUnder({ StringNotEquals: { 'aws:username': 'mallory' } }).effect).toBe('Allow');
  });

  it("sets aws:PrincipalTag/{key} from the role's tags; a tag it lacks is absent", () => {
    expect(contextFor().values['aws:PrincipalTag/team']).toBe('orders');
    expect(allowedUnder({ StringEquals: { 'aws:PrincipalTag/team': 'orders' } }).effect).toBe('Allow');
    expect(allowedUnder({ StringEquals: { 'aws:PrincipalTag/cost-center': 'x' } }).effect).toBe(
      'ImplicitDeny',
    );
    expect(allowedUnder({ StringNotEquals: { 'aws:PrincipalTag/cost-center': 'x' } }).effect).toBe('Allow');
  });

  it('sets aws:UserAgent and aws:Referer from the request headers, absent without them', () => {
    expect(contextFor({ userAgent: 'aws-sdk-js/3' }).values['aws:UserAgent']).toBe('aws-sdk-js/3');
    expect(
      allowedUnder({ StringLike: { 'aws:UserAgent': 'aws-sdk-js/*' } }, { userAgent: 'aws-sdk-js/3' }).effect,
    ).toBe('Allow');
    expect(allowedUnder({ StringLike: { 'aws:UserAgent': '*' } }).effect).toBe('ImplicitDeny');
    expect(allowedUnder({ StringNotLike: { 'aws:Referer': 'https://evil.*' } }).effect).toBe('Allow');
  });

  it('leaves out the keys of calls made on a principal’s behalf: none goes through the front door', () => {
    expect(allowedUnder({ Null: { 'aws:CalledVia': 'true', 'aws:SourceArn': 'true' } }).effect).toBe('Allow');
    expect(
      allowedUnder({ 'ForAnyValue:StringEquals': { 'aws:CalledVia': 'cloudformation.amazonaws.com' } })
        .effect,
    ).toBe('ImplicitDeny');
  });

  it('leaves the VPC keys out for a REST API that is not private, and unknown for SSM, DynamoDB and private APIs', () => {
    const fromVpc = { StringEquals: { 'aws:SourceVpc': 'vpc-1' } };
    expect(allowedUnder(fromVpc, { service: 'execute-api' }).unevaluableConditions).toEqual([]);
    for (const overrides of [
      { service: 'ssm' },
      { service: 'dynamodb' },
      { service: 'execute-api', privateApi: true },
    ]) {
      const decision = allowedUnder(fromVpc, overrides);
      expect(decision.effect).toBe('ImplicitDeny');
      expect(decision.unevaluableConditions[0]?.reason).toBe(
        'StringEquals on aws:SourceVpc: the local stage does not know aws:SourceVpc for this request',
      );
    }
  });

  it('leaves unknown what it cannot know: organizations, resource tags, service keys', () => {
    for (const key of [
      'aws:PrincipalOrgID',
      'aws:ResourceTag/team',
      'aws:ResourceAccount',
      'ssm:Recursive',
    ]) {
      expect(allowedUnder({ StringEqualsIfExists: { [key]: 'x' } }).unevaluableConditions).toHaveLength(1);
    }
  });

  it('sets no principal key for an anonymous caller, and declares them absent', () => {
    const { values, absentKeys } = requestContext({
      service: 'execute-api',
      region: 'us-east-1',
      sourceIp: '192.0.2.7',
      now: NOW,
    });
    expect(values).toEqual({
      'aws:CurrentTime': '2026-01-01T00:00:00.000Z',
      'aws:EpochTime': '1767225600',
      'aws:RequestedRegion': 'us-east-1',
      'aws:SecureTransport': 'true',
      'aws:SourceIp': '192.0.2.7',
    });
    expect(absentKeys).toEqual(
      expect.arrayContaining(['aws:PrincipalArn', 'aws:userid', 'aws:PrincipalTag/*']),
    );
  });

  it('leaves dynamodb:EnclosingOperation out of DynamoDB calls, which transactions set', () => {
    expect(contextFor({ service: 'dynamodb' }).absentKeys).toContain('dynamodb:EnclosingOperation');
    expect(contextFor({ service: 'ssm' }).absentKeys).not.toContain('dynamodb:EnclosingOperation');
  });
});
