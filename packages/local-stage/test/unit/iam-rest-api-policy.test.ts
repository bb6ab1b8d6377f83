import { restApiPolicy } from '../../src/iam';

const OWNER = { region: 'us-east-1', accountId: '000000000000', apiId: 'abc123defg' };
const API_ARN = 'arn:aws:execute-api:us-east-1:000000000000:abc123defg';

describe('Access policy language overview for Amazon API Gateway: a REST API resource policy', () => {
  it('is absent when serverless writes Policy: ""', () => {
    expect(restApiPolicy('', OWNER)).toBeUndefined();
    expect(restApiPolicy(undefined, OWNER)).toBeUndefined();
  });

  it("expands API Gateway's execute-api:/… shorthand to the API's full ARN, in Resource and NotResource", () => {
    const policy = restApiPolicy(
      {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: '*',
            Action: 'execute-api:Invoke',
            Resource: ['execute-api:/*', 'execute-api:/local/GET/users/*'],
          },
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 'execute-api:Invoke',
            NotResource: 'execute-api:/*/GET/*',
          },
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 'execute-api:Invoke',
            Resource: `${API_ARN}/local/DELETE/*`,
          },
        ],
      },
      OWNER,
    );
    expect(policy?.Statement).toEqual([
      expect.objectContaining({ Resource: [`${API_ARN}/*`, `${API_ARN}/local/GET/users/*`] }),
      expect.objectContaining({ NotResource: `${API_ARN}/*/GET/*` }),
      expect.objectContaining({ Resource: `${API_ARN}/local/DELETE/*` }),
    ]);
  });

  it('reads a policy given as a JSON string, and a single statement', () => {
    const text = JSON.stringify({
      Statement: {
        Effect: 'Deny',
        Principal: { AWS: '000000000000' },
        Action: '*',
        Resource: 'execute-api:/*',
      },
    });
    expect(restApiPolicy(text, OWNER)?.Statement).toEqual([
      { Effect: 'Deny', Principal: { AWS: '000000000000' }, Action: '*', Resource: `${API_ARN}/*` },
    ]);
  });

  it.each([
    ['not JSON', '{'],
    ['no Statement', { Version: '2012-10-17' }],
    ['a statement without Principal', { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }],
    [
      'a partial wildcard principal',
      {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::000000000000:role/*' },
            Action: '*',
            Resource: '*',
          },
        ],
      },
    ],
    ['an unknown Effect', { Statement: [{ Effect: 'Maybe', Principal: '*', Action: '*', Resource: '*' }] }],
    ['no Resource', { Statement: [{ Effect: 'Allow', Principal: '*', Action: '*' }] }],
  ])('is refused as API Gateway refuses it: %s', (_, policy) => {
    expect(() => restApiPolicy(policy, OWNER)).toThrow(
      /^Invalid policy document\. Please check the policy syntax and ensure that Principals are valid\./,
    );
  });
});
