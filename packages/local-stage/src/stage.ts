import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FileDigests } from './build/file-digests';
import { loadPackagedStack, type PackagedStack, stackOrder } from './cloudformation';
import { DEFAULTS, type StageSettings } from './defaults';
import { DynaliteBackend } from './dynamodb/dynalite-backend';
import { LocalStageError } from './errors';
import { restApiTarget } from './front-door/guard';
import type { RequestObserver } from './front-door/request-events';
import { FrontDoor, type FrontDoorDeps } from './front-door/server';
import { AccessRecorder, type AccessReport, formatAccessReport } from './iam';
import { RunFile, runServices, runsDir } from './iam/run-file';
import { StageExplainer } from './iam/stage-explainer';
import { StageIam } from './iam/stage-iam';
import { KeyRing, type Role, rolePrincipal } from './identity/key-ring';
import { LambdaRuntime, type LambdaRuntimeOptions } from './lambda';
import { findServices } from './packaging';
import { type PreparedService, prepareServices } from './packaging/prepare-services';
import type { StageServices } from './provision/context';
import { type ProvisionedStack, provisionStack } from './provision/provision-stack';
import { ParameterStore } from './ssm';
import {
  claimStateDir,
  removeStageFiles,
  removeStageFilesSync,
  type StageDescription,
  writeStageFiles,
} from './stage-files';
import { routesOf } from './stage-routes';
import type { Credentials } from './types';
import { DeployedFunctions } from './watch/deployed-functions';
import { InnerLoop } from './watch/inner-loop';

export interface LocalStageOptions {
  /** The repository: its `services/*` are packaged and provisioned. */
  repoRoot: string;
  /** Further service folders to provision after the repository's own (fixture services in tests). */
  extraServiceDirs?: string[];
  stage?: string;
  region?: string;
  accountId?: string;
  /** Front door port; 0 picks a free one. */
  port?: number;
  /** Keep DynamoDB and SSM data in this folder between runs; in memory when absent. */
  persist?: string;
  /**
   * Where stage.json and the credentials go; `{repoRoot}/.local-stage` by default. A stage refuses to
   * start on the folder of another stage that is still running.
   */
  stateDir?: string;
  /**
   * Compile templates and bundle functions first, reusing what is unchanged (default); false to
   * provision what `serverless package` left in each service's `.serverless/`.
   */
  packageFirst?: boolean;
  /** Hot reload: rebuild and swap what changes while the stage runs (`npm start` does). */
  watch?: boolean;
  /**
   * A debugger is attached (`npm start -- --inspect`): functions may then run up to Lambda's 900 s
   * maximum whatever their timeout, so that time spent at a breakpoint does not time them out.
   */
  debugging?: boolean;
  log?: (line: string) => void;
  /** Told what each request to the front door was decided and reached (the fuzz suite's instrument). */
  audit?: FrontDoorDeps['audit'];
  /** Print each refusal's whole explanation in the log, not only its summary line. */
  explain?: boolean;
  /**
   * Write this run's access decisions to `{repoRoot}/.local-stage/runs/{source}-{time}.jsonl`, for
   * `npm run iam -- report`; `source` names what ran the stage (`start`, `integration`).
   */
  recordRun?: { source: string };
  /** Where the functions' output goes, line by line; by default `log` with the function name first. */
  functionLog?: (line: string, functionName: string) => void;
  /**
   * Told of every request the front door answered, refusals with their explanation. When given, the
   * stage leaves printing refusals to it rather than logging a line of its own for each.
   */
  onRequest?: RequestObserver;
  /** Copies per function and how long an idle one is kept; defaults sized for this machine. */
  lambda?: Pick<
    LambdaRuntimeOptions,
    'maxEnvironmentsPerFunction' | 'idleTimeoutMs' | 'slowCallMs' | 'burstLimitPerFunction'
  >;
}

/** The longest timeout Lambda allows a function. */
const LAMBDA_MAX_TIMEOUT_SECONDS = 900;

export { DEFAULTS };

