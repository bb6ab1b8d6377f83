import {
  ANONYMOUS,
  type AuthorizationDecision,
  decide,
  type PrincipalUnderEvaluation,
  type RequestToAuthorize,
  type ResourcePolicy,
} from '../../src/iam';
import type { NamedPolicy, Statement } from '../../src/types';

const OWNER = '000000000000';
const OTHER = '111111111111';
const METHOD = `arn:aws:execute-api:us-east-1:${OWNER}:abc123/local/GET/users/42`;
const INVOKE: RequestToAuthorize = { action: 'execute-api:Invoke', resource: METHOD };

function policy(name: string, ...statements: Statement[]): NamedPolicy {
  return { name, document: { Version: '2012-10-17', Statement: statements } };
}

/** A session of role `orders` (path `/service/`) in `account`. */
function session(account: string, policies: NamedPolicy[], boundary?: NamedPolicy): PrincipalUnderEvaluation {
  return {
    arn: `arn:aws:sts::${account}:assumed-role/orders/orders-fn`,
    accountId: account,
    roleArn: `arn:aws:iam::${account}:role/service/orders`,
    userId: 'AROAORDERSEXAMPLE0001:orders-fn',
    policies,
    ...(boundary ? { permissionsBoundary: boundary } : {}),
  };
}

const allowInvoke: Statement = { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: METHOD };
const denyInvoke: Statement = { Effect: 'Deny', Action: 'execute-api:Invoke', Resource: METHOD };

function resourcePolicy(...statements: Statement[]): ResourcePolicy {
  return {
    name: 'users-local',
    document: policy('users-local', ...statements).document,
    ownerAccountId: OWNER,
  };
}

type Verdict = 'Allow' | 'Neither' | 'Deny';

function identityPolicies(verdict: Verdict): NamedPolicy[] {
  if (verdict === 'Neither') return [];
  return [policy('identity', verdict === 'Allow' ? allowInvoke : denyInvoke)];
}

function apiPolicy(verdict: Verdict, principal: Statement['Principal']): ResourcePolicy {
  if (verdict === 'Neither')
    return resourcePolicy({ ...allowInvoke, Principal: principal, Resource: `${METHOD}/nothing` });
  return resourcePolicy({ ...(verdict === 'Allow' ? allowInvoke : denyInvoke), Principal: principal });
}

describe('How API Gateway resource policies affect authorization workflow', () => {
  // Table A: account A calls an API owned by account A.
  it.each<[Verdict, Verdict, AuthorizationDecision['effect']]>([
    ['Allow', 'Allow', 'Allow'],
    ['Allow', 'Neither', 'Allow'],
    ['Allow', 'Deny', 'ExplicitDeny'],
    ['Neither', 'Allow', 'Allow'],
    ['Neither', 'Neither', 'ImplicitDeny'],
    ['Neither', 'Deny', 'ExplicitDeny'],
    ['Deny', 'Allow', 'ExplicitDeny'],
    ['Deny', 'Neither', 'ExplicitDeny'],
    ['Deny', 'Deny', 'ExplicitDeny'],
  ])('table A (same account): IAM policy %s, resource policy %s → %s', (identity, resource, effect) => {
    const decision = decide({
      principal: session(OWNER, identityPolicies(identity)),
      request: INVOKE,
      resourcePolicy: apiPolicy(resource, '*'),
    });
    expect(decision.effect).toBe(effect);
    expect(decision.crossAccount).toBe(false);
  });

  // Table B: account B calls an API owned by account A; both must allow.
  it.each<[Verdict, Verdict, AuthorizationDecision['effect']]>([
    ['Allow', 'Allow', 'Allow'],
    ['Allow', 'Neither', 'ImplicitDeny'],
    ['Allow', 'Deny', 'ExplicitDeny'],
    ['Neither', 'Allow', 'ImplicitDeny'],
    ['Neither', 'Neither', 'ImplicitDeny'],
    ['Neither', 'Deny', 'ExplicitDeny'],
    ['Deny', 'Allow', 'ExplicitDeny'],
    ['Deny', 'Neither', 'ExplicitDeny'],
    ['Deny', 'Deny', 'ExplicitDeny'],
  ])('table B (cross-account): IAM policy %s, resource policy %s → %s', (identity, resource, effect) => {
    const decision = decide({
      principal: session(OTHER, identityPolicies(identity)),
      request: INVOKE,
      resourcePolicy: apiPolicy(resource, { AWS: OTHER }),
    });
    expect(decision.effect).toBe(effect);
    expect(decision.crossAccount).toBe(true);
  });

  it('says which policy held the explicit deny and which statements applied', () => {
    const decision = decide({
      principal: session(OWNER, identityPolicies('Allow')),
      request: INVOKE,
      resourcePolicy: resourcePolicy({ Sid: 'NoOne', ...denyInvoke, Principal: '*' }),
    });
    expect(decision).toMatchObject({
      effect: 'ExplicitDeny',
      decidedBy: 'resource',
      matched: [{ policyType: 'resource', policyName: 'users-local', index: 0, sid: 'NoOne' }],
      unevaluableConditions: [],
    });
  });

  it('names the resource policy as the one missing when a cross-account caller is allowed only by its own account', () => {
    const decision = decide({
      principal: session(OTHER, identityPolicies('Allow')),
      request: INVOKE,
      resourcePolicy: apiPolicy('Neither', { AWS: OTHER }),
    });
    expect(decision).toMatchObject({ effect: 'ImplicitDeny', decidedBy: 'resource' });
  });

  it('applies a resource-policy Deny whose condition it cannot evaluate, and says so', () => {
    const decision = decide({
      principal: session(OWNER, identityPolicies('Allow')),
      request: INVOKE,
      resourcePolicy: resourcePolicy({
        ...denyInvoke,
        Principal: '*',
        Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-123' } },
      }),
    });
    expect(decision).toMatchObject({
      effect: 'ExplicitDeny',
      decidedBy: 'resource',
      unevaluableConditions: [
        {
          statement: { policyType: 'resource', index: 0 },
          reason:
            'StringNotEquals on aws:PrincipalOrgID: the local stage does not know aws:PrincipalOrgID for this request',
        },
      ],
    });
  });
});

