import { rmSync } from 'node:fs';
import { type DeployDependencies, deployAll } from '../lib/deploy';
import { regionFor } from '../lib/stage-args';
import { captureConsole, type FakeAccount, logsRoleSetUp, usersAndCallers } from './fakes/deploy-fakes';

let root: string;
let account: FakeAccount;
let output: ReturnType<typeof captureConsole>;

function deps(overrides: Partial<DeployDependencies> = {}): DeployDependencies {
  return {
    run: account.run,
    state: () => account,
    identity: async () => ({
      account: '123456789012',
      arn: 'arn:aws:iam::123456789012:user/dev',
      partition: 'aws',
    }),
    logsRole: logsRoleSetUp,
    env: {},
    ...overrides,
  };
}

const printed = () => output.text();
const deploysOf = (service: string) =>
  account.commands.filter((command) => command.service === service && command.args[1] === 'deploy');

beforeEach(() => {
  ({ root, account } = usersAndCallers());
  output = captureConsole();
});
afterEach(() => {
  jest.restoreAllMocks();
  rmSync(root, { recursive: true, force: true });
});

describe('deployAll', () => {
  it('deploys callees first, each caller with its callees current API ids pinned, in the given region', async () => {
    await expect(deployAll(['--stage', 'dev', '--region', 'eu-west-1'], root, deps())).resolves.toBe(0);

    expect(account.commands.map(({ service, args }) => `${service}: ${args.join(' ')}`)).toEqual([
      'users: serverless deploy --stage dev --region eu-west-1',
      'notifications: serverless deploy --stage dev --region eu-west-1 --param UsersApiId=users-api1',
      'orders: serverless deploy --stage dev --region eu-west-1 --param UsersApiId=users-api1',
    ]);
    expect(printed()).toContain('Post-deploy check: every caller');
  });

  it('re-deploys every caller after its callee was removed and deployed again, and says why', async () => {
    await deployAll(['--stage', 'dev'], root, deps());
    account.removeStack('users', 'dev');

    await expect(deployAll(['--stage', 'dev'], root, deps())).resolves.toBe(0);

    expect(account.parameters.get('/dev/users/api-id')).toBe('users-api2');
    for (const caller of ['orders', 'notifications']) {
      expect(deploysOf(caller).at(-1)?.args).toEqual(
        expect.arrayContaining(['--param', 'UsersApiId=users-api2', '--force']),
      );
      expect(account.stacks.get(`${caller}-dev`)?.parameters).toEqual([
        { key: 'UsersApiId', value: '/dev/users/api-id', resolved: 'users-api2' },
      ]);
    }
    expect(printed()).toContain(
      '=== orders (3/3): re-deploying: users API id changed: orders-dev resolved UsersApiId to users-api1 at its last deploy, /dev/users/api-id is now users-api2 ===',
    );
    expect(printed()).toMatch(/orders: deployed \(users API id changed/);
  });

  it('repairs callers of a callee whose REST API was replaced by a deploy made elsewhere', async () => {
    await deployAll(['--stage', 'dev'], root, deps());
    const replaced = account.replaceRestApi('users', 'dev');

    await expect(deployAll(['--stage', 'dev'], root, deps())).resolves.toBe(0);

    expect(account.stacks.get('orders-dev')?.parameters[0]?.resolved).toBe(replaced);
    expect(account.stacks.get('notifications-dev')?.parameters[0]?.resolved).toBe(replaced);
  });

  it('lets serverless skip callers whose grants already name the current API id', async () => {
    await deployAll(['--stage', 'dev'], root, deps());
    await deployAll(['--stage', 'dev'], root, deps());

    expect(deploysOf('orders').at(-1)?.args).not.toContain('--force');
    expect(printed()).toContain('orders: unchanged (serverless found no change)');
  });

  it('fails loudly when a caller still resolves an old API id after the deploy', async () => {
    await deployAll(['--stage', 'dev'], root, deps());
    account.replaceRestApi('users', 'dev');
    const failingToUpdate = deps({
      run: async (command, args, cwd) =>
        args.includes('orders') || cwd.endsWith('orders')
          ? { code: 0, tail: 'No changes to deploy. Deployment skipped.' }
          : account.run(command, args, cwd),
    });

    await expect(deployAll(['--stage', 'dev'], root, failingToUpdate)).resolves.toBe(1);

    expect(printed()).toContain('POST-DEPLOY CHECK FAILED for stage dev');
    expect(printed()).toContain(
      'orders-dev: UsersApiId resolved to users-api1, but /dev/users/api-id is users-api2: its grants name an API that users no longer serves.',
    );
  });

  it('deploys one service with --service, refusing when its callee is not deployed', async () => {
    await expect(deployAll(['--stage', 'dev', '--service', 'orders'], root, deps())).resolves.toBe(1);

    expect(account.commands).toEqual([]);
    expect(printed()).toContain(
      'orders reads /dev/users/api-id (template parameter UsersApiId), which does not exist: deploy users to stage dev first.',
    );
  });

  it('refuses to create a stack whose kept tables exist, before running serverless', async () => {
    account.tables.add('users-dev');

    await expect(deployAll(['--stage', 'dev'], root, deps())).resolves.toBe(1);

    expect(account.commands).toEqual([]);
    expect(printed()).toMatch(/Stack users-dev does not exist, but its table\(s\) users-dev do/);
  });

  it('refuses a stage whose names AWS would refuse, before anything runs', async () => {
    const stage = 'a-stage-name-far-too-long-for-the-role-name';
    await expect(deployAll(['--stage', stage, '--region', 'eu-west-1'], root, deps())).resolves.toBe(1);

    expect(account.commands).toEqual([]);
    expect(printed()).toMatch(/is too long for these services in eu-west-1: at most \d+ characters fit/);
    expect(printed()).toContain('Nothing was deployed.');
  });

  it('stops with one message saying what to set when there are no usable credentials', async () => {
    const noCredentials = deps({
      identity: async () => {
        throw new Error('Could not load credentials from any providers');
      },
    });

    await expect(deployAll(['--stage', 'dev'], root, noCredentials)).resolves.toBe(1);

    expect(account.commands).toEqual([]);
    expect(output.lines).toEqual([
      expect.stringContaining(
        'No usable AWS credentials for us-east-1: Could not load credentials from any providers\nSet AWS_PROFILE',
      ),
    ]);
  });

  it('stops at the first failure and says what was and was not deployed', async () => {
    const failing = deps({
      run: async (command, args, cwd) =>
        cwd.endsWith('notifications') ? { code: 2, tail: '' } : account.run(command, args, cwd),
    });

    await expect(deployAll(['--stage', 'dev'], root, failing)).resolves.toBe(2);

    expect(printed()).toMatch(
      /Deploying notifications to stage dev failed \(exit code 2\)[\s\S]*Deployed: users\. Not attempted: orders\./,
    );
  });

  it('refuses to run without --stage', async () => {
    await expect(deployAll([], root, deps())).resolves.toBe(1);
    expect(account.commands).toEqual([]);
    expect(printed()).toContain('--stage is required');
  });
});

describe('regionFor', () => {
  it('takes --region, then AWS_REGION, then AWS_DEFAULT_REGION, then us-east-1', () => {
    expect(regionFor('eu-west-3', { AWS_REGION: 'eu-west-1' })).toBe('eu-west-3');
    expect(regionFor(undefined, { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-2' })).toBe(
      'eu-west-1',
    );
    expect(regionFor(undefined, { AWS_DEFAULT_REGION: 'eu-west-2' })).toBe('eu-west-2');
    expect(regionFor(undefined, {})).toBe('us-east-1');
  });
});
