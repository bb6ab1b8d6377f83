// `npm run call -- <service> <METHOD> <path> [json-body] [--stage dev] [--profile p] [--region r]`:
// one SigV4-signed call from a terminal, through the same signed client the services use.
// Local stage (default): URL and region from .local-stage/stage.json, keys from the `local` profile
// of .local-stage/credentials (both written while `npm start` runs). Another stage: the URL from SSM
// (/{stage}/{service}/url) and the default AWS credential chain, as a deployed caller would.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SSMClient } from '@aws-sdk/client-ssm';
import { fromIni, fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { createDiscovery, DiscoveryError } from '@internal-apis/discovery';
import { type AwsCredentials, createSignedClient, SignedClientError } from '@internal-apis/signed-client';
import type { AxiosResponse } from 'axios';

const USAGE = `Usage: npm run call -- <service> <METHOD> <path> [json-body] [--stage S] [--profile P] [--region R]
                                                                      [--state-dir DIR]

  npm run call -- users POST /users '{"email":"ada@example.com","name":"Ada"}'
  npm run call -- users GET /users/{id}
  npm run call -- users GET '/users?email=ada@example.com' --stage dev --region eu-west-1

Without --stage (or with --stage local) it calls the local stage that \`npm start\` is running, as
described in .local-stage/ (--state-dir: another folder, e.g. a test stage's stateDir). With another
--stage it reads the URL from SSM (/{stage}/{service}/url) and signs with the default credential chain.`;

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
function localTarget(request: CallRequest): Target {
  const stateDir = request.stateDir ?? DEFAULT_STATE_DIR;
  const stageFile = join(stateDir, 'stage.json');
  if (!existsSync(stageFile))
    throw new CallError(`No ${stageFile}: start the local stage first (npm start).`);
  const stage = JSON.parse(readFileSync(stageFile, 'utf8')) as {
    region: string;
    services: Record<string, { url?: string }>;
  };
  const baseURL = stage.services[request.service]?.url;
  if (!baseURL) {
    const known = Object.keys(stage.services).join(', ');
    throw new CallError(`The local stage has no service "${request.service}"; it has: ${known}`);
  }
  const credentials = fromIni({
    profile: request.profile ?? 'local',
    filepath: join(stateDir, 'credentials'),
    configFilepath: join(stateDir, 'config'),
  });
  return { baseURL, region: request.region ?? stage.region, credentials };
}

/** A deployed stage: the URL from SSM, keys from the default chain (env, profile, SSO, instance role). */
async function awsTarget(request: CallRequest & { stage: string }): Promise<Target> {
  const credentials = fromNodeProviderChain(request.profile ? { profile: request.profile } : {});
  const ssmClient = new SSMClient({ credentials, ...(request.region ? { region: request.region } : {}) });
  const baseURL = await createDiscovery({ stage: request.stage, ssmClient }).getServiceUrl(request.service);
  // The execute-api host names its region; an explicit --region still wins.
  return { baseURL, region: request.region ?? (await ssmClient.config.region()), credentials };
}

async function call(request: CallRequest): Promise<AxiosResponse<string>> {
  const isLocal = request.stage === undefined || request.stage === 'local';
  const target = isLocal ? localTarget(request) : await awsTarget({ ...request, stage: request.stage ?? '' });
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
  return client.request<string>({ method: request.method, url: request.path, data: request.body });
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