describe('How API Gateway resource policies affect authorization workflow: resource policy only', () => {
  // A method without authorization: the caller is anonymous and only the resource policy can allow.
  const anonymously = (policy?: ResourcePolicy) =>
    decide({ principal: ANONYMOUS, request: INVOKE, ...(policy ? { resourcePolicy: policy } : {}) });

  it('needs an explicit Allow for everyone', () => {
    expect(anonymously(resourcePolicy({ ...allowInvoke, Principal: '*' }))).toMatchObject({
      effect: 'Allow',
      decidedBy: 'resource',
      crossAccount: false,
    });
  });

  it('is denied implicitly when the policy is silent or names only accounts and roles, explicitly by a Deny', () => {
    expect(anonymously(apiPolicy('Neither', '*'))).toMatchObject({
      effect: 'ImplicitDeny',
      decidedBy: 'resource',
    });
    expect(anonymously(resourcePolicy({ ...allowInvoke, Principal: { AWS: OWNER } })).effect).toBe(
      'ImplicitDeny',
    );
    expect(anonymously(resourcePolicy({ ...denyInvoke, Principal: '*' })).effect).toBe('ExplicitDeny');
    expect(anonymously().effect).toBe('ImplicitDeny');
  });
});

describe('Policy evaluation logic: resource-based policies within one account', () => {
  const boundaryWithoutInvoke = policy('boundary', {
    Effect: 'Allow',
    Action: 'ssm:GetParameter',
    Resource: '*',
  });
  const grantTo = (principal: Statement['Principal']) =>
    resourcePolicy({ ...allowInvoke, Principal: principal });

  it.each<[string, Statement['Principal'], AuthorizationDecision['effect']]>([
    [
      'the session itself: not limited by the boundary',
      { AWS: `arn:aws:sts::${OWNER}:assumed-role/orders/orders-fn` },
      'Allow',
    ],
    ['"*": no other permission needed, nor limited by the boundary', '*', 'Allow'],
    [
      'the role: limited by the boundary',
      { AWS: `arn:aws:iam::${OWNER}:role/service/orders` },
      'ImplicitDeny',
    ],
    [
      'the account: delegated to identity policies, which do not allow',
      { AWS: `arn:aws:iam::${OWNER}:root` },
      'ImplicitDeny',
    ],
  ])('a grant naming %s', (_, principal, effect) => {
    const decision = decide({
      principal: session(OWNER, [], boundaryWithoutInvoke),
      request: INVOKE,
      resourcePolicy: grantTo(principal),
    });
    expect(decision.effect).toBe(effect);
  });

  it('a grant to the role works without identity policies when the boundary allows it', () => {
    const boundary = policy('boundary', { Effect: 'Allow', Action: 'execute-api:*', Resource: '*' });
    const decision = decide({
      principal: session(OWNER, [], boundary),
      request: INVOKE,
      resourcePolicy: grantTo({ AWS: `arn:aws:iam::${OWNER}:role/service/orders` }),
    });
    expect(decision).toMatchObject({
      effect: 'Allow',
      decidedBy: 'resource',
      matched: [
        { policyType: 'resource', index: 0 },
        { policyType: 'boundary', index: 0 },
      ],
    });
  });

  it('a grant to the role that the boundary does not allow is denied by the boundary', () => {
    const decision = decide({
      principal: session(OWNER, [], boundaryWithoutInvoke),
      request: INVOKE,
      resourcePolicy: grantTo({ AWS: `arn:aws:iam::${OWNER}:role/service/orders` }),
    });
    expect(decision).toMatchObject({ effect: 'ImplicitDeny', decidedBy: 'boundary' });
  });

  it('an explicit deny in the identity policy overrides a resource-policy grant to the session', () => {
    const decision = decide({
      principal: session(OWNER, identityPolicies('Deny')),
      request: INVOKE,
      resourcePolicy: grantTo('*'),
    });
    expect(decision).toMatchObject({ effect: 'ExplicitDeny', decidedBy: 'identity' });
  });
});

