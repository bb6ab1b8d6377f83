import {
  AccessRecorder,
  awsManagedPolicy,
  decide,
  formatAccessReport,
  type RequestToAuthorize,
} from '../../src/iam';
import type { Principal } from '../../src/types';

const ORDERS_ROLE = 'orders-local-us-east-1-lambdaRole';
const USERS_API = 'arn:aws:execute-api:us-east-1:000000000000:abc123/local';

function ordersSession(session: string): Principal {
  return {
    arn: `arn:aws:sts::000000000000:assumed-role/${ORDERS_ROLE}/${session}`,
    userId: `AROAORDERS:${session}`,
    accountId: '000000000000',
    roleName: ORDERS_ROLE,
    policies: [
      {
        name: 'orders-local-lambda',
        document: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'ReadUsers',
              Effect: 'Allow',
              Action: 'execute-api:Invoke',
              Resource: `${USERS_API}/GET/users/*`,
            },
            {
              Sid: 'ReadUrl',
              Effect: 'Allow',
              Action: 'ssm:GetParameter',
              Resource: 'arn:aws:ssm:*:*:parameter/local/users/url',
            },
            { Effect: 'Deny', Action: 'execute-api:Invoke', Resource: `${USERS_API}/DELETE/*` },
          ],
        },
      },
    ],
  };
}

const developer: Principal = {
  arn: 'arn:aws:iam::000000000000:user/developer',
  userId: 'AIDADEVELOPER',
  accountId: '000000000000',
  policies: [
    { name: 'everything', document: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
  ],
};

const unusedRole: Principal = {
  ...ordersSession('x'),
  roleName: 'notifications-role',
  arn: 'arn:aws:sts::000000000000:assumed-role/notifications-role/x',
};

function call(recorder: AccessRecorder, principal: Principal, request: RequestToAuthorize): void {
  recorder.record(principal, request, decide({ principal, request }));
}

function recorded(): AccessRecorder {
  const recorder = new AccessRecorder();
  const create = ordersSession('orders-local-createOrder');
  const list = ordersSession('orders-local-listOrders');
  call(recorder, create, { action: 'execute-api:Invoke', resource: `${USERS_API}/GET/users/42` });
  call(recorder, list, { action: 'execute-api:Invoke', resource: `${USERS_API}/GET/users/7` });
  call(recorder, create, { action: 'execute-api:Invoke', resource: `${USERS_API}/POST/users` });
  call(recorder, create, { action: 'execute-api:Invoke', resource: `${USERS_API}/POST/users` });
  call(recorder, create, { action: 'execute-api:Invoke', resource: `${USERS_API}/DELETE/users/42` });
  call(recorder, developer, {
    action: 'ssm:PutParameter',
    resource: 'arn:aws:ssm:us-east-1:000000000000:parameter/x',
  });
  return recorder;
}

describe('AccessRecorder', () => {
  it("groups a role's sessions and counts each statement's uses, unused ones at zero", () => {
    const report = recorded().report([ordersSession('orders-local-createOrder')]);
    const orders = report.roles.find((role) => role.role === ORDERS_ROLE);
    expect(orders?.principalArns).toEqual([
      `arn:aws:sts::000000000000:assumed-role/${ORDERS_ROLE}/orders-local-createOrder`,
      `arn:aws:sts::000000000000:assumed-role/${ORDERS_ROLE}/orders-local-listOrders`,
    ]);
    expect(
      orders?.statements.map(({ statement, effect, uses }) => [
        statement.sid ?? statement.index,
        effect,
        uses,
      ]),
    ).toEqual([
      ['ReadUsers', 'Allow', 2],
      ['ReadUrl', 'Allow', 0],
      [2, 'Deny', 1],
    ]);
  });

  it('lists roles that never made a request, and principals not passed in that did', () => {
    const report = recorded().report([unusedRole]);
    expect(report.roles.map((role) => role.role).sort()).toEqual(
      [ORDERS_ROLE, developer.arn, 'notifications-role'].sort(),
    );
    const notifications = report.roles.find((role) => role.role === 'notifications-role');
    expect(notifications?.principalArns).toEqual([]);
    expect(notifications?.statements.every((usage) => usage.uses === 0)).toBe(true);
  });

  it('records every denial with principal, action, resource and why, counting repeats', () => {
    const { denials } = recorded().report([]);
    expect(denials).toEqual([
      {
        role: ORDERS_ROLE,
        principalArn: `arn:aws:sts::000000000000:assumed-role/${ORDERS_ROLE}/orders-local-createOrder`,
        action: 'execute-api:Invoke',
        resource: `${USERS_API}/POST/users`,
        effect: 'ImplicitDeny',
        decidedBy: 'identity',
        reason: 'no identity-based policy allows it',
        count: 2,
      },
      {
        role: ORDERS_ROLE,
        principalArn: `arn:aws:sts::000000000000:assumed-role/${ORDERS_ROLE}/orders-local-createOrder`,
        action: 'execute-api:Invoke',
        resource: `${USERS_API}/DELETE/users/42`,
        effect: 'ExplicitDeny',
        decidedBy: 'identity',
        reason: 'explicit deny in statement 2 of policy orders-local-lambda',
        count: 1,
      },
    ]);
  });

  it('says in a denial which condition could not be evaluated', () => {
    const recorder = new AccessRecorder();
    const principal: Principal = {
      ...developer,
      policies: [
        {
          name: 'vpc-only',
          document: {
            Statement: [
              {
                Effect: 'Allow',
                Action: '*',
                Resource: '*',
                Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } },
              },
            ],
          },
        },
      ],
    };
    call(recorder, principal, { action: 'ssm:GetParameter', resource: '*' });
    expect(recorder.report([]).denials[0]?.reason).toBe(
      'no identity-based policy allows it; [local stage] could not evaluate statement 0 of policy vpc-only: ' +
        'StringEquals on aws:SourceVpc: the local stage does not know aws:SourceVpc for this request',
    );
  });
});

