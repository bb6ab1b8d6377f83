import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { FileDigests } from '../build/file-digests';
import { serverlessEnv, serverlessHome } from './serverless-runner';
import { findServices } from './services';
import { compiledTemplateDir, templateInputs } from './template-inputs';

// Kept light on purpose (no zod, no stage): the command line imports it before anything else.

/** Plain JavaScript, run by plain `node`: see compile-process.js. */
const COMPILE_PROCESS = path.join(__dirname, 'compile-process.js');

/**
 * The installed framework (osls, as `serverless`), as the service folders resolve it.
 *
 * @example
 * frameworkDir('/repo'); // '/repo/node_modules/serverless'
 */
export function frameworkDir(repoRoot: string): string {
  return path.dirname(require.resolve('serverless/package.json', { paths: [repoRoot] }));
}

/**
 * Forks the template compiler, in the environment `serverless package` runs in (serverlessEnv). It
 * starts loading the framework at once and waits for its job.
 *
 * @example
 * const child = forkCompiler('/repo');
 */
export function forkCompiler(repoRoot: string): ChildProcess {
  const env = serverlessEnv(process.env, serverlessHome(repoRoot));
  // No execArgv: the stage's own loader flags (tsx) would only slow a plain-JavaScript child down.
  return fork(COMPILE_PROCESS, [frameworkDir(repoRoot), compilerCodeCache(repoRoot)], {
    env,
    execArgv: [],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
}

/**
 * Where the compiler keeps V8's code for the framework (see compile-cache.js): beside the framework's
 * own caches, one file per Node version and architecture, as V8's code is only good for those.
 *
 * @example
 * compilerCodeCache('/repo'); // '/repo/node_modules/.cache/local-stage/compiler-v20.20.2-x64.cache'
 */
export function compilerCodeCache(repoRoot: string): string {
  return path.join(
    repoRoot,
    'node_modules',
    '.cache',
    'local-stage',
    `compiler-${process.version}-${process.arch}.cache`,
  );
}

/** What the compiler is asked to do: compile these services' templates (see compile-process.js). */
export interface CompileJob {
  frameworkDir: string;
  stage: string;
  region?: string;
  services: Array<{ dir: string; outDir: string }>;
}

/**
 * The job for `services`, in the one shape both the command line and the stage make it, so a job
 * sent ahead of time can be recognised.
 *
 * @example
 * compileJob('/repo', { stage: 'local' }, [{ dir: '/repo/services/users', outDir }]);
 */
export function compileJob(
  repoRoot: string,
  options: { stage: string; region?: string },
  services: CompileJob['services'],
): CompileJob {
  return {
    frameworkDir: frameworkDir(repoRoot),
    stage: options.stage,
    region: options.region,
    services: services.map(({ dir, outDir }) => ({ dir, outDir })),
  };
}

interface Prestarted {
  repoRoot: string;
  child: ChildProcess;
  job: CompileJob;
  /** What the compiler answered before the stage took it over, in order. */
  answered: unknown[];
  keep: (message: unknown) => void;
  /** How it exited, if it has: done with the job (or failed) before the stage took it over. */
  exit?: CompilerExit;
}

export interface CompilerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

let prestarted: Prestarted | undefined;

/**
 * Forks the template compiler ahead of time, when some service of the repository has no template
 * compiled for this stage yet, and gives it the job at once: it loads the framework and resolves the
 * services' configurations on one core while the stage's process loads itself on the other, its
 * answers kept until `compileTemplates` takes it over (when asked for the same job);
 * `discardPrestartedCompiler` ends it if not.
 *
 * @example
 * prestartCompiler('/repo', { stage: 'local', region: 'us-east-1' }); // first thing in the command line
 */
export function prestartCompiler(repoRoot: string, options: { stage: string; region?: string }): void {
  if (prestarted) return;
  const framework = frameworkDir(repoRoot);
  // One digest of each file the services share (serverless-common.yml, the framework's manifests).
  const digests = new FileDigests();
  const services = findServices(repoRoot).map((service) => {
    const { key } = templateInputs(service.dir, { ...options, frameworkDir: framework, digests });
    return { dir: service.dir, outDir: compiledTemplateDir(service.dir, options.stage, key) };
  });
  const toCompile = services.filter(({ outDir }) => !existsSync(path.join(outDir, 'compiled.json')));
  if (toCompile.length === 0) return;
  const child = forkCompiler(repoRoot);
  const answered: unknown[] = [];
  const keep = (message: unknown) => answered.push(message);
  child.on('message', keep);
  const job = compileJob(repoRoot, options, toCompile);
  child.send(job);
  const entry: Prestarted = { repoRoot, child, job, answered, keep };
  child.once('exit', (code, signal) => {
    entry.exit = { code, signal };
  });
  prestarted = entry;
}

/**
 * The compiler forked ahead for this repository, if it was given `job`, with what it has answered so
 * far and, when it is done already, how it exited; it is the caller's then. One given another job is
 * ended.
 */
export function takePrestartedCompiler(
  repoRoot: string,
  job: CompileJob,
): { child: ChildProcess; answered: unknown[]; exit?: CompilerExit } | undefined {
  if (prestarted?.repoRoot !== repoRoot) return undefined;
  const { child, answered, keep, exit } = prestarted;
  const sameJob = JSON.stringify(prestarted.job) === JSON.stringify(job);
  prestarted = undefined;
  if (!sameJob) {
    if (child.connected) child.disconnect();
    return undefined;
  }
  child.off('message', keep);
  return { child, answered, exit };
}

/** Ends a compiler forked ahead of time that turned out not to be needed. */
export function discardPrestartedCompiler(): void {
  prestarted?.child.disconnect();
  prestarted = undefined;
}
