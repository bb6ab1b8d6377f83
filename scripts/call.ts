// `npm run call -- [--as SERVICE] <service> <METHOD> <path> [json-body] [--stage dev] [--profile p] [--region r]`:
// one SigV4-signed call from a terminal, through the same signed client the services use.
// Local stage (default): URL and region from .local-stage/stage.json, keys from the `local` profile
// of .local-stage/credentials (both written while `npm start` runs). Another stage: the URL from SSM
// (/{stage}/{service}/url) and the default AWS credential chain, as a deployed caller would.
// `--as orders` calls with the orders functions' role, assumed through STS (the stage's own locally).
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromIni, fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { createDiscovery, DiscoveryError } from '@internal-apis/discovery';
import { findRunningStage, type StageDescription } from '@internal-apis/local-stage/stage-files';
import { type AwsCredentials, createSignedClient, SignedClientError } from '@internal-apis/signed-client';
import { lambdaRoleName, sessionNameFor } from '@internal-apis/stage-harness/preflight';
import type { AxiosResponse } from 'axios';

const USAGE = `Usage: npm run call -- [--as SERVICE] <service> <METHOD> <path> [json-body]
                     [--stage S] [--profile P] [--region R] [--state-dir DIR]

  npm run call -- users POST /users '{"email":"ada@example.com","name":"Ada"}'
  npm run call -- users GET /users/{id}
  npm run call -- --as orders users GET /users/{id}      # as the orders functions' role
  npm run call -- users GET '/users?email=ada@example.com' --stage dev --region eu-west-1

Without --stage (or with --stage local) it calls the local stage that \`npm start\` is running, as
described in .local-stage/ (--state-dir: another stage's folder). With another --stage it reads the URL
from SSM (/{stage}/{service}/url) and signs with the default credential chain. --as SERVICE signs with
that service's Lambda role instead, assumed through STS: the local stage's STS, or on AWS the role
{service}-{stage}-{region}-lambdaRole, which a stage deployed with TEST_PRINCIPAL_ARN lets you assume.`;

const DEFAULT_STATE_DIR = resolve(__dirname, '..', '.local-stage');
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

class CallError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

interface CallRequest {
  service: string;
  /** Call as this service's Lambda role. */
  as?: string;
  method: string;
  path: string;
  body?: unknown;
  stage?: string;
  profile?: string;
  region?: string;
  stateDir?: string;
}

/** Where to send the call and whose keys sign it. */
interface Target {
  baseURL: string;
  region: string;
  credentials: () => Promise<AwsCredentials>;
  /** The local stage's front door, to name it when it does not answer. */
  endpoint?: string;
}

function parseCommandLine(argv: string[]): CallRequest | undefined {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      stage: { type: 'string' },
      profile: { type: 'string' },
      region: { type: 'string' },
      'state-dir': { type: 'string' },
      as: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return undefined;
  const [service, method, path, body, ...extra] = positionals;
  if (!service || !method || !path || extra.length > 0) throw new CallError(USAGE);
  if (!METHODS.has(method.toUpperCase())) throw new CallError(`Unknown method ${method}.\n\n${USAGE}`);
  if (!path.startsWith('/')) throw new CallError(`The path must start with "/", e.g. /users, not ${path}`);
  const { stage, profile, region } = values;
  const stateDir = values['state-dir'] === undefined ? undefined : resolve(values['state-dir']);
  return {
    service,
    as: values.as,
    method: method.toUpperCase(),
    path,
    body: parseBody(body),
    stage,
    profile,
    region,
    stateDir,
  };
}

function parseBody(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CallError(`The body is not JSON (${(error as Error).message}): ${text}`, { cause: error });
  }
}

/** The running local stage, as `npm start` describes it in .local-stage/. */
async function localTarget(request: CallRequest): Promise<Target> {
  const stateDir = request.stateDir ?? DEFAULT_STATE_DIR;
  const found = await findRunningStage(stateDir);
  if (found.state !== 'running') throw new CallError(found.message);
  const stage = found.description;
  const baseURL = stage.services[request.service]?.url;
  if (!baseURL) {
    const known = Object.keys(stage.services).join(', ');
    throw new CallError(`The local stage has no service "${request.service}"; it has: ${known}`);
  }
  const region = request.region ?? stage.region;
  const developer = fromIni({
    profile: request.profile ?? 'local',
    filepath: join(stateDir, 'credentials'),
    configFilepath: join(stateDir, 'config'),
  });
  if (!request.as) return { baseURL, region, credentials: developer, endpoint: stage.endpoint };
  const roleArn = `arn:aws:iam::${stage.accountId}:role/${localRoleOf(stage, request.as)}`;
  const credentials = assumedRole(roleArn, developer, { region, endpoint: stage.endpoint });
  return { baseURL, region, credentials, endpoint: stage.endpoint };
}

