import { accessDeniedMessage, type Decision } from '../../src/iam';

const CALLER =
  'arn:aws:sts::000000000000:assumed-role/orders-local-us-east-1-lambdaRole/orders-local-createOrder';
const METHOD = 'arn:aws:execute-api:us-east-1:000000000000:abc123/local/POST/users';
const PARAMETER = 'arn:aws:ssm:us-east-1:000000000000:parameter/local/users/url';

const implicit: Decision = { effect: 'ImplicitDeny', unevaluableConditions: [] };
const explicit: Decision = { effect: 'ExplicitDeny', matched: [{ policyName: 'guard', index: 0 }] };

describe('accessDeniedMessage', () => {
  it('words an API Gateway implicit denial as API Gateway does', () => {
    expect(accessDeniedMessage(CALLER, 'execute-api:Invoke', METHOD, implicit, 'execute-api')).toBe(
      `User: ${CALLER} is not authorized to perform: execute-api:Invoke on resource: ${METHOD}`,
    );
  });

  it('ends an API Gateway explicit denial with " with an explicit deny"', () => {
    expect(accessDeniedMessage(CALLER, 'execute-api:Invoke', METHOD, explicit, 'execute-api')).toBe(
      `User: ${CALLER} is not authorized to perform: execute-api:Invoke on resource: ${METHOD} with an explicit deny`,
    );
  });

  it('words a JSON-protocol implicit denial with "because no identity-based policy allows"', () => {
    expect(accessDeniedMessage(CALLER, 'ssm:GetParameter', PARAMETER, implicit, 'json')).toBe(
      `User: ${CALLER} is not authorized to perform: ssm:GetParameter on resource: ${PARAMETER} ` +
        'because no identity-based policy allows the ssm:GetParameter action',
    );
  });

  it('words a JSON-protocol explicit denial with "in an identity-based policy"', () => {
    expect(accessDeniedMessage(CALLER, 'ssm:GetParameter', PARAMETER, explicit, 'json')).toBe(
      `User: ${CALLER} is not authorized to perform: ssm:GetParameter on resource: ${PARAMETER} ` +
        'with an explicit deny in an identity-based policy',
    );
  });

  it('adds a [local stage] sentence naming an Allow condition it could not evaluate', () => {
    const decision: Decision = {
      effect: 'ImplicitDeny',
      unevaluableConditions: [
        {
          statement: { policyName: 'orders-lambda', index: 2, sid: 'FromVpc' },
          reason: 'StringEquals on aws:SourceVpc: the request context has no aws:SourceVpc',
        },
      ],
    };
    expect(accessDeniedMessage(CALLER, 'execute-api:Invoke', METHOD, decision, 'execute-api')).toBe(
      `User: ${CALLER} is not authorized to perform: execute-api:Invoke on resource: ${METHOD}. ` +
        '[local stage] Could not evaluate statement 2 "FromVpc" of policy orders-lambda ' +
        '(StringEquals on aws:SourceVpc: the request context has no aws:SourceVpc). ' +
        'An Allow statement it cannot evaluate grants nothing.',
    );
  });

  it('says when an explicit deny rests on a Deny condition it could not evaluate', () => {
    const decision: Decision = {
      ...explicit,
      unevaluableConditions: [{ statement: { policyName: 'guard', index: 0 }, reason: 'Bad on aws:X: why' }],
    };
    expect(accessDeniedMessage(CALLER, 'ssm:GetParameter', PARAMETER, decision, 'json')).toMatch(
      /with an explicit deny in an identity-based policy\. \[local stage\] Could not evaluate statement 0 of policy guard \(Bad on aws:X: why\)\. A Deny statement it cannot evaluate is applied as if it matched\.$/,
    );
  });

  it('refuses to word an allowed request as a denial', () => {
    expect(() =>
      accessDeniedMessage(CALLER, 'ssm:GetParameter', PARAMETER, { effect: 'Allow', matched: [] }, 'json'),
    ).toThrow('was allowed');
  });
});
