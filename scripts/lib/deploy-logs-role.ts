import { APIGatewayClient, GetAccountCommand, UpdateAccountCommand } from '@aws-sdk/client-api-gateway';
import { AttachRolePolicyCommand, CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';

/** The role API Gateway writes access logs with, once per account (IAM is global). */
export const LOGS_ROLE_NAME = 'api-gateway-cloudwatch-logs';

/** The calls the account set-up makes; injected, so tests pass fakes. */
export interface LogsRoleApi {
  /** API Gateway's account setting `cloudwatchRoleArn` in this region, if set. */
  currentRoleArn(): Promise<string | undefined>;
  /** The role's ARN, or `undefined` when it does not exist. */
  roleArn(name: string): Promise<string | undefined>;
  createRole(name: string, partition: string): Promise<string>;
  setAccountRole(roleArn: string): Promise<void>;
  sleep(ms: number): Promise<void>;
}

export interface LogsRoleOutcome {
  roleArn: string;
  /** What was done, for the terminal; empty when the account was already set up. */
  actions: string[];
}

/**
 * Makes sure API Gateway may write this region's access logs: its account setting
 * `cloudwatchRoleArn` must name a role that trusts `apigateway.amazonaws.com` with the
 * AmazonAPIGatewayPushToCloudWatchLogs managed policy, or enabling access logging on a stage fails
 * ("CloudWatch Logs role ARN must be set in account settings to enable logging"; API Gateway
 * developer guide, "Set up CloudWatch logging for REST APIs"). An account that has one keeps it.
 * A new role takes a few seconds to be usable by API Gateway: the update is retried meanwhile.
 *
 * @example
 * const { roleArn, actions } = await ensureApiGatewayLogsRole(awsLogsRoleApi('eu-west-1'), 'aws');
 */
export async function ensureApiGatewayLogsRole(
  api: LogsRoleApi,
  partition: string,
): Promise<LogsRoleOutcome> {
  const existing = await api.currentRoleArn();
  if (existing) return { roleArn: existing, actions: [] };
  const actions: string[] = [];
  let roleArn = await api.roleArn(LOGS_ROLE_NAME);
  if (!roleArn) {
    roleArn = await api.createRole(LOGS_ROLE_NAME, partition);
    actions.push(
      `created IAM role ${LOGS_ROLE_NAME} (trusts apigateway.amazonaws.com, AmazonAPIGatewayPushToCloudWatchLogs)`,
    );
  }
  await withRetries(api, () => api.setAccountRole(roleArn));
  actions.push(`set API Gateway's CloudWatch Logs role for this region to ${roleArn}`);
  return { roleArn, actions };
}

const ATTEMPTS = 12;
const DELAY_MS = 5_000;

// IAM is eventually consistent: API Gateway rejects a role created seconds ago with a
// BadRequestException ("The role ARN does not have required permissions set to API Gateway").
async function withRetries(api: LogsRoleApi, update: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await update();
    } catch (error) {
      const notYet = (error as { name?: string }).name === 'BadRequestException';
      if (!notYet || attempt >= ATTEMPTS) throw error;
      await api.sleep(DELAY_MS);
    }
  }
}

const TRUST_API_GATEWAY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});

/**
 * The AWS SDK implementation of `LogsRoleApi`.
 *
 * @example
 * await ensureApiGatewayLogsRole(awsLogsRoleApi('eu-west-1'), 'aws');
 */
export function awsLogsRoleApi(region: string): LogsRoleApi {
  const apiGateway = new APIGatewayClient({ region });
  const iam = new IAMClient({ region });
  return {
    async currentRoleArn() {
      const { cloudwatchRoleArn } = await apiGateway.send(new GetAccountCommand({}));
      return cloudwatchRoleArn || undefined;
    },
    async roleArn(name) {
      try {
        return (await iam.send(new GetRoleCommand({ RoleName: name }))).Role?.Arn;
      } catch (error) {
        if ((error as { name?: string }).name === 'NoSuchEntityException') return undefined;
        throw error;
      }
    },
    async createRole(name, partition) {
      const { Role } = await iam.send(
        new CreateRoleCommand({
          RoleName: name,
          AssumeRolePolicyDocument: TRUST_API_GATEWAY,
          Description: 'API Gateway writes REST API access logs to CloudWatch Logs with this role',
        }),
      );
      await iam.send(
        new AttachRolePolicyCommand({
          RoleName: name,
          PolicyArn: `arn:${partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs`,
        }),
      );
      if (!Role?.Arn) throw new Error(`IAM CreateRole ${name} returned no ARN`);
      return Role.Arn;
    },
    async setAccountRole(roleArn) {
      await apiGateway.send(
        new UpdateAccountCommand({
          patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: roleArn }],
        }),
      );
    },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}