/**
 * The local AWS stage: every packaged service provisioned on this machine behind one front door that
 * verifies SigV4 and evaluates IAM the way AWS does.
 *
 * @example
 * const stage = await LocalStage.start({ repoRoot: process.cwd(), port: 0 });
 * console.log(stage.description.services.users.url);
 * await stage.stop();
 */
export class LocalStage {
  private constructor(
    readonly description: StageDescription,
    private readonly services: StageServices,
    private readonly closers: Array<() => Promise<void>>,
    private readonly recorder: AccessRecorder,
    private readonly stateDir: string,
    /** The stage's IAM as provisioned, reloads included. */
    private readonly currentIam: () => StageIam,
    private readonly run: RunFile | undefined,
    /** Remove, synchronously, the temporary folders the stage's parts made. */
    private readonly temporaryFileRemovers: Array<() => void>,
  ) {}

  /** The stage's IAM as provisioned now (a hot reload replaces it): what explanations and `iam.role(…).can(…)` read. */
  get iam(): StageIam {
    return this.currentIam();
  }

  static async start(options: LocalStageOptions): Promise<LocalStage> {
    const settings = { ...DEFAULTS, ...definedOnly(options) };
    const log = options.log ?? ((line: string) => console.log(line));
    const stateDir = options.stateDir ?? join(options.repoRoot, '.local-stage');
    // First, so a second stage on the same folder is refused before it prepares anything.
    await claimStateDir(stateDir);
    const startedAt = new Date().toISOString();
    const closers: Array<() => Promise<void>> = [];
    const temporaryFileRemovers: Array<() => void> = [];
    const digests = new FileDigests();
    try {
      const known: { iam?: StageIam; run?: RunFile; keys?: KeyRing } = {};
      const explainer = new StageExplainer({
        iam: () => known.iam,
        run: () => known.run,
        log,
        verbose: options.explain === true,
        refusalLines: options.onRequest === undefined,
        region: settings.region,
        now: () => new Date(),
        lookupKey: (accessKeyId) => known.keys?.lookup(accessKeyId),
      });
      const recorder = new AccessRecorder({ onDecision: (decided) => explainer.decided(decided) });
      // Packaging and starting the stage's own services overlap: both take a while, neither needs the other.
      const [prepared, { services, functions }] = await bothOrFirstFailure(
        prepare(options, settings, digests, log),
        startServices(settings, options, recorder, log, { closers, temporaryFileRemovers }, explainer),
      );
      known.keys = services.keys;
      const stacks = stackOrder(prepared.stacks, { accountId: settings.accountId });
      const provisioned: ProvisionedStack[] = [];
      for (const stack of stacks) provisioned.push(await provisionStack(stack, services));
      const firstIam = stageIamOf(settings, options.repoRoot, provisioned, services);
      known.iam = firstIam;
      known.run =
        options.recordRun && openRun(options.recordRun.source, settings, options.repoRoot, known.iam);
      const run = known.run;
      if (run) closers.push(() => run.close());
      const description = describe(settings, services, provisioned, startedAt);
      await writeStageFiles(stateDir, description, services.keys.developer);
      if (options.watch && prepared.services) {
        const loop = InnerLoop.start({
          repoRoot: options.repoRoot,
          stage: settings.stage,
          region: settings.region,
          services,
          functions,
          prepared: prepared.services,
          provisioned,
          digests,
          log,
          onStacksChanged: async (now) => {
            Object.assign(description, describe(settings, services, now, startedAt));
            // Refusals are explained against the stacks as they now are.
            known.iam = stageIamOf(settings, options.repoRoot, now, services);
            await writeStageFiles(stateDir, description, services.keys.developer);
          },
        });
        closers.unshift(() => loop.close());
      }
      return new LocalStage(
        description,
        services,
        closers,
        recorder,
        stateDir,
        () => known.iam ?? firstIam,
        run,
        temporaryFileRemovers,
      );
    } catch (error) {
      await closeAll(closers);
      await removeStageFiles(stateDir);
      throw error;
    }
  }

  get endpoint(): string {
    return this.description.endpoint;
  }

