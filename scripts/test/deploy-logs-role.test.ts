import { ensureApiGatewayLogsRole, LOGS_ROLE_NAME, type LogsRoleApi } from '../lib/deploy-logs-role';

function fakeApi(state: { accountRole?: string; role?: string; notUsableFor?: number }) {
  const calls: string[] = [];
  const api: LogsRoleApi = {
    currentRoleArn: async () => state.accountRole,
    roleArn: async () => state.role,
    createRole: async (name, partition) => {
      calls.push(`createRole ${name} ${partition}`);
      state.role = `arn:${partition}:iam::123456789012:role/${name}`;
      return state.role;
    },
    setAccountRole: async (roleArn) => {
      calls.push(`setAccountRole ${roleArn}`);
      if ((state.notUsableFor ?? 0) > 0) {
        state.notUsableFor = (state.notUsableFor ?? 0) - 1;
        throw Object.assign(new Error('The role ARN does not have required permissions set to API Gateway'), {
          name: 'BadRequestException',
        });
      }
      state.accountRole = roleArn;
    },
    sleep: async (ms) => void calls.push(`sleep ${ms}`),
  };
  return { api, calls, state };
}

describe('ensureApiGatewayLogsRole', () => {
  it('leaves an account that already has a CloudWatch Logs role alone', async () => {
    const { api, calls } = fakeApi({ accountRole: 'arn:aws:iam::123456789012:role/platform-logs' });

    await expect(ensureApiGatewayLogsRole(api, 'aws')).resolves.toEqual({
      roleArn: 'arn:aws:iam::123456789012:role/platform-logs',
      actions: [],
    });
    expect(calls).toEqual([]);
  });

  it('creates the role in the account partition and sets it, retrying while IAM propagates', async () => {
    const { api, calls, state } = fakeApi({ notUsableFor: 2 });

    const outcome = await ensureApiGatewayLogsRole(api, 'aws-cn');

    const arn = `arn:aws-cn:iam::123456789012:role/${LOGS_ROLE_NAME}`;
    expect(state.accountRole).toBe(arn);
    expect(calls).toEqual([
      `createRole ${LOGS_ROLE_NAME} aws-cn`,
      `setAccountRole ${arn}`,
      'sleep 5000',
      `setAccountRole ${arn}`,
      'sleep 5000',
      `setAccountRole ${arn}`,
    ]);
    expect(outcome.actions).toHaveLength(2);
  });

  it('reuses the role when only the account setting is missing (another region)', async () => {
    const { api, calls } = fakeApi({ role: `arn:aws:iam::123456789012:role/${LOGS_ROLE_NAME}` });
    await ensureApiGatewayLogsRole(api, 'aws');
    expect(calls).toEqual([`setAccountRole arn:aws:iam::123456789012:role/${LOGS_ROLE_NAME}`]);
  });

  it('gives up with the error API Gateway keeps answering', async () => {
    const { api } = fakeApi({ notUsableFor: 100 });
    await expect(ensureApiGatewayLogsRole(api, 'aws')).rejects.toThrow('does not have required permissions');
  });
});
