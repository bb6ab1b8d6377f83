import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { FileDigests } from '../build/file-digests';
import { loadPackagedStack, type PackagedStack, stackOrder } from '../cloudformation';
import { LocalStageError } from '../errors';
import { KeyRing } from '../identity/key-ring';
import { findServices, type ServiceDir } from '../packaging';
import { prepareServices } from '../packaging/prepare-services';
import type { StageServices } from '../provision/context';
import { type ProvisionedStack, provisionStack } from '../provision/provision-stack';
import { ParameterStore } from '../ssm';
import { DEFAULTS } from '../stage';
import { StageIam } from './stage-iam';

export interface LoadStageIamOptions {
  /** Default `local`. */
  stage?: string;
  region?: string;
  accountId?: string;
  /** The repository; default: the nearest folder above the working directory with a `services/` folder. */
  repoRoot?: string;
  /** Further service folders, as the local stage takes them. */
  extraServiceDirs?: string[];
  /**
   * `if-needed` (default): compile the templates and build the bundles that are missing or out of
   * date first, as `npm start` does (and with the same cache); `never`: read what `.serverless/`
   * holds (`npm run package`), and say what to run when it is missing.
   */
  package?: 'if-needed' | 'never';
  /** Packaging progress; silent by default. */
  log?: (line: string) => void;
}

/**
 * The IAM of a stage from the compiled templates, without running anything: every stack provisioned
 * in memory (no functions started, no tables created, no port opened), so roles, policies, boundaries,
 * managed policies and REST APIs (ids, routes, resource policies) are exactly those the local stage
 * would serve, and questions are answered by the same engine as its front door.
 *
 * @example
 * const iam = await loadStageIam({ stage: 'local' });
 * expect(iam.role('orders').can('GET', 'users', '/users/42')).toBe(true);
 * expect(iam.role('notifications').can('POST', 'users', '/users')).toBe(false);
 */
export async function loadStageIam(options: LoadStageIamOptions = {}): Promise<StageIam> {
  const stage = options.stage ?? DEFAULTS.stage;
  const region = options.region ?? DEFAULTS.region;
  const accountId = options.accountId ?? DEFAULTS.accountId;
  const repoRoot = resolve(options.repoRoot ?? findRepoRoot(process.cwd()));
  const services: ServiceDir[] = [
    ...findServices(repoRoot),
    ...(options.extraServiceDirs ?? []).map((dir) => ({ name: basename(dir), dir: resolve(dir) })),
  ];
  const stacks =
    options.package === 'never'
      ? services.map((service) => loadOne(service.dir, stage))
      : await withPackagingLock(repoRoot, () =>
          prepared(services, { stage, region, repoRoot, log: options.log }),
        );
  return stageIamFromStacks(stacks, { stage, region, accountId, repoRoot });
}

/** The services' stacks as the local stage prepares them (prepareServices), reusing what it built. */
async function prepared(
  services: ServiceDir[],
  options: { stage: string; region: string; repoRoot: string; log?: (line: string) => void },
): Promise<PackagedStack[]> {
  const { prepared, failed } = await prepareServices(
    services.map((service) => service.dir),
    { ...options, digests: new FileDigests(), log: (line) => options.log?.(line) },
  );
  const [first] = failed;
  if (first) throw first.error;
  return prepared.map((service) => service.stack);
}

/**
 * The IAM of packaged stacks, provisioned in memory in dependency order (see `loadStageIam`).
 *
 * @example
 * const iam = await stageIamFromStacks([loadPackagedStack('services/users')], { stage: 'local', region: 'us-east-1', accountId: '000000000000', repoRoot });
 */
export async function stageIamFromStacks(
  stacks: PackagedStack[],
  settings: { stage: string; region: string; accountId: string; repoRoot: string },
): Promise<StageIam> {
  const dry = dryStage(settings);
  const provisioned: ProvisionedStack[] = [];
  for (const stack of stackOrder(stacks, { accountId: settings.accountId })) {
    provisioned.push(await provisionStack(stack, dry));
  }
  return new StageIam({
    ...settings,
    stacks: provisioned,
    roles: dry.roles,
    apis: dry.apis,
    managedPolicies: dry.managedPolicies,
    readSsm: (name) => dry.ssm.get(name)?.value,
  });
}

function loadOne(dir: string, stage: string) {
  const stack = loadPackagedStack(dir);
  if (stack.stage !== stage) {
    throw new LocalStageError(
      `${dir} is packaged for stage ${stack.stage}, not ${stage}. Run \`npm run package -- --stage ${stage}\`.`,
    );
  }
  return stack;
}

/**
 * Services to provision into that keep only what IAM needs: roles, policies, REST APIs and SSM
 * parameters (for the callee API ids that callers' templates read). Functions are not started and
 * tables not created.
 */
function dryStage(settings: { stage: string; region: string; accountId: string }): StageServices {
  const notRun = async () => undefined;
  return {
    region: settings.region,
    accountId: settings.accountId,
    stageName: settings.stage,
    endpoint: `http://127.0.0.1:${DEFAULTS.port}`,
    keys: new KeyRing(settings.accountId),
    roles: new Map(),
    managedPolicies: new Map(),
    ssm: new ParameterStore(),
    dynamodb: { call: async () => ({ statusCode: 200, output: {} }) } as unknown as StageServices['dynamodb'],
    lambda: { deploy: notRun, invoke: notRun } as unknown as StageServices['lambda'],
    apis: new Map(),
    invocableFunctions: new Set(),
    exports: new Map(),
    log: () => undefined,
  };
}

/**
 * The repository holding `start`: the nearest folder with a `services/` folder and a package.json
 * that declares workspaces.
 *
 * @example findRepoRoot('/work/repo/services/orders/test/unit'); // '/work/repo'
 */
export function findRepoRoot(start: string): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(join(dir, 'services')) && existsSync(manifest)) {
      const workspaces = (JSON.parse(readFileSync(manifest, 'utf8')) as { workspaces?: unknown }).workspaces;
      if (workspaces) return dir;
    }
    if (dirname(dir) === dir) {
      throw new LocalStageError(`No repository (a folder with services/ and npm workspaces) above ${start}`);
    }
  }
}

const LOCK_STALE_MS = 10 * 60_000;
const LOCK_POLL_MS = 250;

/**
 * Runs `work` while no other process of this repository packages through it: test files of several
 * services may load the stage's IAM at once, and two compilations of one service's template must not
 * write the same folder. A lock older than ten minutes is taken to be left by a crash.
 */
async function withPackagingLock<T>(repoRoot: string, work: () => Promise<T>): Promise<T> {
  const lock = join(repoRoot, '.local-stage', 'packaging.lock');
  mkdirSync(dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() - lockTime(lock) > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      else await new Promise((done) => setTimeout(done, LOCK_POLL_MS));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function lockTime(lock: string): number {
  try {
    return statSync(lock).mtimeMs;
  } catch {
    return Date.now();
  }
}