describe('Permissions boundaries for IAM entities', () => {
  const identity = [
    policy('identity', {
      Effect: 'Allow',
      Action: ['execute-api:Invoke', 'ssm:GetParameter'],
      Resource: '*',
    }),
  ];
  const readParameter = {
    action: 'ssm:GetParameter',
    resource: `arn:aws:ssm:us-east-1:${OWNER}:parameter/x`,
  };

  it('allows what both the identity policies and the boundary allow, naming the statements of both', () => {
    const boundary = policy('boundary', { Effect: 'Allow', Action: 'ssm:Get*', Resource: '*' });
    expect(decide({ principal: session(OWNER, identity, boundary), request: readParameter })).toMatchObject({
      effect: 'Allow',
      decidedBy: 'identity',
      matched: [
        { policyType: 'identity', policyName: 'identity', index: 0 },
        { policyType: 'boundary', policyName: 'boundary', index: 0 },
      ],
    });
  });

  it('denies what the identity policies allow outside the boundary, as the boundary', () => {
    const boundary = policy('boundary', { Effect: 'Allow', Action: 'ssm:Get*', Resource: '*' });
    expect(decide({ principal: session(OWNER, identity, boundary), request: INVOKE })).toMatchObject({
      effect: 'ImplicitDeny',
      decidedBy: 'boundary',
    });
  });

  it('grants nothing by itself', () => {
    const boundary = policy('boundary', { Effect: 'Allow', Action: '*', Resource: '*' });
    expect(decide({ principal: session(OWNER, [], boundary), request: INVOKE })).toMatchObject({
      effect: 'ImplicitDeny',
      decidedBy: 'identity',
    });
  });

  it('denies explicitly with a Deny of its own', () => {
    const boundary = policy(
      'boundary',
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Effect: 'Deny', Action: 'ssm:*', Resource: '*' },
    );
    expect(decide({ principal: session(OWNER, identity, boundary), request: readParameter })).toMatchObject({
      effect: 'ExplicitDeny',
      decidedBy: 'boundary',
      matched: [{ policyType: 'boundary', index: 1 }],
    });
  });

  it('an empty boundary (one the stage does not know) allows nothing', () => {
    const unknown: NamedPolicy = {
      name: 'arn:aws:iam::aws:policy/PowerUserAccess',
      document: { Statement: [] },
    };
    expect(decide({ principal: session(OWNER, identity, unknown), request: readParameter }).effect).toBe(
      'ImplicitDeny',
    );
  });
});