function localRoleOf(stage: StageDescription, service: string): string {
  const role = stage.services[service]?.roles[0];
  if (role) return role;
  const withRoles = Object.entries(stage.services).filter(([, described]) => described.roles.length > 0);
  throw new CallError(
    `--as ${service}: the local stage has no service "${service}" with a role; these have one: ${withRoles.map(([name]) => name).join(', ')}`,
  );
}

/** A role's temporary credentials through STS AssumeRole, as the role's functions would hold them. */
function assumedRole(
  roleArn: string,
  masterCredentials: () => Promise<AwsCredentials>,
  clientConfig: { region: string; endpoint?: string },
  sessionName = 'npm-run-call',
): () => Promise<AwsCredentials> {
  return fromTemporaryCredentials({
    params: { RoleArn: roleArn, RoleSessionName: sessionName },
    masterCredentials,
    clientConfig,
  });
}

/** A deployed stage: the URL from SSM, keys from the default chain (env, profile, SSO, instance role). */
async function awsTarget(request: CallRequest & { stage: string }): Promise<Target> {
  const runner = fromNodeProviderChain(request.profile ? { profile: request.profile } : {});
  const ssmClient = new SSMClient({
    credentials: runner,
    ...(request.region ? { region: request.region } : {}),
  });
  const baseURL = await createDiscovery({ stage: request.stage, ssmClient }).getServiceUrl(request.service);
  // The execute-api host names its region; an explicit --region still wins.
  const region = request.region ?? (await ssmClient.config.region());
  if (!request.as) return { baseURL, region, credentials: runner };
  const { Account, Arn } = await new STSClient({ region, credentials: runner }).send(
    new GetCallerIdentityCommand({}),
  );
  const partition = Arn?.split(':')[1] ?? 'aws';
  const roleArn = `arn:${partition}:iam::${Account}:role/${lambdaRoleName(request.as, request.stage, region)}`;
  // The opt-in trust of a stage deployed with TEST_PRINCIPAL_ARN lets in these session names only.
  const credentials = assumedRole(roleArn, runner, { region }, sessionNameFor(request.stage));
  return { baseURL, region, credentials };
}

async function call(request: CallRequest): Promise<AxiosResponse<string>> {
  const isLocal = request.stage === undefined || request.stage === 'local';
  const target = isLocal
    ? await localTarget(request)
    : await awsTarget({ ...request, stage: request.stage ?? '' });
  const client = createSignedClient({
    baseURL: target.baseURL,
    region: target.region,
    credentials: target.credentials,
    callee: request.service,
    // Show every answer as it came: no retry, no error for 4xx/5xx, the body as text.
    retry: { retries: 0 },
    axiosConfig: {
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(data: string) => data],
    },
  });
  try {
    return await client.request<string>({ method: request.method, url: request.path, data: request.body });
  } catch (error) {
    if (target.endpoint && refused(error)) {
      throw new CallError(
        `Nothing answers at ${target.endpoint}: the local stage there has stopped. Start it again: npm start`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** Whether a call failed because nothing listens at the endpoint any more. */
function refused(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ECONNREFUSED') return true;
  }
  return false;
}

function printResponse(response: AxiosResponse<string>): void {
  console.log(`HTTP ${response.status} ${response.statusText}`.trimEnd());
  const errorType = response.headers['x-amzn-errortype'];
  if (errorType) console.log(`x-amzn-ErrorType: ${String(errorType)}`);
  if (response.data) console.log(prettyJson(response.data));
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

async function main(argv: string[]): Promise<number> {
  const request = parseCommandLine(argv);
  if (!request) {
    console.log(USAGE);
    return 0;
  }
  const response = await call(request);
  printResponse(response);
  return response.status < 400 ? 0 : 1;
}

main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    console.error(describeFailure(error));
    process.exit(2);
  });

// Expected failures (usage, discovery, credentials, network) in one line; anything else in full.
function describeFailure(error: unknown): unknown {
  if (error instanceof CallError) return error.message;
  if (error instanceof SignedClientError || error instanceof DiscoveryError)
    return `${error.name}: ${error.message}`;
  return error;
}
