// biome-ignore-all lint/suspicious/noTemplateCurlyInString: serverless.yml text, in Serverless's ${…} syntax
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LogsRoleApi } from '../../lib/deploy-logs-role';
import type { CommandResult, RunCommand } from '../../lib/deploy-runner';
import type { DeployState, StackView } from '../../lib/deploy-state';

/** serverless.yml of a callee that publishes its API id and owns a table. */
export const USERS_YML = `service: users
functions:
  getUser: { handler: src/get.handler }
resources:
  Resources:
    UsersTable:
      Type: AWS::DynamoDB::Table
      Properties:
        TableName: users-\${sls:stage}
    UsersApiIdParameter:
      Type: AWS::SSM::Parameter
      Properties:
        Name: /\${sls:stage}/users/api-id
        Value: "#{ApiGatewayRestApi}"
`;

/** serverless.yml of a caller of users, as orders and notifications are written. */
export const callerYml = (name: string) => `service: ${name}
functions:
  handle: { handler: src/handle.handler }
resources:
  Parameters:
    UsersApiId:
      Type: AWS::SSM::Parameter::Value<String>
      Default: /\${sls:stage}/users/api-id
  Resources:
    CallsUsersPolicy:
      Type: AWS::IAM::Policy
      Metadata:
        UsersApiId: \${param:UsersApiId, 'not pinned'}
`;

export const COMMON_YML = 'stageKinds:\n  ci: ephemeral\n  prod: production\n';

/**
 * users and its two callers, orders and notifications, in a fixture repository, and an account
 * where none is deployed yet. The caller removes `root` when done.
 */
export function usersAndCallers(): { root: string; account: FakeAccount } {
  const root = fixtureRepo({
    users: USERS_YML,
    orders: callerYml('orders'),
    notifications: callerYml('notifications'),
  });
  return { root, account: new FakeAccount({ orders: READS_USERS, notifications: READS_USERS }) };
}

/**
 * Captures what the scripts print (console.log and console.error, in order) until
 * `jest.restoreAllMocks()`: each call as one entry of `lines`, all of it as `text()`.
 *
 * @example
 * const printed = captureConsole();
 * await deployAll(['--stage', 'dev'], root, deps);
 * expect(printed.text()).toContain('Post-deploy check');
 */
export function captureConsole(): { lines: string[]; text(): string } {
  const lines: string[] = [];
  const record = (...parts: unknown[]) => void lines.push(parts.join(' '));
  jest.spyOn(console, 'log').mockImplementation(record);
  jest.spyOn(console, 'error').mockImplementation(record);
  return { lines, text: () => lines.join('\n') };
}

/** A repository with these services' serverless.yml and the shared serverless-common.yml. */
export function fixtureRepo(serverlessYmls: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'deploy-'));
  writeFileSync(path.join(root, 'serverless-common.yml'), COMMON_YML);
  for (const [name, yml] of Object.entries(serverlessYmls)) {
    mkdirSync(path.join(root, 'services', name), { recursive: true });
    writeFileSync(path.join(root, 'services', name, 'serverless.yml'), yml);
  }
  return root;
}

interface FakeStack extends StackView {
  restApiId?: string;
  /** The pins of the last deploy that changed the template, as serverless compares them. */
  pins: Record<string, string>;
}

/**
 * An account as CloudFormation, SSM and DynamoDB show it to the deploy scripts, with a serverless
 * that behaves as on AWS: a deploy creates or updates the stack and re-reads the SSM parameters its
 * template declares, unless the template (here: its pins) and code are unchanged and --force is
 * absent, in which case it prints "No changes to deploy. Deployment skipped." and nothing changes.
 */
export class FakeAccount implements DeployState {
  readonly stacks = new Map<string, FakeStack>();
  readonly parameters = new Map<string, string>();
  readonly tables = new Set<string>();
  readonly commands: Array<{ service: string; args: string[] }> = [];
  private readonly apis = new Map<string, number>();

  constructor(private readonly reads: Record<string, Record<string, string>> = {}) {}

  async stack(name: string) {
    return this.stacks.get(name);
  }
  async restApiId(name: string) {
    return this.stacks.get(name)?.restApiId;
  }
  async parameter(name: string) {
    return this.parameters.get(name);
  }
  async tableExists(name: string) {
    return this.tables.has(name);
  }

  /** A `serverless deploy` or `remove` run in a service folder. */
  readonly run: RunCommand = async (_command, args, cwd): Promise<CommandResult> => {
    const service = path.basename(cwd);
    this.commands.push({ service, args });
    const stage = args[args.indexOf('--stage') + 1] ?? '';
    if (args[1] === 'remove') {
      this.removeStack(service, stage);
      return { code: 0, tail: 'Service has been successfully removed' };
    }
    return this.deploy(service, stage, args);
  };

  removeStack(service: string, stage: string): void {
    this.stacks.delete(`${service}-${stage}`);
    this.parameters.delete(`/${stage}/${service}/api-id`);
  }

  private deploy(service: string, stage: string, args: string[]): CommandResult {
    const stackName = `${service}-${stage}`;
    const pins = Object.fromEntries(
      args.flatMap((arg, index) =>
        args[index - 1] === '--param' ? [arg.split('=') as [string, string]] : [],
      ),
    );
    const existing = this.stacks.get(stackName);
    if (existing && !args.includes('--force') && JSON.stringify(existing.pins) === JSON.stringify(pins)) {
      return { code: 0, tail: 'No changes to deploy. Deployment skipped. (1s)' };
    }
    const reads = this.reads[service] ?? {};
    const parameters = Object.entries(reads).map(([key, ssmName]) => ({
      key,
      value: ssmName,
      resolved: this.parameters.get(ssmName),
    }));
    const restApiId = existing?.restApiId ?? this.newApiId(service);
    this.stacks.set(stackName, { status: 'UPDATE_COMPLETE', parameters, restApiId, pins });
    this.parameters.set(`/${stage}/${service}/api-id`, restApiId);
    return { code: 0, tail: `Service deployed to stack ${stackName} (12s)` };
  }

  /** API ids as `{service}-api{n}`, n counting the APIs the service has had. */
  private newApiId(service: string): string {
    const n = (this.apis.get(service) ?? 0) + 1;
    this.apis.set(service, n);
    return `${service}-api${n}`;
  }

  /** Gives a stack's REST API a new id, as a change that replaces it would. */
  replaceRestApi(service: string, stage: string): string {
    const stack = this.stacks.get(`${service}-${stage}`);
    if (!stack) throw new Error(`no stack for ${service}`);
    stack.restApiId = this.newApiId(service);
    this.parameters.set(`/${stage}/${service}/api-id`, stack.restApiId);
    return stack.restApiId;
  }
}

/** The parameters each fixture caller's template reads. */
export const READS_USERS = { UsersApiId: '/dev/users/api-id' };

/** An account whose API Gateway already has its CloudWatch Logs role. */
export const logsRoleSetUp = (): LogsRoleApi => ({
  currentRoleArn: async () => 'arn:aws:iam::123456789012:role/api-gateway-cloudwatch-logs',
  roleArn: async () => undefined,
  createRole: async () => {
    throw new Error('not expected');
  },
  setAccountRole: async () => undefined,
  sleep: async () => undefined,
});
