import { rmSync } from 'node:fs';
import { checkDeployedStage } from '../lib/deploy-check';
import { servicesForStage } from '../lib/deploy-services';
import { callerYml, FakeAccount, fixtureRepo, READS_USERS, USERS_YML } from './fakes/deploy-fakes';

let root: string;
let account: FakeAccount;
beforeEach(async () => {
  root = fixtureRepo({ users: USERS_YML, orders: callerYml('orders') });
  account = new FakeAccount({ orders: READS_USERS });
  await account.run('npx', ['serverless', 'deploy', '--stage', 'dev'], `${root}/services/users`);
  await account.run('npx', ['serverless', 'deploy', '--stage', 'dev'], `${root}/services/orders`);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const check = () => checkDeployedStage(servicesForStage(root, 'dev'), 'dev', account);

describe('checkDeployedStage', () => {
  it('finds nothing when every caller resolved its callees current API ids', async () => {
    await expect(check()).resolves.toEqual([]);
  });

  it('names a caller whose stack resolved an API id SSM no longer holds', async () => {
    account.replaceRestApi('users', 'dev');

    await expect(check()).resolves.toEqual([
      'orders-dev: UsersApiId resolved to users-api1, but /dev/users/api-id is users-api2: its grants name an API that users no longer serves.',
    ]);
  });

  it('names a caller whose callee parameter is gone', async () => {
    account.removeStack('users', 'dev');

    await expect(check()).resolves.toEqual([
      'orders-dev: UsersApiId resolved to users-api1, but /dev/users/api-id is (missing): its grants name an API that users no longer serves.',
    ]);
  });

  it('names a service whose published API id is not the REST API its stack holds', async () => {
    account.parameters.set('/dev/users/api-id', 'hand-written');
    account.stacks.set('orders-dev', { status: 'UPDATE_COMPLETE', parameters: [], pins: {} });

    await expect(check()).resolves.toEqual([
      '/dev/users/api-id is hand-written, but stack users-dev holds REST API users-api1: callers would be granted on an API users does not serve.',
      'orders-dev: UsersApiId resolved to (nothing), but /dev/users/api-id is hand-written: its grants name an API that users no longer serves.',
    ]);
  });
});
