import { evaluate } from '../../src/iam';
import type { NamedPolicy, Statement } from '../../src/types';

const USERS_GET = 'arn:aws:execute-api:us-east-1:000000000000:abc123/local/GET/users/42';
const USERS_POST = 'arn:aws:execute-api:us-east-1:000000000000:abc123/local/POST/users';

function policy(name: string, ...statements: Statement[]): NamedPolicy {
  return { name, document: { Version: '2012-10-17', Statement: statements } };
}

const invoke = (resource: string, context?: Record<string, string | string[]>) => ({
  action: 'execute-api:Invoke',
  resource,
  context,
});

describe('evaluate: Allow, Deny and the implicit deny', () => {
  it('allows what an Allow statement grants and names the statement', () => {
    const policies = [
      policy('orders', {
        Sid: 'ReadUsers',
        Effect: 'Allow',
        Action: 'execute-api:Invoke',
        Resource: USERS_GET,
      }),
    ];
    expect(evaluate(policies, invoke(USERS_GET))).toEqual({
      effect: 'Allow',
      matched: [{ policyName: 'orders', index: 0, sid: 'ReadUsers' }],
    });
  });

  it('denies implicitly when no statement grants the request', () => {
    const policies = [
      policy('orders', { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: USERS_GET }),
    ];
    expect(evaluate(policies, invoke(USERS_POST))).toEqual({
      effect: 'ImplicitDeny',
      unevaluableConditions: [],
    });
  });

  it('denies implicitly with no policies at all', () => {
    expect(evaluate([], invoke(USERS_GET)).effect).toBe('ImplicitDeny');
  });

  it('lets an explicit Deny win over an Allow, even in another policy', () => {
    const policies = [
      policy('broad', { Effect: 'Allow', Action: '*', Resource: '*' }),
      policy(
        'guard',
        { Effect: 'Allow', Action: 's3:*', Resource: '*' },
        { Effect: 'Deny', Action: 'execute-api:Invoke', Resource: USERS_GET },
      ),
    ];
    expect(evaluate(policies, invoke(USERS_GET))).toEqual({
      effect: 'ExplicitDeny',
      matched: [{ policyName: 'guard', index: 1 }],
    });
  });

  it('accepts a single statement object instead of a list', () => {
    const single: NamedPolicy = {
      name: 'single',
      document: { Statement: { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: USERS_GET } },
    };
    expect(evaluate([single], invoke(USERS_GET)).effect).toBe('Allow');
  });

  it('ignores a statement with neither Action nor NotAction', () => {
    expect(evaluate([policy('broken', { Effect: 'Allow', Resource: '*' })], invoke(USERS_GET)).effect).toBe(
      'ImplicitDeny',
    );
  });
});

describe('evaluate: actions', () => {
  it('matches action names case-insensitively', () => {
    const policies = [policy('p', { Effect: 'Allow', Action: 'Execute-API:invoke', Resource: USERS_GET })];
    expect(evaluate(policies, invoke(USERS_GET)).effect).toBe('Allow');
  });

  it('matches `*` and `?` in action names', () => {
    const star = [policy('p', { Effect: 'Allow', Action: ['ssm:Get*'], Resource: '*' })];
    expect(evaluate(star, { action: 'ssm:GetParametersByPath', resource: '*' }).effect).toBe('Allow');
    expect(evaluate(star, { action: 'ssm:PutParameter', resource: '*' }).effect).toBe('ImplicitDeny');
    const question = [policy('p', { Effect: 'Allow', Action: 'ssm:GetParameter?', Resource: '*' })];
    expect(evaluate(question, { action: 'ssm:GetParameters', resource: '*' }).effect).toBe('Allow');
    expect(evaluate(question, { action: 'ssm:GetParameter', resource: '*' }).effect).toBe('ImplicitDeny');
  });

  it('does not treat an action name as a prefix', () => {
    const policies = [policy('p', { Effect: 'Allow', Action: 'ssm:GetParameter', Resource: '*' })];
    expect(evaluate(policies, { action: 'ssm:GetParameters', resource: '*' }).effect).toBe('ImplicitDeny');
  });

  it('NotAction allows every action but the listed ones', () => {
    const policies = [
      policy('p', {
        Effect: 'Allow',
        NotAction: ['dynamodb:DeleteItem', 'dynamodb:DeleteTable'],
        Resource: '*',
      }),
    ];
    expect(evaluate(policies, { action: 'dynamodb:GetItem', resource: '*' }).effect).toBe('Allow');
    expect(evaluate(policies, { action: 'dynamodb:deleteitem', resource: '*' }).effect).toBe('ImplicitDeny');
  });

  it('a Deny with NotAction denies everything but the listed actions', () => {
    const policies = [
      policy(
        'p',
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Effect: 'Deny', NotAction: 'execute-api:Invoke', Resource: '*' },
      ),
    ];
    expect(evaluate(policies, invoke(USERS_GET)).effect).toBe('Allow');
    expect(evaluate(policies, { action: 'ssm:GetParameter', resource: '*' }).effect).toBe('ExplicitDeny');
  });
});

