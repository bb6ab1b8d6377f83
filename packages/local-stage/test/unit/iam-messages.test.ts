import { type AuthorizationDecision, accessDeniedMessage, type PolicyType } from '../../src/iam';

const CALLER =
  'arn:aws:sts::000000000000:assumed-role/orders-local-us-east-1-lambdaRole/orders-local-createOrder';
const METHOD = 'arn:aws:execute-api:us-east-1:000000000000:abc123/local/POST/users';
const PARAMETER = 'arn:aws:ssm:us-east-1:000000000000:parameter/local/users/url';

function denial(
  effect: 'ExplicitDeny' | 'ImplicitDeny',
  decidedBy: PolicyType = 'identity',
  unevaluableConditions: AuthorizationDecision['unevaluableConditions'] = [],
): AuthorizationDecision {
  return {
    effect,
    decidedBy,
    matched: effect === 'ExplicitDeny' ? [{ policyName: 'guard', index: 0, policyType: decidedBy }] : [],
    unevaluableConditions,
    crossAccount: false,
    verdicts: { identity: { effect: 'ImplicitDeny', unevaluableConditions: [] } },
  };
}

describe('accessDeniedMessage: API Gateway', () => {
  it('words an implicit denial as API Gateway does', () => {
    expect(
      accessDeniedMessage(CALLER, 'execute-api:Invoke', METHOD, denial('ImplicitDeny'), 'execute-api'),
    ).toBe(`User: ${CALLER} is not authorized to perform: execute-api:Invoke on resource: ${METHOD}`);
  });

  it.each<PolicyType>(['identity', 'resource', 'boundary'])(
    'ends an explicit denial in a %s policy with " with an explicit deny"',
    (decidedBy) => {
      expect(
        accessDeniedMessage(
          CALLER,
          'execute-api:Invoke',
          METHOD,
          denial('ExplicitDeny', decidedBy),
          'execute-api',
        ),
      ).toBe(
        `User: ${CALLER} is not authorized to perform: execute-api:Invoke on resource: ${METHOD} with an explicit deny`,
      );
    },
  );
});

describe('Troubleshoot access denied error messages: JSON-protocol services', () => {
  it.each<[PolicyType, string]>([
    ['identity', 'because no identity-based policy allows the ssm:GetParameter action'],
    ['boundary', 'because no permissions boundary allows the ssm:GetParameter action'],
    ['resource', 'because no resource-based policy allows the ssm:GetParameter action'],
  ])('names the %s policy type that did not allow an implicit denial', (decidedBy, ending) => {
    expect(
      accessDeniedMessage(CALLER, 'ssm:GetParameter', PARAMETER, denial('ImplicitDeny', decidedBy), 'json'),
    ).toBe(
      `User: ${CALLER} is not authorized to perform: ssm:GetParameter on resource: ${PARAMETER} ${ending}`,
    );
  });

  it.each<[PolicyType, string]>([
    ['identity', 'with an explicit deny in an identity-based policy'],
    ['boundary', 'with an explicit deny in a permissions boundary'],
    ['resource', 'with an explicit deny in a resource-based policy'],
  ])('names the %s policy type that held an explicit deny', (decidedBy, ending) => {
    expect(
      accessDeniedMessage(CALLER, 'ssm:GetParameter', PARAMETER, denial('ExplicitDeny', decidedBy), 'json'),
    ).toBe(
      `User: ${CALLER} is not authorized to perform: ssm:GetParameter on resource: ${PARAMETER} ${ending}`,
    );
  });
});

describe('accessDeniedMessage: what the local stage could not evaluate', () => {
  it('adds a [local stage] sentence naming an Allow condition it could not evaluate', () => {
    const decision = denial('ImplicitDeny', 'identity', [
      {
        statement: { policyName: 'orders-lambda', index: 2, sid: 'FromVpc', policyType: 'identity' },
        reason: 'StringEquals on aws:SourceVpc: the local stage does not know aws:SourceVpc for this request',
      },
    ]);
    expect(accessDeniedMessage(CALLER, 'execute-api:Invoke', METHOD, decision, 'execute-api')).toBe(
      `User: ${CALLER} is not authorized to perform: execute-api:Invoke on resource: ${METHOD}. ` +
        '[local stage] Could not evaluate statement 2 "FromVpc" of policy orders-lambda ' +
        '(StringEquals on aws:SourceVpc: the local stage does not know aws:SourceVpc for this request). ' +
        'An Allow statement it cannot evaluate grants nothing.',
    );
  });

  it('says when an explicit deny rests on a Deny condition it could not evaluate, naming the policy type', () => {
    const decision = denial('ExplicitDeny', 'boundary', [
      { statement: { policyName: 'guard', index: 0, policyType: 'boundary' }, reason: 'Bad on aws:X: why' },
    ]);
    expect(accessDeniedMessage(CALLER, 'ssm:GetParameter', PARAMETER, decision, 'json')).toMatch(
      /with an explicit deny in a permissions boundary\. \[local stage\] Could not evaluate statement 0 of permissions boundary guard \(Bad on aws:X: why\)\. A Deny statement it cannot evaluate is applied as if it matched\.$/,
    );
  });

  it('refuses to word an allowed request as a denial', () => {
    const allowed: AuthorizationDecision = { ...denial('ImplicitDeny'), effect: 'Allow' };
    expect(() => accessDeniedMessage(CALLER, 'ssm:GetParameter', PARAMETER, allowed, 'json')).toThrow(
      'was allowed',
    );
  });
});
