// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation's ${Name} syntax in templates
/**
 * The deploy path proven against moto, an AWS emulator nobody here wrote, started for the run by
 * `npm run test:deploy`. Every deploy and remove is the project's own `npm run deploy` / `npm run
 * remove` (serverless: S3 upload, change sets); what they leave is read back with the AWS SDK.
 *
 * moto runs no functions and enforces no IAM, so this is the control plane only; the local stage
 * proves the calls themselves. Where moto 5.2 differs from AWS, the test says so beside the
 * assertion and asserts what AWS does wherever moto can show it.
 *
 * The tests run in order and share one emulator: each scenario starts from the state the previous
 * one left, as a stage does over months.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Resource, Template } from '@internal-apis/serverless-conventions/template';
import { awsPreflightApi, preflightAws } from '@internal-apis/stage-harness/preflight';
import { Emulator } from './emulator';
import { makeWorkCopy, motoEnv, runIn, TEST_PRINCIPAL_ARN } from './work-copy';

const endpoint = process.env.TEST_DEPLOY_ENDPOINT ?? '';
const region = 'us-east-1';
const account = '123456789012'; // moto's default account
const repoRoot = path.resolve(__dirname, '../..');
const CALLERS = ['notifications', 'orders'];
const SERVICES = ['users', ...CALLERS];

const TEN_MINUTES = 600_000;
const emulator = new Emulator(endpoint, region);
let work: string;
let env: NodeJS.ProcessEnv;

const npm = (...args: string[]) => runIn(work, env, 'npm', ['run', '--silent', ...args]);
const serverlessIn = (service: string, ...args: string[]) =>
  runIn(path.join(work, 'services', service), env, 'npx', ['serverless', ...args]);

/** The API id every caller's execute-api:Invoke grant names, read from the role policy IAM holds. */
async function grantedApiIds(stage: string): Promise<Record<string, string[]>> {
  const granted: Record<string, string[]> = {};
  for (const caller of CALLERS) {
    const statements = await emulator.rolePolicyStatements(
      `${caller}-${stage}-${region}-lambdaRole`,
      `${caller}-${stage}-calls-users`,
    );
    granted[caller] = statements
      .filter((statement) => statement.Action === 'execute-api:Invoke')
      .flatMap((statement) => [statement.Resource].flat() as string[])
      .map(
        (arn) =>
          new RegExp(`^arn:aws:execute-api:${region}:${account}:([a-z0-9]+)/${stage}/GET/users/\\*$`).exec(
            arn,
          )?.[1] ?? arn,
      );
  }
  return granted;
}

const usersApiId = async (stage = 'dev') => emulator.parameter(`/${stage}/users/api-id`);
const tablesOf = (template: Template) =>
  Object.values(template.Resources ?? {}).filter((resource) => resource.Type === 'AWS::DynamoDB::Table');

