import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { STSClient } from '@aws-sdk/client-sts';
import {
  type Credentials,
  findRunningStage,
  LocalStage,
  requestLine,
  type StageDescription,
  showsRequest,
} from '@internal-apis/local-stage';
import { findServices } from '@internal-apis/local-stage/packaging';
import { assumeRole } from './assume-role';
import { preflightAws, resolveRegion } from './aws-preflight';
import { awsPreflightApi, profileRegion } from './aws-preflight-api';
import { PreflightError } from './errors';
import { describeTarget, RUNNING_STAGE_VARIABLE, type StageTarget, TARGET_FILE_VARIABLE } from './target';

const REPO_ROOT = resolve(__dirname, '../../..');
/** Small services with deliberate IAM mistakes, provisioned only on the local stage. */
const FIXTURE_SERVICES = join(REPO_ROOT, 'packages/local-stage/test/fixtures/services');

declare global {
  var __LOCAL_STAGE__: LocalStage | undefined;
}

/**
 * Jest global setup: with no STAGE (or STAGE=local), starts an ephemeral local stage (free port, in
 * memory), or joins the one `npm start` runs when LOCAL_STAGE_DIR names its state folder; with
 * STAGE=dev, targets that deployed stage after a pre-flight (credentials, stage deployed, roles
 * assumable) that stops the run with one message before any test. Prints which.
 */
export default async function globalSetup(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'stage-harness-'));
  const stageName = process.env.STAGE;
  const runningStageDir = process.env[RUNNING_STAGE_VARIABLE];
  const target: StageTarget =
    stageName && stageName !== 'local'
      ? await awsTarget(stageName)
      : runningStageDir
        ? await joinRunningStage(runningStageDir)
        : await startLocalStage(dir);
  const file = join(dir, 'target.json');
  writeFileSync(file, JSON.stringify(target), { mode: 0o600 });
  process.env[TARGET_FILE_VARIABLE] = file;
  console.log(`\nIntegration suite against ${describeTarget(target)}`);
  if (target.kind === 'local') console.log(`Function logs and refused requests: ${target.logFile}`);
}

async function awsTarget(stage: string): Promise<StageTarget> {
  const profile = process.env.AWS_PROFILE || undefined;
  try {
    const region = await resolveRegion(process.env, () => profileRegion(profile));
    const services = findServices(REPO_ROOT).map((service) => service.name);
    const identity = await preflightAws(
      { stage, region, profile, services },
      awsPreflightApi(region, profile),
    );
    console.log(`\nCalling as ${identity.callerArn}`);
    return {
      kind: 'aws',
      stage,
      region,
      profile,
      accountId: identity.accountId,
      partition: identity.partition,
    };
  } catch (error) {
    // Jest prints a failed global setup's stack; the message is all there is to read here.
    if (error instanceof PreflightError) error.stack = `${error.name}: ${error.message}`;
    throw error;
  }
}

async function startLocalStage(dir: string): Promise<StageTarget> {
  const logFile = join(dir, 'functions.log');
  const stage = await LocalStage.start({
    repoRoot: REPO_ROOT,
    extraServiceDirs: fixtureServiceDirs(),
    port: 0,
    stateDir: join(dir, 'state'),
    log: (line) => void appendFile(logFile, `${line}\n`),
    // The suite's access decisions, for `npm run iam -- report --from integration`.
    recordRun: { source: 'integration' },
    // Refused and failed requests, beside the function lines they explain (same request ids).
    onRequest: (event) => {
      if (showsRequest(event, 'normal')) void appendFile(logFile, `${requestLine(event)}\n`);
    },
  });
  globalThis.__LOCAL_STAGE__ = stage;
  return localTarget(
    stage.description,
    stage.developerCredentials,
    (role) => stage.credentialsForRole(role),
    logFile,
  );
}

/**
 * The stage a developer's `npm start` runs, as its state folder describes it: the developer's keys
 * from its credentials file, every role's through the stage's STS AssumeRole. A stage whose process
 * has ended (its terminal closed) is reported with the command to run, not as ECONNREFUSED later.
 */
async function joinRunningStage(stateDir: string): Promise<StageTarget> {
  const found = await findRunningStage(stateDir);
  if (found.state !== 'running') {
    throw new Error(`${found.message}; or run the suite without --running, and it starts a stage of its own`);
  }
  const { description } = found;
  const developer = readDeveloperCredentials(join(stateDir, 'credentials'));
  const sts = new STSClient({
    region: description.region,
    endpoint: description.endpoint,
    credentials: developer,
  });
  const roleArn = (role: string) => `arn:aws:iam::${description.accountId}:role/${role}`;
  return localTarget(
    description,
    developer,
    (role) => assumeRole(sts, roleArn(role), 'integration-suite'),
    `the terminal running the stage (process ${description.pid})`,
  );
}

/** A local stage as test files reach it: each service's URL and roles, and every role's credentials. */
async function localTarget(
  description: StageDescription,
  developer: Credentials,
  credentialsFor: (role: string) => Credentials | Promise<Credentials>,
  logFile: string,
): Promise<StageTarget> {
  const services: Record<string, { url: string; roles: string[] }> = {};
  const roles: Record<string, Credentials> = {};
  for (const [name, service] of Object.entries(description.services)) {
    services[name] = { url: service.url, roles: service.roles };
    for (const role of service.roles) roles[role] = await credentialsFor(role);
  }
  return {
    kind: 'local',
    stage: description.stage,
    region: description.region,
    accountId: description.accountId,
    endpoint: description.endpoint,
    services,
    developer,
    roles,
    logFile,
  };
}

function readDeveloperCredentials(file: string): Credentials {
  const text = readFileSync(file, 'utf8');
  const value = (name: string) => new RegExp(`^${name} = (.+)$`, 'm').exec(text)?.[1];
  const accessKeyId = value('aws_access_key_id');
  const secretAccessKey = value('aws_secret_access_key');
  if (!accessKeyId || !secretAccessKey) throw new Error(`No keys of profile local in ${file}`);
  return { accessKeyId, secretAccessKey };
}

function fixtureServiceDirs(): string[] {
  try {
    return readdirSync(FIXTURE_SERVICES, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(FIXTURE_SERVICES, entry.name));
  } catch {
    return [];
  }
}