  /** The file this run's access decisions are written to, when `recordRun` asked for one. */
  get runFile(): string | undefined {
    return this.run?.file;
  }

  /** The developer's credentials: an IAM user allowed everything, for tools and tests. */
  get developerCredentials(): Credentials {
    const { accessKeyId, secretAccessKey } = this.services.keys.developer;
    return { accessKeyId, secretAccessKey };
  }

  /** Temporary credentials of a role (by name), so a test can call exactly as a function would. */
  credentialsForRole(roleName: string, sessionName = 'local-stage-test'): Credentials {
    const role = this.role(roleName);
    const { accessKeyId, secretAccessKey, sessionToken } = this.services.keys.roleSession(role, sessionName);
    return { accessKeyId, secretAccessKey, sessionToken };
  }

  /** For each role, each IAM statement used or never used, and every denial. */
  accessReport(): string {
    return formatAccessReport(this.accessUsage());
  }

  /** The access report as data: each role's statements with how many requests each decided, and every denial. */
  accessUsage(): AccessReport {
    const { keys, roles, accountId, apis } = this.services;
    // Every role, called or not: a role no request used is itself worth seeing.
    const rolePrincipals = [...roles.values()].map((role) => rolePrincipal(role, accountId));
    const resourcePolicies = [...apis.values()].flatMap(
      ({ definition }) => restApiTarget(definition, accountId).resourcePolicy ?? [],
    );
    return this.recorder.report([keys.developer.principal, ...rolePrincipals], resourcePolicies);
  }

  /** Stops serving and removes the stage's files: its state files and its temporary folders. */
  async stop(): Promise<void> {
    // The state files go first: from now on no tool takes this stage for a running one.
    await removeStageFiles(this.stateDir);
    await closeAll(this.closers);
  }

  /**
   * What stop() removes, at once and synchronously, for a process that must exit now (a second
   * Ctrl-C, an exit handler): the state files and the functions' unpacked code.
   */
  removeFilesSync(): void {
    removeStageFilesSync(this.stateDir, process.pid);
    for (const remove of this.temporaryFileRemovers) remove();
  }

  private role(roleName: string): Role {
    const role = [...this.services.roles.values()].find((candidate) => candidate.roleName === roleName);
    if (!role) {
      const known = [...this.services.roles.values()].map((candidate) => candidate.roleName).join(', ');
      throw new LocalStageError(`No role ${roleName} in this stage; roles: ${known}`);
    }
    return role;
  }
}

/** The repository's services, then the extra ones (fixture services in tests). */
function serviceDirs(options: LocalStageOptions): string[] {
  return [
    ...findServices(options.repoRoot).map((service) => service.dir),
    ...(options.extraServiceDirs ?? []),
  ];
}

/**
 * Every service's stack, ready to provision: templates compiled and functions bundled as needed
 * (prepareServices), or, with `packageFirst: false`, what `serverless package` left in `.serverless/`.
 */
async function prepare(
  options: LocalStageOptions,
  settings: StageSettings,
  digests: FileDigests,
  log: (line: string) => void,
): Promise<{ stacks: PackagedStack[]; services?: PreparedService[] }> {
  const dirs = serviceDirs(options);
  if (options.packageFirst === false) return { stacks: dirs.map((dir) => loadPackagedStack(dir)) };
  const { prepared, failed } = await prepareServices(dirs, {
    repoRoot: options.repoRoot,
    stage: settings.stage,
    region: settings.region,
    digests,
    log,
  });
  if (failed.length > 0) {
    const [first, ...others] = failed;
    if (first && others.length === 0) throw first.error;
    throw new LocalStageError(failed.map(({ error }) => error.message).join('\n\n'));
  }
  return { stacks: prepared.map((service) => service.stack), services: prepared };
}

