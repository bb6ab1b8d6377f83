import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findServices } from '../../packages/local-stage/src/packaging';
import { deployAll, type RunCommand } from '../lib/deploy';
import { deployOrder } from '../lib/deploy-order';

/** A repository whose services reference each other's SSM parameters as the real ones do. */
function fixtureRepo(serverlessYmls: Record<string, string>): string {
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
    root = fixtureRepo({
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
    root = fixtureRepo({ orders: CALLS_USERS.replace('users', 'legacy') });
    expect(deployOrder(findServices(root)).map((service) => service.name)).toEqual(['orders']);
  });

  it('refuses a cycle, naming the services in it', () => {
    root = fixtureRepo({ a: `x: /\${sls:stage}/b/url\n`, b: `x: /\${sls:stage}/a/api-id\n`, c: '' });
    expect(() => deployOrder(findServices(root))).toThrow('Services depend on each other in a cycle: a, b');
  });
});

describe('deployAll', () => {
  function recordingRun(failing?: string) {
    const calls: Array<{ command: string; args: string[]; service: string }> = [];
    const run: RunCommand = async (command, args, cwd) => {
      calls.push({ command, args, service: path.basename(cwd) });
      return path.basename(cwd) === failing ? 2 : 0;
    };
    return { calls, run };
  }

  beforeEach(() => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('runs `npx serverless deploy` in each service folder, callees first, with stage and region', async () => {
    root = fixtureRepo({ orders: CALLS_USERS, users: '' });
    const { calls, run } = recordingRun();

    await expect(deployAll(['--stage', 'dev', '--region', 'eu-west-1'], root, run)).resolves.toBe(0);

    const args = ['serverless', 'deploy', '--stage', 'dev', '--region', 'eu-west-1'];
    expect(calls).toEqual([
      { command: 'npx', args, service: 'users' },
      { command: 'npx', args, service: 'orders' },
    ]);
  });

  it('stops at the first failure and says what was and was not deployed', async () => {
    root = fixtureRepo({ orders: CALLS_USERS, notifications: CALLS_USERS, users: '' });
    const { calls, run } = recordingRun('notifications');

    await expect(deployAll(['--stage', 'dev'], root, run)).resolves.toBe(2);

    expect(calls.map((call) => call.service)).toEqual(['users', 'notifications']);
    expect(console.error).toHaveBeenCalledWith(
      expect.stringMatching(
        /Deploying notifications to stage dev failed \(exit code 2\)[\s\S]*Deployed: users\. Not attempted: orders\./,
      ),
    );
  });

  it('refuses to run without --stage', async () => {
    root = fixtureRepo({ users: '' });
    const { calls, run } = recordingRun();

    await expect(deployAll([], root, run)).resolves.toBe(1);
    expect(calls).toEqual([]);
    expect(console.error).toHaveBeenCalledWith(expect.stringContaining('--stage is required'));
  });
});
