import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Credentials, DEFAULTS } from '@internal-apis/local-stage';
import { localBuildOf, serverlessBin, serverlessEnv } from '@internal-apis/local-stage/packaging';
import { freePort } from '../lib/free-port';
import { BenchError, WatchedChild } from './child-process';

/** One function of a service the local stage prepared, as serverless-offline needs it. */
export interface OfflineFunction {
  /** The service folder, whose `.local-stage/` holds the compiled template and the bundles. */
  serviceDir: string;
  /** The function's key in serverless.yml, e.g. `getUser`. */
  functionKey: string;
  /** Its http event: path without the leading slash, and method. */
  path: string;
  method: string;
}

export interface OfflineBackends {
  stage: string;
  region: string;
  /** Where the handler's AWS SDK sends DynamoDB calls: the local stage's front door. */
  dynamodbEndpoint: string;
  credentials: Credentials;
}

export interface RunningOffline {
  /** Base URL with the stage path, e.g. `http://127.0.0.1:41234/local`. */
  url: string;
  child: WatchedChild;
}

interface LambdaFunctionResource {
  Type?: string;
  Properties?: {
    Handler?: string;
    Runtime?: string;
    MemorySize?: number;
    Timeout?: number;
    Environment?: { Variables?: Record<string, unknown> };
  };
}

interface Template {
  Resources: Record<string, LambdaFunctionResource & { Properties?: { TableName?: string } }>;
}

const READY_TIMEOUT_MS = 60_000;

/**
 * Starts `serverless offline` (osls + serverless-offline) on the SAME bundle the local stage runs
 * (the files of the function's zip, byte for byte, from the stage's `.local-stage/`), with the
 * handler, runtime, memory, timeout and environment of the compiled template. The http event keeps `authorizer: aws_iam`, which serverless-offline
 * cannot enforce; `--noAuth` makes that explicit. DynamoDB calls go to `backends.dynamodbEndpoint`.
 *
 * @example
 * const offline = await startOffline(workDir, { serviceDir, functionKey: 'getUser', path: 'users/{id}', method: 'get' }, backends);
 * await send(agent, { method: 'GET', url: `${offline.url}/users/42` });
 */
export async function startOffline(
  workDir: string,
  fn: OfflineFunction,
  backends: OfflineBackends,
): Promise<RunningOffline> {
  const serviceDir = join(workDir, 'service');
  writeOfflineService(serviceDir, fn, backends);
  const [httpPort, lambdaPort] = [await freePort(), await freePort()];
  const home = join(workDir, 'home');
  mkdirSync(home, { recursive: true });
  const args = [
    serverlessBin(join(__dirname, '../..')),
    'offline',
    '--stage',
    backends.stage,
    '--region',
    backends.region,
  ];
  const flags = ['--host', '127.0.0.1', '--httpPort', `${httpPort}`, '--lambdaPort', `${lambdaPort}`];
  const child = WatchedChild.spawn(process.execPath, [...args, ...flags, '--noAuth', '--noSponsor'], {
    name: 'serverless offline',
    cwd: serviceDir,
    env: offlineEnv(home, backends),
  });
  await child.waitFor((line) => (line.includes('Server ready:') ? true : undefined), READY_TIMEOUT_MS);
  return { url: `http://127.0.0.1:${httpPort}/${backends.stage}`, child };
}

/** serverless.json for one function, built from the compiled template, beside a copy of its bundle. */
function writeOfflineService(serviceDir: string, fn: OfflineFunction, backends: OfflineBackends): void {
  rmSync(serviceDir, { recursive: true, force: true });
  mkdirSync(serviceDir, { recursive: true });
  const build = localBuildOf(fn.serviceDir, {
    repoRoot: join(__dirname, '../..'),
    stage: backends.stage,
    region: DEFAULTS.region,
  });
  const template = JSON.parse(
    readFileSync(join(build.templateDir, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as Template;
  const properties = functionResource(template, fn.functionKey).Properties ?? {};
  const bundle = build.taskRoots.get(`${fn.functionKey}.zip`);
  if (!bundle) throw new BenchError(`The local stage has no bundle of ${fn.functionKey}`);
  cpSync(bundle, serviceDir, { recursive: true });
  const config = {
    service: 'bench-offline',
    frameworkVersion: '>=3 <5',
    plugins: ['serverless-offline'],
    provider: { name: 'aws', runtime: properties.Runtime, stage: backends.stage, region: backends.region },
    package: { individually: true },
    functions: {
      [fn.functionKey]: {
        handler: properties.Handler,
        memorySize: properties.MemorySize,
        timeout: properties.Timeout,
        environment: resolveTableRefs(template, properties.Environment?.Variables ?? {}),
        events: [{ http: { path: fn.path, method: fn.method, authorizer: 'aws_iam' } }],
      },
    },
  };
  writeFileSync(join(serviceDir, 'serverless.json'), `${JSON.stringify(config, null, 2)}\n`);
}

// serverless names a function's resource `{FunctionKey}LambdaFunction` (first letter upper-cased).
function functionResource(template: Template, functionKey: string): LambdaFunctionResource {
  const logicalId = `${functionKey[0]?.toUpperCase()}${functionKey.slice(1)}LambdaFunction`;
  const resource = template.Resources[logicalId];
  if (resource?.Type !== 'AWS::Lambda::Function')
    throw new BenchError(`No ${logicalId} in the packaged template`);
  return resource;
}

/** `{ Ref: UsersTable }` → the table's name, the only intrinsic the services put in environments. */
function resolveTableRefs(template: Template, variables: Record<string, unknown>): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    if (typeof value === 'string') {
      resolved[name] = value;
      continue;
    }
    const ref = (value as { Ref?: string }).Ref;
    const tableName = ref === undefined ? undefined : template.Resources[ref]?.Properties?.TableName;
    if (tableName === undefined)
      throw new BenchError(`Cannot resolve environment variable ${name}: ${JSON.stringify(value)}`);
    resolved[name] = tableName;
  }
  return resolved;
}

// serverless-offline copies every AWS_* variable of its own environment into the handler's: none of
// the developer's (the packaging environment has none), only the endpoint and the stage's developer keys.
function offlineEnv(home: string, backends: OfflineBackends): NodeJS.ProcessEnv {
  return {
    ...serverlessEnv(process.env, home),
    AWS_ENDPOINT_URL_DYNAMODB: backends.dynamodbEndpoint,
    AWS_ACCESS_KEY_ID: backends.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: backends.credentials.secretAccessKey,
  };
}
