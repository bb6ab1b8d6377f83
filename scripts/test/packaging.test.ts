/**
 * Every service packages offline, and what it packages is least privilege on nodejs22.x.
 *
 * Each service runs `serverless package --stage ci --package <tmp>` with an empty HOME and no AWS_*
 * variable at all, so a template that needs credentials, AWS config or the network to compile
 * (an `${ssm:…}` or `${cf:…}` variable, a plugin that looks something up) fails here. The compiled
 * templates are then checked for what the design promises: every method AWS_IAM, caller grants on
 * exact API ids, stages, verbs and paths, real IAM actions, exact SSM parameters, bundles in budget,
 * one zip per function, the partition in every ARN, log grants on the stage's own log groups, tables
 * protected as the stage's kind requires, an access log group for the API. A service scaffolded by
 * `npm run new-service` is packaged and checked with them, so the scaffold keeps every convention.
 *
 * Services are packaged from copies: `serverless package` empties the service's `.serverless/`
 * whatever `--package` says, and the local stage reuses what is there.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findServices, nodeServerlessRunner, type ServiceDir } from '@internal-apis/local-stage/packaging';
import type { Template } from '@internal-apis/serverless-conventions/template';
import { parse } from 'yaml';
import { stageKind } from '../lib/deploy-services';
import { scaffoldService } from '../lib/new-service';
import {
  functionsNotOn,
  functionsWithoutOwnZip,
  hardCodedPartitions,
  inexactParameterResources,
  invalidActions,
  invalidInvokeResources,
  methodsWithoutIam,
  prefixLogGroupGrants,
  type TableProtection,
  tablesNotProtectedAs,
  unpinnedCalleeGrants,
} from './template-checks';
import { zipEntries } from './zip-entries';

const STAGE = 'ci';
const RUNTIME = 'nodejs22.x';
const ZIP_BUDGET_BYTES = 1.5 * 1024 * 1024;
const CONCURRENCY = 2;
const repoRoot = path.resolve(__dirname, '../..');
/** A service made by `npm run new-service` in the work copy, checked like the others. */
const SCAFFOLDED = 'scaffolded-check';
const workDir = mkdtempSync(path.join(tmpdir(), 'packaging-test-'));
const services: ServiceDir[] = [
  ...findServices(repoRoot),
  { name: SCAFFOLDED, dir: path.join(workDir, 'repo', 'services', SCAFFOLDED) },
];
const serviceNames = services.map((service) => service.name);
const tableProtection = (
  parse(readFileSync(path.join(repoRoot, 'serverless-common.yml'), 'utf8')) as {
    tableProtection: Record<string, TableProtection>;
  }
).tableProtection[stageKind(repoRoot, STAGE)] as TableProtection;

interface Packaged {
  code: number;
  output: string;
  dir: string;
}

const packaged = new Map<string, Packaged>();

/** The caller's environment without a single AWS_* variable, HOME an empty folder. */
function offlineEnv(home: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  return { ...env, HOME: home, SLS_TELEMETRY_DISABLED: '1', NO_COLOR: '1' };
}

/** A copy of the repository's layout around one service: shared config, sources, node_modules linked. */
function copyOfService(service: ServiceDir): string {
  const root = path.join(workDir, 'repo');
  mkdirSync(path.join(root, 'services'), { recursive: true });
  for (const file of ['serverless-common.yml', 'tsconfig.base.json', 'package.json']) {
    cpSync(path.join(repoRoot, file), path.join(root, file));
  }
  if (service === services[0])
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'));
  if (service.name === SCAFFOLDED) {
    return scaffoldService(SCAFFOLDED, root, path.join(repoRoot, 'scripts/templates/new-service'));
  }
  const copy = path.join(root, 'services', path.basename(service.dir));
  const skipped = new Set(['.serverless', '.esbuild', 'node_modules', 'dist']);
  cpSync(service.dir, copy, { recursive: true, filter: (source) => !skipped.has(path.basename(source)) });
  return copy;
}

