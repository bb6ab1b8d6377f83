import { rmSync } from 'node:fs';
import { decideDeploy, resolvedValue } from '../lib/deploy-plan';
import { servicesForStage } from '../lib/deploy-services';
import { callerYml, FakeAccount, fixtureRepo, READS_USERS, USERS_YML } from './fakes/deploy-fakes';

let root: string;
beforeEach(() => {
  root = fixtureRepo({ users: USERS_YML, orders: callerYml('orders') });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const service = (name: string) => {
  const found = servicesForStage(root, 'dev').find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no ${name}`);
  return found;
};

describe('servicesForStage', () => {
  it('reads functions, tables and the SSM parameters each template reads, for the stage', () => {
    expect(servicesForStage(root, 'dev')).toEqual([
      expect.objectContaining({
        name: 'users',
        stackName: 'users-dev',
        functions: ['getUser'],
        tables: ['users-dev'],
        reads: [],
        callees: [],
      }),
      expect.objectContaining({
        name: 'orders',
        stackName: 'orders-dev',
        reads: [{ parameter: 'UsersApiId', ssmName: '/dev/users/api-id', callee: 'users' }],
        callees: ['users'],
      }),
    ]);
  });
});

describe('decideDeploy', () => {
  it('pins the current value of every SSM parameter the template reads', async () => {
    const account = new FakeAccount({ orders: READS_USERS });
    account.parameters.set('/dev/users/api-id', 'a1b2c3d4e5');

    await expect(decideDeploy(service('orders'), 'dev', account)).resolves.toEqual({
      action: 'deploy',
      reasons: ['stack orders-dev does not exist: creating it'],
      pins: { UsersApiId: 'a1b2c3d4e5' },
      force: false,
    });
  });

  it('forces a deploy of a stack that resolved an older value, with the reason', async () => {
    const account = new FakeAccount({ orders: READS_USERS });
    account.parameters.set('/dev/users/api-id', 'new0000000');
    account.stacks.set('orders-dev', {
      status: 'UPDATE_COMPLETE',
      parameters: [{ key: 'UsersApiId', value: '/dev/users/api-id', resolved: 'old0000000' }],
      pins: {},
    });

    await expect(decideDeploy(service('orders'), 'dev', account)).resolves.toEqual({
      action: 'deploy',
      reasons: [
        'users API id changed: orders-dev resolved UsersApiId to old0000000 at its last deploy, /dev/users/api-id is now new0000000',
      ],
      pins: { UsersApiId: 'new0000000' },
      force: true,
    });
  });
});

describe('resolvedValue', () => {
  const ssmName = '/dev/users/api-id';

  it("reads CloudFormation's ResolvedValue, as AWS reports an SSM-typed parameter", () => {
    const stack = {
      status: 'UPDATE_COMPLETE',
      parameters: [{ key: 'UsersApiId', value: ssmName, resolved: 'abc' }],
    };
    expect(resolvedValue(stack, 'UsersApiId', ssmName)).toBe('abc');
  });

  it('reads the resolved value where moto 5.2 puts it (ParameterValue, no ResolvedValue)', () => {
    const stack = { status: 'UPDATE_COMPLETE', parameters: [{ key: 'UsersApiId', value: 'abc' }] };
    expect(resolvedValue(stack, 'UsersApiId', ssmName)).toBe('abc');
  });

  it('has no value when only the SSM name is reported, or the parameter is absent', () => {
    const stack = { status: 'UPDATE_COMPLETE', parameters: [{ key: 'UsersApiId', value: ssmName }] };
    expect(resolvedValue(stack, 'UsersApiId', ssmName)).toBeUndefined();
    expect(resolvedValue(stack, 'OtherId', ssmName)).toBeUndefined();
  });
});