describe('formatAccessReport', () => {
  it('shows used and never-used statements per role, then the denials', () => {
    const text = formatAccessReport(recorded().report([unusedRole]));
    expect(text).toContain(`Role ${ORDERS_ROLE}`);
    expect(text).toContain(
      `used 2×     statement 0 "ReadUsers" of policy orders-local-lambda: Allow execute-api:Invoke on ${USERS_API}/GET/users/*`,
    );
    expect(text).toContain(
      'NEVER USED  statement 1 "ReadUrl" of policy orders-local-lambda: Allow ssm:GetParameter on',
    );
    expect(text).toContain('Denials (3):');
    expect(text).toContain(
      `2× arn:aws:sts::000000000000:assumed-role/${ORDERS_ROLE}/orders-local-createOrder: execute-api:Invoke on ${USERS_API}/POST/users`,
    );
    expect(text).toContain('why: no identity-based policy allows it');
  });

  it('says so when nothing was denied', () => {
    expect(formatAccessReport(new AccessRecorder().report([developer]))).toContain('Denials: none');
  });
});

describe('Lambda service statements in the access report', () => {
  it('marks CloudWatch Logs statements as used by Lambda rather than never used, and labels users apart from roles', () => {
    const principal = ordersSession('orders-local-createOrder');
    const logging: Principal = {
      ...principal,
      policies: [
        {
          name: 'orders-local-lambda',
          document: {
            Statement: [
              { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' },
            ],
          },
        },
      ],
    };
    const text = formatAccessReport(new AccessRecorder().report([logging, developer]));
    expect(text).toContain('by Lambda');
    expect(text).not.toMatch(/NEVER USED.*logs:/);
    expect(text).toContain(`Role ${ORDERS_ROLE}`);
    expect(text).toContain(`Principal ${developer.arn}`);
  });

  it("marks the X-Ray and VPC managed policies' statements as used by Lambda, and not a statement that also grants a call", () => {
    const managed = ['AWSXRayDaemonWriteAccess', 'service-role/AWSLambdaVPCAccessExecutionRole'].map(
      (name) => {
        const policy = awsManagedPolicy(`arn:aws:iam::aws:policy/${name}`);
        if (!policy) throw new Error(`${name} is not known`);
        return policy;
      },
    );
    const mixed = {
      name: 'orders-local-lambda',
      document: {
        Statement: [
          { Effect: 'Allow' as const, Action: ['xray:PutTraceSegments', 'ssm:GetParameter'], Resource: '*' },
        ],
      },
    };
    const principal = { ...ordersSession('a'), policies: [...managed, mixed] };
    const role = new AccessRecorder().report([principal]).roles[0];
    expect(
      role?.statements.map(({ statement, forLambdaService }) => [statement.policyName, forLambdaService]),
    ).toEqual([
      ['AWSXRayDaemonWriteAccess', true],
      ['AWSLambdaVPCAccessExecutionRole', true],
      ['orders-local-lambda', false],
    ]);
  });
});

describe('the access report with managed policies and permissions boundaries', () => {
  const managed = {
    name: 'AWSLambdaBasicExecutionRole',
    document: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow' as const, Action: ['logs:CreateLogGroup', 'logs:PutLogEvents'], Resource: '*' },
      ],
    },
  };
  const boundary = {
    name: 'orders-boundary',
    document: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow' as const, Action: 'execute-api:Invoke', Resource: '*' },
        { Effect: 'Allow' as const, Action: 'dynamodb:*', Resource: '*' },
      ],
    },
  };
  const capped = (session: string): Principal => {
    const principal = ordersSession(session);
    return { ...principal, policies: [...principal.policies, managed], permissionsBoundary: boundary };
  };

  it("lists the managed policies' and the boundary's statements, counting the boundary statements that let requests through", () => {
    const recorder = new AccessRecorder();
    call(recorder, capped('a'), { action: 'execute-api:Invoke', resource: `${USERS_API}/GET/users/1` });
    call(recorder, capped('a'), {
      action: 'ssm:GetParameter',
      resource: 'arn:aws:ssm:us-east-1:000000000000:parameter/local/users/url',
    });
    const orders = recorder.report([]).roles.find((role) => role.role === ORDERS_ROLE);
    expect(
      orders?.statements.map(({ statement, uses, forLambdaService }) => [
        statement.policyType,
        statement.policyName,
        statement.index,
        uses,
        forLambdaService,
      ]),
    ).toEqual([
      ['identity', 'orders-local-lambda', 0, 1, false],
      ['identity', 'orders-local-lambda', 1, 0, false],
      ['identity', 'orders-local-lambda', 2, 0, false],
      ['identity', 'AWSLambdaBasicExecutionRole', 0, 0, true],
      ['boundary', 'orders-boundary', 0, 1, false],
      ['boundary', 'orders-boundary', 1, 0, false],
    ]);
    const text = formatAccessReport(recorder.report([]));
    expect(text).toContain('by Lambda   statement 0 of policy AWSLambdaBasicExecutionRole');
    expect(text).toContain(
      'used 1×     statement 0 of permissions boundary orders-boundary: Allow execute-api:Invoke on *',
    );
    expect(text).toContain('why: no permissions boundary allows it');
  });

  it('names a cross-account refusal as the missing resource-based policy', () => {
    const recorder = new AccessRecorder();
    call(recorder, developer, {
      action: 'ssm:GetParameter',
      resource: 'arn:aws:ssm:us-east-1:111111111111:parameter/shared',
    });
    expect(recorder.report([]).denials[0]).toMatchObject({
      decidedBy: 'resource',
      reason: 'no resource-based policy allows it (the resource belongs to another account)',
    });
  });
});
