import type { ChildProcess } from 'node:child_process';
import { type BundlePlan, bundlePlanSchema } from '../build/bundle-plan';
import { LocalStageError } from '../errors';
import { compileJob, forkCompiler, takePrestartedCompiler } from './compiler-process';
import { serverlessEnv, serverlessHome } from './serverless-runner';

export { discardPrestartedCompiler, frameworkDir, prestartCompiler } from './compiler-process';

const TEN_MINUTES_MS = 10 * 60 * 1000;

export interface CompileRequest {
  /** The service folder (absolute). */
  dir: string;
  /** Where `serverless package --package` writes the template and the service state. */
  outDir: string;
}

export type CompileOutcome = { ok: true; plan: BundlePlan } | { ok: false; message: string };

export interface CompileOptions {
  repoRoot: string;
  stage: string;
  region?: string;
  /** Called once per service as soon as its configuration is resolved, before its template is. */
  onPlan?: (dir: string, plan: BundlePlan) => void;
  /**
   * Called once every service's configuration is resolved and the plans known from them reported
   * (a service's plan may still come later, when only loading its plugins tells it).
   */
  onPlanned?: () => void;
  /** Starts the compiler process; tests pass a fake. */
  forkCompiler?: (env: NodeJS.ProcessEnv) => ChildProcess;
}

type CompilerMessage =
  | { type: 'plan'; dir: string; plan: unknown }
  | { type: 'planned' }
  | { type: 'compiled'; dir: string }
  | { type: 'failed'; dir: string; message: string }
  | { type: 'crashed'; message: string };

/**
 * Compiles the CloudFormation template of several services in one framework process: what
 * `serverless package --stage {stage} --package {outDir}` writes for each, without bundling (the
 * stage bundles with the plan each service reports). Resolves with each service's outcome; a service
 * that fails does not stop the others.
 *
 * @example
 * const outcomes = await compileTemplates([{ dir: '/repo/services/users', outDir }], {
 *   repoRoot: '/repo',
 *   stage: 'local',
 *   onPlan: (dir, plan) => startBundling(dir, plan),
 * });
 */
export function compileTemplates(
  requests: CompileRequest[],
  options: CompileOptions,
): Promise<Map<string, CompileOutcome>> {
  const outcomes = new Map<string, CompileOutcome>();
  if (requests.length === 0) return Promise.resolve(outcomes);
  const job = compileJob(options.repoRoot, options, requests);
  const prestarted = options.forkCompiler ? undefined : takePrestartedCompiler(options.repoRoot, job);
  const child = options.forkCompiler
    ? options.forkCompiler(serverlessEnv(process.env, serverlessHome(options.repoRoot)))
    : (prestarted?.child ?? forkCompiler(options.repoRoot));
  const plans = new Map<string, BundlePlan>();
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr])
    stream?.on('data', (chunk) => output.push(String(chunk)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill(), TEN_MINUTES_MS);
    // Every service answered: the compiler may still be writing its code cache, nothing to wait for.
    const settleOnceAllAnswered = () => {
      if (!requests.every(({ dir }) => outcomes.has(dir))) return;
      clearTimeout(timer);
      resolve(outcomes);
    };
    const onMessage = (message: CompilerMessage) => {
      if (message.type === 'plan') {
        const plan = bundlePlanSchema.parse(message.plan);
        plans.set(message.dir, plan);
        options.onPlan?.(message.dir, plan);
      } else if (message.type === 'planned') {
        options.onPlanned?.();
      } else if (message.type === 'compiled') {
        const plan = plans.get(message.dir);
        outcomes.set(message.dir, plan ? { ok: true, plan } : { ok: false, message: 'no bundle plan' });
        settleOnceAllAnswered();
      } else if (message.type === 'failed') {
        outcomes.set(message.dir, { ok: false, message: message.message });
        settleOnceAllAnswered();
      } else {
        output.push(message.message);
      }
    };
    child.on('message', onMessage);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new LocalStageError(`Cannot start the template compiler: ${error.message}`, { cause: error }));
    });
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      for (const { dir } of requests) {
        if (outcomes.has(dir)) continue;
        const said = output.join('').trim().split('\n').slice(-20).join('\n');
        const how = signal ? `was stopped by ${signal}` : `exited with code ${code}`;
        outcomes.set(dir, { ok: false, message: `the template compiler ${how}${said ? `:\n${said}` : ''}` });
      }
      resolve(outcomes);
    };
    child.on('exit', onExit);
    // A compiler forked ahead was given this job already: what it answered meanwhile comes first.
    if (prestarted) for (const message of prestarted.answered) onMessage(message as CompilerMessage);
    else child.send(job);
    // Done before it was taken over: its output is read first, as its exit would have waited for.
    const exited = prestarted?.exit;
    if (exited) setImmediate(() => onExit(exited.code, exited.signal));
  });
}