async function startServices(
  settings: StageSettings,
  options: LocalStageOptions,
  recorder: AccessRecorder,
  log: (line: string) => void,
  {
    closers,
    temporaryFileRemovers,
  }: { closers: Array<() => Promise<void>>; temporaryFileRemovers: Array<() => void> },
  explainer: StageExplainer,
): Promise<{ services: StageServices; functions: DeployedFunctions }> {
  if (options.persist) await mkdir(options.persist, { recursive: true });
  const dynamodb = await DynaliteBackend.start({
    ...(options.persist ? { path: join(options.persist, 'dynamodb') } : {}),
    region: settings.region,
    accountId: settings.accountId,
    log,
  });
  closers.push(() => dynamodb.stop());
  const runtime = new LambdaRuntime({
    ...options.lambda,
    log: options.functionLog ?? ((line, fn) => log(`[${fn}] ${line}`)),
  });
  closers.push(() => runtime.stop());
  temporaryFileRemovers.push(() => runtime.removeTemporaryFilesSync());
  const lambda = new DeployedFunctions(runtime, {
    minimumTimeoutSeconds: options.debugging ? LAMBDA_MAX_TIMEOUT_SECONDS : undefined,
  });
  const services: Omit<StageServices, 'endpoint'> = {
    region: settings.region,
    accountId: settings.accountId,
    stageName: settings.stage,
    keys: new KeyRing(settings.accountId),
    roles: new Map(),
    ssm: new ParameterStore(options.persist ? { persistFile: join(options.persist, 'ssm.json') } : {}),
    dynamodb,
    lambda,
    apis: new Map(),
    invocableFunctions: new Set(),
    exports: new Map(),
    log,
  };
  const door = await FrontDoor.listen(
    {
      ...services,
      recorder,
      now: () => new Date(),
      log,
      audit: options.audit,
      onRequest: options.onRequest,
      onSignatureRefused: (request, service, error) => explainer.signatureRefused(request, service, error),
    },
    { port: settings.port },
  );
  closers.unshift(() => door.close());
  return { services: { ...services, endpoint: door.url }, functions: lambda };
}

function describe(
  settings: StageSettings,
  services: StageServices,
  stacks: ProvisionedStack[],
  startedAt: string,
): StageDescription {
  const described: StageDescription['services'] = {};
  for (const { stack, resources } of stacks) {
    const api = [...resources.values()].find((resource) => resource.type === 'AWS::ApiGateway::RestApi');
    const roles = [...resources.values()].filter((resource) => resource.type === 'AWS::IAM::Role');
    const deployed = api ? services.apis.get(api.physicalId) : undefined;
    described[stack.service] = {
      url: api ? `${services.endpoint}/${api.physicalId}/${settings.stage}` : '',
      apiId: api?.physicalId ?? '',
      stackName: stack.stackName,
      roles: roles.map((role) => role.physicalId),
      routes: deployed ? routesOf(deployed.definition) : [],
    };
  }
  return {
    region: settings.region,
    accountId: settings.accountId,
    stage: settings.stage,
    endpoint: services.endpoint,
    profile: 'local',
    services: described,
    pid: process.pid,
    startedAt,
  };
}

function stageIamOf(
  settings: StageSettings,
  repoRoot: string,
  stacks: ProvisionedStack[],
  services: StageServices,
): StageIam {
  return new StageIam({
    stage: settings.stage,
    region: settings.region,
    accountId: settings.accountId,
    repoRoot,
    stacks,
    roles: services.roles,
    apis: services.apis,
    managedPolicies: services.managedPolicies,
    readSsm: (name) => services.ssm.get(name)?.value,
  });
}

function openRun(source: string, settings: StageSettings, repoRoot: string, iam: StageIam): RunFile {
  return RunFile.open(runsDir(repoRoot), {
    source,
    stage: settings.stage,
    region: settings.region,
    accountId: settings.accountId,
    repoRoot,
    startedAt: new Date().toISOString(),
    services: runServices(iam),
  });
}

/** Both results; when one fails, its error, but only once the other has settled (and registered its closers). */
async function bothOrFirstFailure<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [first, second] = await Promise.allSettled([a, b]);
  if (first.status === 'rejected') throw first.reason;
  if (second.status === 'rejected') throw second.reason;
  return [first.value, second.value];
}

async function closeAll(closers: Array<() => Promise<void>>): Promise<void> {
  for (const close of closers.splice(0)) await close().catch(() => undefined);
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