async function packageAll(): Promise<void> {
  const run = nodeServerlessRunner(repoRoot, 150_000);
  const env = offlineEnv(mkdtempSync(path.join(workDir, 'home-')));
  const copies = new Map(services.map((service) => [service.name, copyOfService(service)]));
  const queue = [...services];
  const worker = async () => {
    for (let service = queue.shift(); service; service = queue.shift()) {
      const dir = path.join(workDir, service.name);
      const cwd = copies.get(service.name) ?? service.dir;
      const { code, output } = await run(['package', '--stage', STAGE, '--package', dir], cwd, env);
      packaged.set(service.name, { code, output, dir });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

function result(service: ServiceDir): Packaged {
  const outcome = packaged.get(service.name);
  if (!outcome) throw new Error(`${service.name} was not packaged`);
  return outcome;
}

function template(service: ServiceDir): Template {
  const { code, output, dir } = result(service);
  if (code !== 0)
    throw new Error(`${service.name} did not package:\n${output.split('\n').slice(-30).join('\n')}`);
  return JSON.parse(
    readFileSync(path.join(dir, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as Template;
}

/** The zips the template's functions deploy, with their sizes. */
function zipSizes(service: ServiceDir): Array<{ zip: string; bytes: number }> {
  const keys = Object.values(template(service).Resources ?? {})
    .filter((resource) => resource.Type === 'AWS::Lambda::Function')
    .map((resource) => (resource.Properties?.Code as { S3Key?: string } | undefined)?.S3Key ?? '');
  return [...new Set(keys.map((key) => path.posix.basename(key)))].map((zip) => ({
    zip,
    bytes: statSync(path.join(result(service).dir, zip)).size,
  }));
}

beforeAll(async () => {
  await packageAll();
}, 300_000);

afterAll(() => {
  const sizes = services.flatMap((service) =>
    result(service).code === 0
      ? zipSizes(service).map(({ zip, bytes }) => `${service.name}/${zip} ${(bytes / 1024).toFixed(0)} KB`)
      : [],
  );
  console.log(`Bundle sizes (budget ${ZIP_BUDGET_BYTES / 1024} KB):\n${sizes.join('\n')}`);
  rmSync(workDir, { recursive: true, force: true });
});

it('finds the services to check', () => {
  expect(serviceNames.length).toBeGreaterThan(0);
});

describe.each(services.map((service) => [service.name, service] as const))('%s', (_name, service) => {
  it('packages with no credentials, no AWS config and no network', () => {
    const { code, output } = result(service);
    expect({ code, tail: code === 0 ? '' : output.split('\n').slice(-30).join('\n') }).toEqual({
      code: 0,
      tail: '',
    });
  });

  it('requires AWS_IAM on every API Gateway method', () => {
    expect(methodsWithoutIam(template(service))).toEqual([]);
  });

  it(`runs every Lambda function on ${RUNTIME}`, () => {
    expect(functionsNotOn(template(service), RUNTIME)).toEqual([]);
  });

  it('grants execute-api:Invoke only on a callee API id parameter, stage, verb and path', () => {
    expect(invalidInvokeResources(template(service), STAGE, serviceNames)).toEqual([]);
  });

  it('uses only real, non-wildcard IAM actions', () => {
    expect(invalidActions(template(service))).toEqual([]);
  });

  it('grants ssm:GetParameter only on exact parameter ARNs', () => {
    expect(inexactParameterResources(template(service))).toEqual([]);
  });

  it('deploys each function from a zip of its own, holding its own bundle only', async () => {
    expect(functionsWithoutOwnZip(template(service), service.name, STAGE)).toEqual([]);
    for (const { zip } of zipSizes(service)) {
      const bundles = (await zipEntries(path.join(result(service).dir, zip))).filter((entry) =>
        entry.endsWith('.js'),
      );
      expect({ zip, bundles: bundles.length }).toEqual({ zip, bundles: 1 });
    }
  });

  it('writes every ARN with the partition of the stack', () => {
    expect(hardCodedPartitions(template(service))).toEqual([]);
  });

  it("grants log writes on this stage's own log groups only", () => {
    expect(prefixLogGroupGrants(template(service))).toEqual([]);
  });

  it("pins every callee API id its grants name, so a deploy follows the callee's API", () => {
    expect(unpinnedCalleeGrants(template(service))).toEqual([]);
  });

  it(`protects its tables as a ${stageKind(repoRoot, STAGE)} stage requires`, () => {
    expect(tablesNotProtectedAs(template(service), tableProtection)).toEqual([]);
  });

  it('sends its REST API access log to a log group with retention', () => {
    const group = template(service).Resources?.ApiGatewayLogGroup;
    expect(group?.Properties).toEqual({
      LogGroupName: `/aws/api-gateway/${service.name}-${STAGE}`,
      RetentionInDays: expect.any(Number),
    });
  });

  it(`keeps every zip within ${ZIP_BUDGET_BYTES / 1024 / 1024} MB`, () => {
    const overBudget = zipSizes(service).filter(({ bytes }) => bytes > ZIP_BUDGET_BYTES);
    expect(overBudget).toEqual([]);
  });
});