describe('evaluate: resources', () => {
  it('matches ARNs case-sensitively', () => {
    const policies = [
      policy('p', {
        Effect: 'Allow',
        Action: 'execute-api:Invoke',
        Resource: USERS_GET.replace('users', 'Users'),
      }),
    ];
    expect(evaluate(policies, invoke(USERS_GET)).effect).toBe('ImplicitDeny');
  });

  it('lets `*` run across `/` within the resource part', () => {
    const policies = [
      policy('p', {
        Effect: 'Allow',
        Action: 'execute-api:Invoke',
        Resource: 'arn:aws:execute-api:us-east-1:000000000000:abc123/local/GET/*',
      }),
    ];
    expect(evaluate(policies, invoke(USERS_GET)).effect).toBe('Allow');
    expect(evaluate(policies, invoke(USERS_POST)).effect).toBe('ImplicitDeny');
  });

  it('lets a `*` that ends a segment run across `:` boundaries', () => {
    const policies = [
      policy('p', { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: 'arn:aws:execute-api:*' }),
    ];
    expect(evaluate(policies, invoke(USERS_GET)).effect).toBe('Allow');
  });

  it('keeps a `*` inside a segment from crossing `:`', () => {
    const policies = [
      policy('p', {
        Effect: 'Allow',
        Action: 'execute-api:Invoke',
        Resource: 'arn:aws:execute-api:us-*abc123/local/GET/users/42',
      }),
    ];
    expect(evaluate(policies, invoke(USERS_GET)).effect).toBe('ImplicitDeny');
  });

  it('matches `?` as exactly one character', () => {
    const policies = [
      policy('p', {
        Effect: 'Allow',
        Action: 'execute-api:Invoke',
        Resource: 'arn:aws:execute-api:us-east-1:000000000000:abc123/local/GET/users/?',
      }),
    ];
    expect(evaluate(policies, invoke(USERS_GET.replace('/42', '/7'))).effect).toBe('Allow');
    expect(evaluate(policies, invoke(USERS_GET)).effect).toBe('ImplicitDeny');
  });

  it('treats regular-expression characters in ARNs literally', () => {
    const policies = [
      policy('p', {
        Effect: 'Allow',
        Action: 'execute-api:Invoke',
        Resource: 'arn:aws:execute-api:us-east-1:000000000000:abc123/local/GET/users.42',
      }),
    ];
    expect(evaluate(policies, invoke(USERS_GET.replace('/42', 'x42'))).effect).toBe('ImplicitDeny');
  });

  it('NotResource applies to every resource but the listed ones', () => {
    const policies = [
      policy(
        'p',
        { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*' },
        {
          Effect: 'Deny',
          Action: 'execute-api:Invoke',
          NotResource: 'arn:aws:execute-api:*:*:abc123/local/GET/*',
        },
      ),
    ];
    expect(evaluate(policies, invoke(USERS_GET)).effect).toBe('Allow');
    expect(evaluate(policies, invoke(USERS_POST)).effect).toBe('ExplicitDeny');
  });

  it('grants an action without resource-level permissions only through Resource `*`', () => {
    const scoped = [
      policy('p', {
        Effect: 'Allow',
        Action: 'dynamodb:ListTables',
        Resource: 'arn:aws:dynamodb:*:*:table/users',
      }),
    ];
    expect(evaluate(scoped, { action: 'dynamodb:ListTables', resource: '*' }).effect).toBe('ImplicitDeny');
    const any = [policy('p', { Effect: 'Allow', Action: 'dynamodb:ListTables', Resource: '*' })];
    expect(evaluate(any, { action: 'dynamodb:ListTables', resource: '*' }).effect).toBe('Allow');
  });
});

describe('evaluate: conditions', () => {
  const fromLoopback: Statement = {
    Sid: 'FromLoopback',
    Effect: 'Allow',
    Action: 'execute-api:Invoke',
    Resource: '*',
    Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } },
  };

  it('grants when an evaluable condition holds, and not when it does not', () => {
    expect(
      evaluate([policy('p', fromLoopback)], invoke(USERS_GET, { 'aws:SourceIp': '127.0.0.1' })).effect,
    ).toBe('Allow');
    expect(evaluate([policy('p', fromLoopback)], invoke(USERS_GET, { 'aws:SourceIp': '10.0.0.1' }))).toEqual({
      effect: 'ImplicitDeny',
      unevaluableConditions: [],
    });
  });

  it('an Allow whose condition cannot be evaluated grants nothing, and the decision says why', () => {
    const decision = evaluate([policy('p', fromLoopback)], invoke(USERS_GET));
    expect(decision).toEqual({
      effect: 'ImplicitDeny',
      unevaluableConditions: [
        {
          statement: { policyName: 'p', index: 0, sid: 'FromLoopback' },
          reason: 'IpAddress on aws:SourceIp: the local stage does not know aws:SourceIp for this request',
        },
      ],
    });
  });

  it('an unevaluable Allow does not matter when another Allow grants the request', () => {
    const policies = [
      policy('p', fromLoopback, { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: USERS_GET }),
    ];
    expect(evaluate(policies, invoke(USERS_GET))).toEqual({
      effect: 'Allow',
      matched: [{ policyName: 'p', index: 1 }],
    });
  });

  it('a Deny whose condition cannot be evaluated is applied, and the decision says so', () => {
    const policies = [
      policy(
        'p',
        { Effect: 'Allow', Action: '*', Resource: '*' },
        {
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:SourceVpc': 'vpc-1' } },
        },
      ),
    ];
    expect(evaluate(policies, invoke(USERS_GET))).toEqual({
      effect: 'ExplicitDeny',
      matched: [{ policyName: 'p', index: 1 }],
      unevaluableConditions: [
        {
          statement: { policyName: 'p', index: 1 },
          reason:
            'StringNotEquals on aws:SourceVpc: the local stage does not know aws:SourceVpc for this request',
        },
      ],
    });
  });

  it('rests an explicit deny on a Deny that matched, not on one it could not evaluate', () => {
    const policies = [
      policy(
        'p',
        {
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } },
        },
        { Effect: 'Deny', Action: 'execute-api:Invoke', Resource: '*' },
      ),
    ];
    expect(evaluate(policies, invoke(USERS_GET))).toEqual({
      effect: 'ExplicitDeny',
      matched: [{ policyName: 'p', index: 1 }],
    });
  });

  it('a Deny with one false condition does not apply even if another cannot be evaluated', () => {
    const policies = [
      policy(
        'p',
        { Effect: 'Allow', Action: '*', Resource: '*' },
        {
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' }, StringEquals: { 'aws:SourceVpc': 'vpc-1' } },
        },
      ),
    ];
    expect(evaluate(policies, invoke(USERS_GET, { 'aws:SecureTransport': 'true' })).effect).toBe('Allow');
  });

  it('an unknown operator makes the statement unevaluable', () => {
    const policies = [
      policy('p', {
        Effect: 'Allow',
        Action: '*',
        Resource: '*',
        Condition: { StringSortOf: { 'aws:SourceIp': 'x' } },
      }),
    ];
    const decision = evaluate(policies, invoke(USERS_GET, { 'aws:SourceIp': '127.0.0.1' }));
    expect(decision.effect).toBe('ImplicitDeny');
    expect(decision.effect === 'ImplicitDeny' && decision.unevaluableConditions[0]?.reason).toBe(
      'StringSortOf on aws:SourceIp: the local stage does not evaluate the operator StringSortOf',
    );
  });

  it('does not report the conditions of statements whose action or resource did not match anyway', () => {
    const policies = [policy('p', { ...fromLoopback, Resource: USERS_POST })];
    expect(evaluate(policies, invoke(USERS_GET))).toEqual({
      effect: 'ImplicitDeny',
      unevaluableConditions: [],
    });
  });
});

