import {
  CloudFormationClient,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

/** A template parameter of a deployed stack, as DescribeStacks reports it. */
export interface StackParameter {
  key: string;
  /** The value given: for an SSM-typed parameter, the SSM parameter name. */
  value?: string;
  /** For an SSM-typed parameter, the value CloudFormation read from SSM at the stack's last update. */
  resolved?: string;
}

export interface StackView {
  status: string;
  parameters: StackParameter[];
}

/** What the deploy, remove and check steps read from the account: injected, so tests pass fakes. */
export interface DeployState {
  /** The stack, or `undefined` when it does not exist (or only as DELETE_COMPLETE). */
  stack(stackName: string): Promise<StackView | undefined>;
  /** The physical id of the stack's `AWS::ApiGateway::RestApi`, if it has one. */
  restApiId(stackName: string): Promise<string | undefined>;
  /** An SSM parameter's value, or `undefined` when it does not exist. */
  parameter(name: string): Promise<string | undefined>;
  tableExists(tableName: string): Promise<boolean>;
}

/**
 * The tables of `services` that exist in the account: kept by a remove (DeletionPolicy Retain), or
 * in the way of a new stack.
 *
 * @example await existingTables([ordersInfo], state); // ['orders-dev']
 */
export async function existingTables(
  services: Array<{ tables: string[] }>,
  state: DeployState,
): Promise<string[]> {
  const existing: string[] = [];
  for (const service of services) {
    for (const table of service.tables) if (await state.tableExists(table)) existing.push(table);
  }
  return existing;
}

/** Who the credentials belong to: the account, and the partition its ARNs use. */
export interface CallerIdentity {
  account: string;
  arn: string;
  partition: string;
}

const errorName = (error: unknown) => (error as { name?: string } | null)?.name;

/**
 * The account as the AWS SDK sees it with your credentials (AWS_PROFILE, SSO, environment), in
 * `region`. Endpoints follow `AWS_ENDPOINT_URL` like every SDK v3 client, so an emulator works too.
 *
 * @example
 * const state = awsDeployState('eu-west-1');
 * await state.parameter('/dev/users/api-id'); // 'a1b2c3d4e5'
 */
export function awsDeployState(region: string): DeployState {
  const cloudFormation = new CloudFormationClient({ region });
  const ssm = new SSMClient({ region });
  const dynamodb = new DynamoDBClient({ region });
  return {
    async stack(stackName) {
      try {
        const { Stacks = [] } = await cloudFormation.send(
          new DescribeStacksCommand({ StackName: stackName }),
        );
        const stack = Stacks[0];
        if (!stack?.StackStatus || stack.StackStatus === 'DELETE_COMPLETE') return undefined;
        return {
          status: stack.StackStatus,
          parameters: (stack.Parameters ?? []).map((parameter) => ({
            key: parameter.ParameterKey ?? '',
            value: parameter.ParameterValue,
            resolved: parameter.ResolvedValue,
          })),
        };
      } catch (error) {
        // DescribeStacks answers a ValidationError "Stack with id … does not exist".
        if (errorName(error) === 'ValidationError' && /does not exist/.test(String(error))) return undefined;
        throw error;
      }
    },
    async restApiId(stackName) {
      const { StackResources = [] } = await cloudFormation.send(
        new DescribeStackResourcesCommand({ StackName: stackName }),
      );
      return StackResources.find((resource) => resource.ResourceType === 'AWS::ApiGateway::RestApi')
        ?.PhysicalResourceId;
    },
    async parameter(name) {
      try {
        const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name }));
        return Parameter?.Value;
      } catch (error) {
        if (errorName(error) === 'ParameterNotFound') return undefined;
        throw error;
      }
    },
    async tableExists(tableName) {
      try {
        await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
        return true;
      } catch (error) {
        if (errorName(error) === 'ResourceNotFoundException') return false;
        throw error;
      }
    },
  };
}

/**
 * Who the environment's credentials are, or an error that says what to set. STS GetCallerIdentity
 * needs no permission, so it fails only on missing, expired or invalid credentials.
 *
 * @example
 * const { account, partition } = await callerIdentity('eu-west-1');
 */
export async function callerIdentity(
  region: string,
  sts = new STSClient({ region }),
): Promise<CallerIdentity> {
  const { Account, Arn } = await sts.send(new GetCallerIdentityCommand({}));
  if (!Account || !Arn) throw new Error('STS GetCallerIdentity returned no account');
  return { account: Account, arn: Arn, partition: Arn.split(':')[1] ?? 'aws' };
}
