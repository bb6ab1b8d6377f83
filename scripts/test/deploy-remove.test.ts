import { rmSync } from 'node:fs';
import type { RemoveDependencies } from '../lib/deploy-remove';
import { callersOf, removeServices } from '../lib/deploy-remove';
import { servicesForStage } from '../lib/deploy-services';
import {
  callerYml,
  captureConsole,
  type FakeAccount,
  fixtureRepo,
  USERS_YML,
  usersAndCallers,
} from './fakes/deploy-fakes';

let root: string;
let account: FakeAccount;
let output: ReturnType<typeof captureConsole>;

const deps = (): RemoveDependencies => ({ run: account.run, state: () => account, env: {} });
const removed = () =>
  account.commands.filter(({ args }) => args[1] === 'remove').map(({ service }) => service);
const printed = () => output.text();

async function deployAll(stage: string): Promise<void> {
  for (const name of ['users', 'notifications', 'orders']) {
    await account.run('npx', ['serverless', 'deploy', '--stage', stage], `${root}/services/${name}`);
  }
  account.tables.add(`users-${stage}`);
}

beforeEach(async () => {
  ({ root, account } = usersAndCallers());
  await deployAll('dev');
  output = captureConsole();
});
afterEach(() => {
  jest.restoreAllMocks();
  rmSync(root, { recursive: true, force: true });
});

describe('removeServices', () => {
  it('refuses to remove a callee while its callers are deployed, naming them', async () => {
    await expect(removeServices(['--stage', 'dev', '--service', 'users'], root, deps())).resolves.toBe(1);

    expect(removed()).toEqual([]);
    expect(account.stacks.has('users-dev')).toBe(true);
    expect(printed()).toContain(
      'Refusing to remove users from stage dev: users is called by notifications, orders, deployed. Their calls would fail (403) once it is gone. Remove them first, or add --with-callers to remove them too.',
    );
  });

  it('removes a callee once its callers are gone', async () => {
    await removeServices(['--stage', 'dev', '--service', 'orders'], root, deps());
    await removeServices(['--stage', 'dev', '--service', 'notifications'], root, deps());

    await expect(removeServices(['--stage', 'dev', '--service', 'users'], root, deps())).resolves.toBe(0);
    expect(removed()).toEqual(['orders', 'notifications', 'users']);
  });

  it('removes the callers first with --with-callers', async () => {
    await expect(
      removeServices(
        ['--stage', 'dev', '--service', 'users', '--with-callers', '--region', 'eu-west-1'],
        root,
        deps(),
      ),
    ).resolves.toBe(0);

    expect(account.commands.filter(({ args }) => args[1] === 'remove')).toEqual([
      { service: 'orders', args: ['serverless', 'remove', '--stage', 'dev', '--region', 'eu-west-1'] },
      { service: 'notifications', args: ['serverless', 'remove', '--stage', 'dev', '--region', 'eu-west-1'] },
      { service: 'users', args: ['serverless', 'remove', '--stage', 'dev', '--region', 'eu-west-1'] },
    ]);
  });

  it('removes a whole stage in reverse dependency order and says which tables it kept', async () => {
    await expect(removeServices(['--stage', 'dev'], root, deps())).resolves.toBe(0);

    expect(removed()).toEqual(['orders', 'notifications', 'users']);
    expect(printed()).toContain(
      'Kept, with their data (stage dev is durable: DeletionPolicy Retain, deletion protection on): users-dev.',
    );
  });

  it('skips services that are not deployed', async () => {
    account.stacks.delete('orders-dev');

    await expect(removeServices(['--stage', 'dev'], root, deps())).resolves.toBe(0);

    expect(removed()).toEqual(['notifications', 'users']);
    expect(printed()).toContain('=== orders: stack orders-dev does not exist, nothing to remove ===');
  });

  it.each([
    [['--service', 'users'], '--stage is required'],
    [['--stage', 'dev', '--service', 'payments'], 'No service named "payments"'],
    [['--stage', 'dev', '--with-callers'], '--with-callers goes with --service'],
  ])('refuses %j', async (argv, message) => {
    await expect(removeServices(argv, root, deps())).resolves.toBe(1);
    expect(removed()).toEqual([]);
    expect(printed()).toContain(message);
  });
});

describe('callersOf', () => {
  it('finds direct and indirect callers', () => {
    rmSync(root, { recursive: true, force: true });
    root = fixtureRepo({
      users: USERS_YML,
      orders: `${callerYml('orders')}    OrdersApiIdParameter:\n      Type: AWS::SSM::Parameter\n      Properties:\n        Name: /\${sls:stage}/orders/api-id\n`,
      billing: callerYml('billing').replaceAll('users', 'orders').replaceAll('Users', 'Orders'),
    });
    expect(callersOf('users', servicesForStage(root, 'dev')).map((service) => service.name)).toEqual([
      'orders',
      'billing',
    ]);
  });
});
