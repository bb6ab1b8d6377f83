import { readFileSync, rmSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalStageError } from './errors';
import { isRunning } from './process-alive';
import type { Credentials } from './types';

/** One method of a service's REST API, as the ready banner lists it. */
export interface StageRoute {
  method: string;
  /** The resource path, e.g. `/users/{id}`. */
  path: string;
  /** The function behind it; absent for a MOCK integration (a CORS preflight). */
  functionName?: string;
}

/** What `.local-stage/stage.json` says: enough for any tool to find and call the stage. */
export interface StageDescription {
  region: string;
  accountId: string;
  stage: string;
  endpoint: string;
  profile: string;
  services: Record<
    string,
    { url: string; apiId: string; stackName: string; roles: string[]; routes?: StageRoute[] }
  >;
  /** The process serving the stage: tools check it is still running before they call it. */
  pid?: number;
  /** When the stage became ready, ISO 8601. */
  startedAt?: string;
}

export const PROFILE = 'local';

/** The files a running stage keeps in its state folder; all removed when it stops. */
const STATE_FILES = ['stage.json', 'credentials', 'config'] as const;
/** Held from start to stop, so a second stage cannot take over the folder of a running one. */
const LOCK_FILE = 'stage.lock';

interface Lock {
  pid: number;
  startedAt: string;
}

/** A second stage asked for the state folder of a stage that is still running. */
export class StateDirInUseError extends LocalStageError {}

/**
 * Takes the state folder for this process, or refuses when another stage that is still running holds
 * it, naming that stage. Files left by a stage whose process has ended (its terminal was closed, it
 * was killed) are stale: they are removed and the folder is taken.
 *
 * @example
 * await claimStateDir('/repo/.local-stage'); // throws StateDirInUseError while another `npm start` runs
 */
export async function claimStateDir(dir: string, pid = process.pid): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const lock: Lock = { pid, startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt += 1) {
    try {
      await writeFile(join(dir, LOCK_FILE), `${JSON.stringify(lock)}\n`, { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
    }
    const holder = readLock(dir);
    if (holder && holder.pid !== pid && isRunning(holder.pid)) throw inUse(dir, holder);
    removeStageFilesSync(dir, holder?.pid);
  }
}

function inUse(dir: string, holder: Lock): StateDirInUseError {
  const description = readDescription(dir);
  const where = description?.endpoint ? ` at ${description.endpoint}` : ' (still starting)';
  return new StateDirInUseError(
    `another local stage is running from ${dir}: process ${holder.pid}${where}, started ${holder.startedAt}. ` +
      'Stop it first (Ctrl-C in its terminal), or give this one files of its own: ' +
      'npm start -- --state-dir .local-stage-2 --port 0',
  );
}

/**
 * Writes `stage.json`, an AWS shared-credentials file (always 0600, whether created or replaced) and
 * a config file: profile `local` with the region and the endpoint, and `local-{service}` for each
 * service's role (assumed through the stage's STS), so curl `--aws-sigv4`, the AWS CLI and the SDKs
 * can reach the stage as the developer or as a function would. Each file is replaced whole (written
 * beside it, then renamed), so a reader never sees half of one.
 */
export async function writeStageFiles(
  dir: string,
  description: StageDescription,
  developer: Credentials,
): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const credentials = [
    `[${PROFILE}]`,
    `aws_access_key_id = ${developer.accessKeyId}`,
    `aws_secret_access_key = ${developer.secretAccessKey}`,
    '',
  ].join('\n');
  await replaceFile(join(dir, 'stage.json'), `${JSON.stringify(description, null, 2)}\n`, 0o644);
  await replaceFile(join(dir, 'credentials'), credentials, 0o600);
  await replaceFile(join(dir, 'config'), configFile(description), 0o644);
}

/** The AWS config file: the developer's profile, and one profile per service role on top of it. */
function configFile(description: StageDescription): string {
  const lines = [
    `[profile ${PROFILE}]`,
    `region = ${description.region}`,
    `endpoint_url = ${description.endpoint}`,
    '',
  ];
  for (const [service, { roles }] of Object.entries(description.services)) {
    const role = roles[0];
    if (!role) continue;
    lines.push(
      `[profile ${roleProfileName(service)}]`,
      `role_arn = arn:aws:iam::${description.accountId}:role/${role}`,
      `source_profile = ${PROFILE}`,
      `role_session_name = ${PROFILE}-developer`,
      `region = ${description.region}`,
      `endpoint_url = ${description.endpoint}`,
      '',
    );
  }
  return lines.join('\n');
}

/**
 * The config profile that assumes a service's role, e.g. `local-orders`.
 *
 * @example roleProfileName('orders') // 'local-orders'
 */
export function roleProfileName(service: string): string {
  return `${PROFILE}-${service}`;
}

async function replaceFile(file: string, content: string, mode: number): Promise<void> {
  const staging = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(staging, content, { mode });
    // `mode` applies only when a file is created; say it again for one left by an interrupted run.
    await chmod(staging, mode);
    await rename(staging, file);
  } catch (error) {
    await rm(staging, { force: true });
    throw error;
  }
}

/**
 * Removes what writeStageFiles and claimStateDir wrote for the stage of process `pid`; persisted data
 * under the same folder stays. Files another stage has written since are left alone.
 */
export async function removeStageFiles(dir: string, pid = process.pid): Promise<void> {
  removeStageFilesSync(dir, pid);
}

/**
 * removeStageFiles for a process about to exit, when nothing asynchronous can run any more. With no
 * `pid`, removes them whoever wrote them (stale files of a stage that has ended).
 */
export function removeStageFilesSync(dir: string, pid?: number): void {
  const holder = readLock(dir)?.pid ?? readDescription(dir)?.pid;
  if (pid !== undefined && holder !== undefined && holder !== pid) return;
  for (const name of [...STATE_FILES, LOCK_FILE]) rmSync(join(dir, name), { force: true });
}

/** What a tool finds in a stage's state folder. */
export type RunningStage =
  | { state: 'running'; description: StageDescription }
  | { state: 'absent' | 'ended'; message: string };

/**
 * The stage a state folder describes, if it is still running: tools call this before calling the
 * stage, so a closed terminal gives a sentence with the command to run, not a bare `ECONNREFUSED`.
 *
 * @example
 * const found = await findRunningStage('/repo/.local-stage');
 * if (found.state !== 'running') throw new Error(found.message);
 */
export async function findRunningStage(dir: string): Promise<RunningStage> {
  const file = join(dir, 'stage.json');
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) {
    return {
      state: 'absent',
      message: `No local stage is running from ${dir} (there is no ${file}). Start one: npm start`,
    };
  }
  const description = JSON.parse(text) as StageDescription;
  if (description.pid !== undefined && !isRunning(description.pid)) {
    return {
      state: 'ended',
      message:
        `The local stage in ${dir} is not running: its process ${description.pid} has ended ` +
        '(was its terminal closed?) and left its files behind. Start it again: npm start',
    };
  }
  return { state: 'running', description };
}

function readLock(dir: string): Lock | undefined {
  return readJson<Lock>(join(dir, LOCK_FILE));
}

function readDescription(dir: string): StageDescription | undefined {
  return readJson<StageDescription>(join(dir, 'stage.json'));
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