describe('AWS JSON policy elements: Principal', () => {
  const grant = (principal: Statement['Principal']) =>
    decide({
      principal: session(OWNER, []),
      request: INVOKE,
      resourcePolicy: resourcePolicy({ ...allowInvoke, Principal: principal }),
    });

  it.each<[string, Statement['Principal']]>([
    ['"*"', '*'],
    ['{"AWS": "*"}', { AWS: '*' }],
    ['the session ARN', { AWS: `arn:aws:sts::${OWNER}:assumed-role/orders/orders-fn` }],
    [
      'one of several values',
      { AWS: [`arn:aws:iam::${OTHER}:root`, `arn:aws:sts::${OWNER}:assumed-role/orders/orders-fn`] },
    ],
  ])('a grant to %s allows the caller on its own', (_, principal) => {
    expect(grant(principal).effect).toBe('Allow');
  });

  it.each<[string, Statement['Principal']]>([
    ['another session of the role', { AWS: `arn:aws:sts::${OWNER}:assumed-role/orders/other` }],
    ['a role of the same name without its path', { AWS: `arn:aws:iam::${OWNER}:role/orders` }],
    ['another account', { AWS: OTHER }],
    ['a service', { Service: 'lambda.amazonaws.com' }],
  ])('a grant to %s does not apply to the caller', (_, principal) => {
    expect(grant(principal).effect).toBe('ImplicitDeny');
  });

  it('a session of a role matches the role ARN, and the account by id or root ARN', () => {
    const allowedByIdentity = [policy('identity', allowInvoke)];
    for (const principal of [
      { AWS: `arn:aws:iam::${OWNER}:role/service/orders` },
      { AWS: OWNER },
      { AWS: `arn:aws:iam::${OWNER}:root` },
    ]) {
      const decision = decide({
        principal: session(OWNER, allowedByIdentity),
        request: INVOKE,
        resourcePolicy: resourcePolicy({ ...denyInvoke, Principal: principal }),
      });
      expect(decision.effect).toBe('ExplicitDeny');
    }
  });

  it('a principal with a partial wildcard is unevaluable: its Allow grants nothing', () => {
    const decision = grant({ AWS: `arn:aws:iam::${OWNER}:role/*` });
    expect(decision.effect).toBe('ImplicitDeny');
    expect(decision.unevaluableConditions[0]?.reason).toContain('uses a wildcard');
  });

  it('matches an IAM user by its user ARN', () => {
    const user: PrincipalUnderEvaluation = {
      arn: `arn:aws:iam::${OWNER}:user/ada`,
      accountId: OWNER,
      userId: 'AIDAEXAMPLEEXAMPLE01',
      policies: [],
    };
    const decision = decide({
      principal: user,
      request: INVOKE,
      resourcePolicy: resourcePolicy({ ...allowInvoke, Principal: { AWS: user.arn } }),
    });
    expect(decision).toMatchObject({ effect: 'Allow', decidedBy: 'resource' });
  });
});

describe('AWS JSON policy elements: NotPrincipal', () => {
  const allowed = [policy('identity', allowInvoke)];
  const denyAllBut = (...names: string[]) =>
    decide({
      principal: session(OWNER, allowed),
      request: INVOKE,
      resourcePolicy: resourcePolicy({ ...denyInvoke, NotPrincipal: { AWS: names } }),
    }).effect;
  const sessionArn = `arn:aws:sts::${OWNER}:assumed-role/orders/orders-fn`;
  const roleArn = `arn:aws:iam::${OWNER}:role/service/orders`;
  const accountArn = `arn:aws:iam::${OWNER}:root`;

  it('a Deny spares a caller only when its session, role and account are all listed', () => {
    expect(denyAllBut(sessionArn, roleArn, accountArn)).toBe('Allow');
    expect(denyAllBut(sessionArn)).toBe('ExplicitDeny');
    expect(denyAllBut(sessionArn, roleArn)).toBe('ExplicitDeny');
    expect(denyAllBut(`arn:aws:iam::${OTHER}:root`)).toBe('ExplicitDeny');
  });

  it('an Allow grants a caller none of whose levels is listed, and no one else', () => {
    const allowAllBut = (...names: string[]) =>
      decide({
        principal: session(OWNER, []),
        request: INVOKE,
        resourcePolicy: resourcePolicy({ ...allowInvoke, NotPrincipal: { AWS: names } }),
      }).effect;
    expect(allowAllBut(`arn:aws:iam::${OTHER}:root`)).toBe('Allow');
    expect(allowAllBut(roleArn)).toBe('ImplicitDeny');
    expect(allowAllBut(accountArn)).toBe('ImplicitDeny');
  });
});

describe('Cross-account policy evaluation logic', () => {
  const admin = session(OWNER, [
    policy('AdministratorAccess', { Effect: 'Allow', Action: '*', Resource: '*' }),
  ]);

  it('refuses a resource of another account that has no resource-based policy, naming the missing policy type', () => {
    const decision = decide({
      principal: admin,
      request: {
        action: 'ssm:GetParameter',
        resource: `arn:aws:ssm:us-east-1:${OTHER}:parameter/shared/url`,
      },
    });
    expect(decision).toMatchObject({ effect: 'ImplicitDeny', decidedBy: 'resource', crossAccount: true });
  });

  it('allows the same caller on its own account and on actions without a resource', () => {
    for (const resource of [`arn:aws:ssm:us-east-1:${OWNER}:parameter/shared/url`, '*']) {
      expect(decide({ principal: admin, request: { action: 'ssm:GetParameter', resource } }).effect).toBe(
        'Allow',
      );
    }
  });
});
