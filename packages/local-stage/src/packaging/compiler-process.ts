import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
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

let prestarted: { repoRoot: string; child: ChildProcess } | undefined;

/**
 * Forks the template compiler ahead of time, when some service of the repository has no template
 * compiled for this stage yet: it loads the framework on one core while the stage's process loads
 * itself on the other. `compileTemplates` then uses it; `discardPrestartedCompiler` ends it if not.
 *
 * @example
 * prestartCompiler('/repo', { stage: 'local', region: 'us-east-1' }); // first thing in the command line
 */
export function prestartCompiler(repoRoot: string, options: { stage: string; region?: string }): void {
  if (prestarted) return;
  const framework = frameworkDir(repoRoot);
  const compiled = (dir: string) => {
    const { key } = templateInputs(dir, { ...options, frameworkDir: framework });
    return existsSync(path.join(compiledTemplateDir(dir, options.stage, key), 'compiled.json'));
  };
  if (findServices(repoRoot).every((service) => compiled(service.dir))) return;
  prestarted = { repoRoot, child: forkCompiler(repoRoot) };
}

/** The compiler forked ahead for this repository, if any and still running; it is the caller's then. */
export function takePrestartedCompiler(repoRoot: string): ChildProcess | undefined {
  if (prestarted?.repoRoot !== repoRoot || prestarted.child.exitCode !== null) return undefined;
  const { child } = prestarted;
  prestarted = undefined;
  return child;
}

/** Ends a compiler forked ahead of time that turned out not to be needed. */
export function discardPrestartedCompiler(): void {
  prestarted?.child.disconnect();
  prestarted = undefined;
}