/** Writes an IAM policy variable, `${key}`, without a string that looks like a mistaken template. */
const variable = (key: string) => `\${${key}}`;

describe('evaluate: policy variables', () => {
  const own: Statement = {
    Effect: 'Allow',
    Action: 'ssm:GetParameter',
    Resource: `arn:aws:ssm:us-east-1:000000000000:parameter/home/${variable('aws:username')}/*`,
  };
  const request = (context?: Record<string, string>) => ({
    action: 'ssm:GetParameter',
    resource: 'arn:aws:ssm:us-east-1:000000000000:parameter/home/ada/key',
    context,
  });

  it('substitutes variables from the request context in 2012-10-17 policies', () => {
    expect(evaluate([policy('p', own)], request({ 'aws:username': 'ada' })).effect).toBe('Allow');
    expect(evaluate([policy('p', own)], request({ 'aws:username': 'bob' })).effect).toBe('ImplicitDeny');
  });

  it('reports a variable the request has no value for instead of crashing', () => {
    const decision = evaluate([policy('p', own)], request());
    expect(decision).toEqual({
      effect: 'ImplicitDeny',
      unevaluableConditions: [
        {
          statement: { policyName: 'p', index: 0 },
          reason: `Resource ${own.Resource}: the policy variable \${aws:username} has no value in the request context`,
        },
      ],
    });
  });

  it('treats variables as literal text in policies without Version 2012-10-17', () => {
    const old: NamedPolicy = { name: 'old', document: { Version: '2008-10-17', Statement: [own] } };
    expect(evaluate([old], request({ 'aws:username': 'ada' })).effect).toBe('ImplicitDeny');
    const literal = {
      ...request(),
      resource: `arn:aws:ssm:us-east-1:000000000000:parameter/home/${variable('aws:username')}/key`,
    };
    expect(evaluate([old], literal).effect).toBe('Allow');
  });
});
