import { APIGatewayClient, GetAccountCommand, GetStageCommand } from '@aws-sdk/client-api-gateway';
import {
  CloudFormationClient,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { GetRoleCommand, GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Template } from '@internal-apis/serverless-conventions/template';

/**
 * Reads what a deploy left in the emulator, with the AWS SDK as any tool would: stacks and their
 * templates, role policies, SSM parameters, API stages, log groups, tables.
 *
 * @example
 * const emulator = new Emulator('http://127.0.0.1:5050', 'us-east-1');
 * await emulator.parameter('/dev/users/api-id');
 */
export class Emulator {
  private readonly config;
  readonly cloudFormation;
  readonly iam;
  readonly ssm;
  readonly apiGateway;
  readonly logs;
  readonly dynamodb;
  readonly s3;

  constructor(endpoint: string, region: string) {
    this.config = {
      endpoint,
      region,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    };
    this.cloudFormation = new CloudFormationClient(this.config);
    this.iam = new IAMClient(this.config);
    this.ssm = new SSMClient(this.config);
    this.apiGateway = new APIGatewayClient(this.config);
    this.logs = new CloudWatchLogsClient(this.config);
    this.dynamodb = new DynamoDBClient(this.config);
    this.s3 = new S3Client({ ...this.config, forcePathStyle: true });
  }

  async stackStatus(stackName: string): Promise<string | undefined> {
    try {
      const { Stacks = [] } = await this.cloudFormation.send(
        new DescribeStacksCommand({ StackName: stackName }),
      );
      const status = Stacks[0]?.StackStatus;
      return status === 'DELETE_COMPLETE' ? undefined : status;
    } catch (error) {
      if (/does not exist/.test(String(error))) return undefined;
      throw error;
    }
  }

  /** Logical id → physical id of the stack's resources, by type. */
  async physicalIds(stackName: string, type: string): Promise<Record<string, string>> {
    const { StackResources = [] } = await this.cloudFormation.send(
      new DescribeStackResourcesCommand({ StackName: stackName }),
    );
    return Object.fromEntries(
      StackResources.filter((resource) => resource.ResourceType === type).map((resource) => [
        resource.LogicalResourceId ?? '',
        resource.PhysicalResourceId ?? '',
      ]),
    );
  }

  async template(stackName: string): Promise<Template> {
    const { TemplateBody } = await this.cloudFormation.send(new GetTemplateCommand({ StackName: stackName }));
    return JSON.parse(TemplateBody ?? '{}') as Template;
  }

  async updateTemplate(stackName: string, template: Template): Promise<void> {
    await this.cloudFormation.send(
      new UpdateStackCommand({
        StackName: stackName,
        TemplateBody: JSON.stringify(template),
        Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
      }),
    );
  }

  async parameter(name: string): Promise<string | undefined> {
    try {
      return (await this.ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
    } catch (error) {
      if ((error as { name?: string }).name === 'ParameterNotFound') return undefined;
      throw error;
    }
  }

  /** The statements of a role's inline policy, parsed from the URL-encoded JSON IAM returns. */
  async rolePolicyStatements(roleName: string, policyName: string): Promise<Array<Record<string, unknown>>> {
    const { PolicyDocument = '{}' } = await this.iam.send(
      new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }),
    );
    const document = JSON.parse(decodeURIComponent(PolicyDocument)) as { Statement?: unknown };
    return [document.Statement ?? []].flat() as Array<Record<string, unknown>>;
  }

  /** The statements of a role's trust policy. */
  async trustStatements(roleName: string): Promise<Array<Record<string, unknown>>> {
    const { Role } = await this.iam.send(new GetRoleCommand({ RoleName: roleName }));
    const document = JSON.parse(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '{}')) as {
      Statement?: unknown;
    };
    return [document.Statement ?? []].flat() as Array<Record<string, unknown>>;
  }

  async stage(restApiId: string, stageName: string) {
    return this.apiGateway.send(new GetStageCommand({ restApiId, stageName }));
  }

  async accountLogsRole(): Promise<string | undefined> {
    return (await this.apiGateway.send(new GetAccountCommand({}))).cloudwatchRoleArn;
  }

  async logGroupRetention(name: string): Promise<number | undefined> {
    const { logGroups = [] } = await this.logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: name }),
    );
    return logGroups.find((group) => group.logGroupName === name)?.retentionInDays;
  }

  /** The table's deletion protection, or `undefined` when the table does not exist. */
  async tableProtection(tableName: string): Promise<boolean | undefined> {
    try {
      const { Table } = await this.dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
      return Table?.DeletionProtectionEnabled ?? false;
    } catch (error) {
      if ((error as { name?: string }).name === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  }

  /** What someone who means to lose a kept table does: turn its protection off, then delete it. */
  async deleteProtectedTable(tableName: string): Promise<void> {
    await this.dynamodb.send(
      new UpdateTableCommand({ TableName: tableName, DeletionProtectionEnabled: false }),
    );
    await this.dynamodb.send(new DeleteTableCommand({ TableName: tableName }));
  }

  async objectKeys(bucket: string): Promise<string[]> {
    const { Contents = [] } = await this.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    return Contents.map((object) => object.Key ?? '');
  }
}