beforeAll(() => {
  if (!endpoint)
    throw new Error('TEST_DEPLOY_ENDPOINT is not set: run `npm run test:deploy`, which starts moto');
  work = makeWorkCopy(repoRoot);
  env = motoEnv(work, endpoint, region);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm run deploy -- --stage dev (a durable stage)', () => {
  it(
    'deploys every service, callees first, through the deployment bucket and change sets',
    async () => {
      const { code, output } = await npm('deploy', '--', '--stage', 'dev');

      expect({ code, tail: output.slice(-3000) }).toMatchObject({ code: 0 });
      expect(output).toMatch(/Order \(callees first\): users → notifications → orders/);
      expect(output).toContain("Post-deploy check: every caller's grants name its callees' current API ids.");
      for (const service of SERVICES) {
        expect(await emulator.stackStatus(`${service}-dev`)).toMatch(/^(CREATE|UPDATE)_COMPLETE$/);
        const [bucket] = Object.values(await emulator.physicalIds(`${service}-dev`, 'AWS::S3::Bucket'));
        const keys = await emulator.objectKeys(bucket ?? '');
        expect(keys.some((key) => key.endsWith('/compiled-cloudformation-template.json'))).toBe(true);
        expect(keys.filter((key) => key.endsWith('.zip')).length).toBeGreaterThan(0);
      }
    },
    TEN_MINUTES,
  );

  it("grants each caller execute-api:Invoke on users' current API id, GET /users/* only", async () => {
    const apiId = await usersApiId();
    expect(apiId).toMatch(/^[a-z0-9]{10}$/);
    expect(await grantedApiIds('dev')).toEqual({ notifications: [apiId], orders: [apiId] });
  });

  it('publishes in SSM the API id and URL of the REST API each stack holds', async () => {
    for (const service of SERVICES) {
      const apis = Object.values(await emulator.physicalIds(`${service}-dev`, 'AWS::ApiGateway::RestApi'));
      expect(apis).toHaveLength(1);
      expect(await emulator.parameter(`/dev/${service}/api-id`)).toBe(apis[0]);
      expect(await emulator.parameter(`/dev/${service}/url`)).toBe(
        `https://${apis[0]}.execute-api.${region}.amazonaws.com/dev`,
      );
      // On AWS the stack's ServiceEndpoint output holds that URL too; moto 5.2 keeps no Outputs
      // after a change set (every serverless deploy is one), so the REST API resource is compared.
    }
  });

  it('retains, protects and backs up every table on a durable stage', async () => {
    for (const service of SERVICES) {
      const tables = tablesOf(await emulator.template(`${service}-dev`));
      expect(tables.length).toBeGreaterThan(0);
      for (const table of tables) {
        expect(table).toMatchObject({
          DeletionPolicy: 'Retain',
          UpdateReplacePolicy: 'Retain',
          Properties: {
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          },
        });
        expect(await emulator.tableProtection(String(table.Properties?.TableName))).toBe(true);
        // moto 5.2 does not apply PointInTimeRecoverySpecification from CloudFormation
        // (DescribeContinuousBackups says DISABLED); AWS enables it: the template is what is checked.
      }
    }
  });

  it('writes a JSON access log line per request to a log group with retention', async () => {
    expect(await emulator.accountLogsRole()).toBe(`arn:aws:iam::${account}:role/api-gateway-cloudwatch-logs`);
    for (const service of SERVICES) {
      const apiId = await emulator.parameter(`/dev/${service}/api-id`);
      const { accessLogSettings, methodSettings } = await emulator.stage(apiId ?? '', 'dev');
      const group = `/aws/api-gateway/${service}-dev`;
      expect(accessLogSettings?.destinationArn).toBe(`arn:aws:logs:${region}:${account}:log-group:${group}`);
      // Every $context variable stands for a value: substituted, the format must be one JSON object.
      // ($context.error.messageString is the one value API Gateway quotes itself; the others sit in quotes.)
      const line = JSON.parse(
        (accessLogSettings?.format ?? '')
          .replace('$context.error.messageString', '"x"')
          .replace(/\$context\.[A-Za-z.]+/g, 'x'),
      );
      expect(Object.keys(line)).toEqual(
        expect.arrayContaining([
          'requestId',
          'userArn',
          'httpMethod',
          'resourcePath',
          'status',
          'errorType',
          'errorMessage',
          'latencyMs',
        ]),
      );
      expect(accessLogSettings?.format).toContain('"errorType":"$context.error.responseType"');
      expect(methodSettings?.['*/*']?.loggingLevel).toBe('OFF');
      expect(await emulator.logGroupRetention(group)).toBe(14);
    }
  });

  it('grants each function role only its own log groups, with partition-neutral ARNs', async () => {
    for (const service of SERVICES) {
      // The test principal is an ARN given whole, its partition included; every other ARN is built.
      const text = JSON.stringify(await emulator.template(`${service}-dev`)).replaceAll(
        TEST_PRINCIPAL_ARN,
        '',
      );
      expect(text.match(/arn:aws:[^"]*/g) ?? []).toEqual([]);
      expect(text.match(/log-group:\/aws\/lambda\/[^":]*\*[^"]*/g) ?? []).toEqual([]);
    }
  });

  it("lets the opt-in test principal assume every service role, with the suite's session names only", async () => {
    for (const service of SERVICES) {
      expect(await emulator.trustStatements(`${service}-dev-${region}-lambdaRole`)).toEqual([
        expect.objectContaining({ Principal: { Service: ['lambda.amazonaws.com'] } }),
        {
          Sid: 'IntegrationSuiteTestPrincipal',
          Effect: 'Allow',
          Principal: { AWS: TEST_PRINCIPAL_ARN },
          Action: 'sts:AssumeRole',
          Condition: { StringLike: { 'sts:RoleSessionName': 'integration-suite-*' } },
        },
      ]);
    }
  });

  it("passes the AWS-mode integration suite's pre-flight, and names what is missing on a stage not deployed", async () => {
    // The harness's own SDK calls (GetCallerIdentity, GetParameter, AssumeRole) against the emulator.
    // moto enforces no IAM, so AssumeRole succeeds whatever the trust policy says; on AWS the
    // statement above is what allows it.
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
    });
    try {
      const api = awsPreflightApi(region);
      await expect(preflightAws({ stage: 'dev', region, services: SERVICES }, api)).resolves.toEqual({
        accountId: account,
        partition: 'aws',
        callerArn: expect.stringContaining(`:${account}:`),
      });
      await expect(preflightAws({ stage: 'qa', region, services: SERVICES }, api)).rejects.toThrow(
        'not deployed: /qa/users/url, /qa/notifications/url, /qa/orders/url not found in SSM. Deploy it: npm run deploy -- --stage qa --region us-east-1',
      );
    } finally {
      process.env = saved;
    }
  });

  it(
    'passes cfn-lint: every compiled template, durable and ephemeral stage, no error and no warning',
    async () => {
      const lintDir = mkdtempSync(path.join(tmpdir(), 'lint-'));
      const templates: string[] = [];
      for (const service of SERVICES) {
        // The templates stage dev runs, as CloudFormation holds them.
        const deployed = path.join(lintDir, `${service}-dev.json`);
        writeFileSync(deployed, JSON.stringify(await emulator.template(`${service}-dev`), null, 1));
        templates.push(deployed);
      }
      for (const service of SERVICES) {
        const out = path.join(lintDir, service);
        const { code, output } = await serverlessIn(service, 'package', '--stage', 'ci', '--package', out);
        expect({ service, code, tail: output.slice(-2000) }).toMatchObject({ code: 0 });
        templates.push(path.join(out, 'cloudformation-template-update-stack.json'));
      }
      // Informational rules are included, and these few accepted on purpose:
      // - I1022 "Prefer Fn::Sub over Fn::Join with an empty delimiter": the Serverless Framework
      //   writes its own ARNs and URLs with Fn::Join; equivalent, and not ours to rewrite.
      const lint = spawnSync(
        'cfn-lint',
        ['--format', 'parseable', '--include-checks', 'I', '--ignore-checks', 'I1022', '--', ...templates],
        { encoding: 'utf8' },
      );
      expect({ code: lint.status, findings: `${lint.stdout}${lint.stderr}`.trim() }).toEqual({
        code: 0,
        findings: '',
      });
      rmSync(lintDir, { recursive: true, force: true });
    },
    TEN_MINUTES,
  );
});

describe('the scenarios that used to break a stage', () => {
  it('refuses to remove a callee while its callers are deployed, and removes nothing', async () => {
    const { code, output } = await npm('remove', '--', '--stage', 'dev', '--service', 'users');

    expect(code).toBe(1);
    expect(output).toContain('users is called by notifications, orders, deployed');
    expect(await emulator.stackStatus('users-dev')).toBeDefined();
  });

  it('refuses to deploy a caller before its callee, naming the callee, before CloudFormation is asked', async () => {
    // On AWS, CloudFormation would fail the change set with "Unable to fetch parameters
    // [/qa/users/api-id] from parameter store"; moto 5.2 answers 500. Neither is reached.
    const { code, output } = await npm('deploy', '--', '--stage', 'qa', '--service', 'orders');

    expect(code).toBe(1);
    expect(output).toContain(
      'orders reads /qa/users/api-id (template parameter UsersApiId), which does not exist: deploy users to stage qa first.',
    );
    expect(await emulator.stackStatus('orders-qa')).toBeUndefined();
  });

  it(
    'callee removed and deployed again: its kept tables are named, then every caller is re-deployed onto its new API',
    async () => {
      const before = await usersApiId();
      // A teammate removes users with serverless directly, past `npm run remove`'s refusal.
      expect((await serverlessIn('users', 'remove', '--stage', 'dev')).code).toBe(0);

      const refused = await npm('deploy', '--', '--stage', 'dev');
      expect(refused.code).toBe(1);
      expect(refused.output).toContain(
        'Stack users-dev does not exist, but its table(s) users-dev, users-emails-dev do: they were kept (DeletionPolicy Retain)',
      );
      // The data may go: delete the kept tables as the README says, protection first.
      for (const table of ['users-dev', 'users-emails-dev']) await emulator.deleteProtectedTable(table);

      const { code, output } = await npm('deploy', '--', '--stage', 'dev');

      const after = await usersApiId();
      expect({ code, tail: output.slice(-3000) }).toMatchObject({ code: 0 });
      expect(after).not.toBe(before);
      for (const caller of CALLERS) {
        expect(output).toContain(
          `=== ${caller} (${CALLERS.indexOf(caller) + 2}/3): re-deploying: users API id changed: ${caller}-dev resolved UsersApiId to ${before} at its last deploy, /dev/users/api-id is now ${after} ===`,
        );
      }
      // What a stale caller looked like before: the grant named `before`. On AWS a forced update
      // alone re-reads UsersApiId and rewrites the role's policy; moto 5.2 re-reads the parameter but
      // changes only resources whose template changed, and never applies a changed policy to an
      // AWS::IAM::Role. The callers' grants live in an AWS::IAM::Policy whose Metadata holds the
      // pinned id, so the template changes with the id and moto shows the grant AWS would hold.
      expect(await grantedApiIds('dev')).toEqual({ notifications: [after], orders: [after] });
    },
    TEN_MINUTES,
  );

  it(
    "callee's REST API replaced by an update: the next deploy moves every caller's grant onto the new API",
    async () => {
      const before = await usersApiId();
      // CloudFormation replaces a REST API when its logical id changes (a plugin or a framework
      // change that renames it, moving it between stacks). Serverless always names it
      // ApiGatewayRestApi, so the replacing update is made with the CloudFormation API itself.
      const renamed = JSON.parse(
        JSON.stringify(await emulator.template('users-dev'))
          .replaceAll('"ApiGatewayRestApi"', '"ApiGatewayRestApiReplaced"')
          .replaceAll('${ApiGatewayRestApi}', '${ApiGatewayRestApiReplaced}'),
      ) as Template;
      await emulator.updateTemplate('users-dev', renamed);
      const after = await usersApiId();
      expect(after).not.toBe(before);
      expect(await grantedApiIds('dev')).toEqual({ notifications: [before], orders: [before] });

      const { code, output } = await npm('deploy', '--', '--stage', 'dev');

      expect({ code, tail: output.slice(-3000) }).toMatchObject({ code: 0 });
      expect(output).toMatch(/orders: deployed \(users API id changed: orders-dev resolved UsersApiId to/);
      expect(await grantedApiIds('dev')).toEqual({ notifications: [after], orders: [after] });
    },
    TEN_MINUTES,
  );

  it(
    'removes the whole stage callers first, keeping every table of a durable stage with its protection',
    async () => {
      const { code, output } = await npm('remove', '--', '--stage', 'dev');

      expect({ code, tail: output.slice(-3000) }).toMatchObject({ code: 0 });
      expect(output).toContain('callers first: orders → notifications → users');
      for (const service of SERVICES) expect(await emulator.stackStatus(`${service}-dev`)).toBeUndefined();
      for (const table of ['users-dev', 'users-emails-dev', 'orders-dev', 'notifications-outbox-dev']) {
        expect(await emulator.tableProtection(table)).toBe(true);
      }
      expect(await usersApiId()).toBeUndefined();
    },
    TEN_MINUTES,
  );
});

describe('an ephemeral stage (ci)', () => {
  it(
    'deploys tables without protection and removes them with their stack',
    async () => {
      const deployed = await npm('deploy', '--', '--stage', 'ci', '--service', 'users');
      expect({ code: deployed.code, tail: deployed.output.slice(-3000) }).toMatchObject({ code: 0 });
      for (const table of tablesOf(await emulator.template('users-ci'))) {
        expect(table).toMatchObject<Resource>({ DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
        expect(table.Properties?.DeletionProtectionEnabled).toBe(false);
      }

      const removed = await npm('remove', '--', '--stage', 'ci', '--service', 'users');

      expect({ code: removed.code, tail: removed.output.slice(-3000) }).toMatchObject({ code: 0 });
      expect(await emulator.tableProtection('users-ci')).toBeUndefined();
    },
    TEN_MINUTES,
  );
});
