import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findServices } from '../../packages/local-stage/src/packaging';
import { deployOrder } from '../lib/deploy-order';

/** A repository whose services reference each other's SSM parameters as the real ones do. */
function repoWith(serverlessYmls: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'deploy-'));
  for (const [name, yml] of Object.entries(serverlessYmls)) {
    mkdirSync(path.join(root, 'services', name), { recursive: true });
    writeFileSync(path.join(root, 'services', name, 'serverless.yml'), `service: ${name}\n${yml}`);
  }
  return root;
}

const CALLS_USERS = `
resources:
  Parameters:
    UsersApiId:
      Type: AWS::SSM::Parameter::Value<String>
      Default: /\${sls:stage}/users/api-id
`;
const PUBLISHES_OWN = `
    Url:
      Properties:
        Name: /\${sls:stage}/SELF/url
`;

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('deployOrder', () => {
  it('puts each callee before its callers, otherwise alphabetical', () => {
    root = repoWith({
      audit: '',
      orders: CALLS_USERS + PUBLISHES_OWN.replace('SELF', 'orders'),
      notifications: CALLS_USERS,
      users: PUBLISHES_OWN.replace('SELF', 'users'),
      billing: `iam: 'arn:aws:ssm:#{AWS::Region}:#{AWS::AccountId}:parameter/\${sls:stage}/orders/url'\n`,
    });

    expect(deployOrder(findServices(root)).map((service) => service.name)).toEqual([
      'audit',
      'users',
      'notifications',
      'orders',
      'billing',
    ]);
  });

  it('ignores references to services that are not in the repository', () => {
    root = repoWith({ orders: CALLS_USERS.replace('users', 'legacy') });
    expect(deployOrder(findServices(root)).map((service) => service.name)).toEqual(['orders']);
  });

  it('refuses a cycle, naming the services in it', () => {
    root = repoWith({ a: `x: /\${sls:stage}/b/url\n`, b: `x: /\${sls:stage}/a/api-id\n`, c: '' });
    expect(() => deployOrder(findServices(root))).toThrow('Services depend on each other in a cycle: a, b');
  });
});
