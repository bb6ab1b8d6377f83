import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { hasCompleteArtifacts, readStoredHash, removeStoredHash, writeStoredHash } from './artifacts';
import { PackagingError } from './errors';
import { inputsHash } from './inputs-hash';
import { nodeServerlessRunner, type RunServerless, serverlessEnv, serverlessHome } from './serverless-runner';
import type { ServiceDir } from './services';

export type PackagingState = 'reused' | 'packaging' | 'packaged' | 'failed';

export interface PackageOptions {
  stage: string;
  repoRoot: string;
  /** Services packaged at once. Default 2: each run is one Node process plus esbuild. */
  concurrency?: number;
  /** Package even when the inputs are unchanged. */
  force?: boolean;
  onProgress?: (event: { service: string; state: PackagingState; ms?: number }) => void;
  /** Default: `node <repo>/node_modules/serverless/bin/serverless.js`; tests pass a fake. */
  runServerless?: RunServerless;
}

const OUTPUT_TAIL_LINES = 40;

/**
 * Runs `serverless package --stage {stage}` for each service, at most `concurrency` at a time,
 * reusing a service's `.serverless/` when its inputs digest (see `inputsHash`) equals the one stored
 * by the last successful package and the artifacts are all there. After a failure no further
 * service is started; the first failure is thrown as a `PackagingError` once running ones finish.
 *
 * @example
 * await packageServices(findServices(repoRoot), {
 *   stage: 'local',
 *   repoRoot,
 *   onProgress: ({ service, state, ms }) => console.log(service, state, ms ?? ''),
 * });
 */
export async function packageServices(services: ServiceDir[], options: PackageOptions): Promise<void> {
  const run = options.runServerless ?? nodeServerlessRunner(options.repoRoot);
  const env = serverlessEnv(process.env, serverlessHome(options.repoRoot));
  const failures: unknown[] = [];
  const queue = longestFirst(services);
  const worker = async (): Promise<void> => {
    for (let service = queue.shift(); service && failures.length === 0; service = queue.shift()) {
      await packageOne(service, options, run, env).catch((error: unknown) => failures.push(error));
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 2, services.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failures.length > 0) throw failures[0];
}

/**
 * Services with the most functions first: each function is one esbuild bundle, and starting the
 * longest package first keeps both workers busy to the end instead of leaving one long run alone.
 */
function longestFirst(services: ServiceDir[]): ServiceDir[] {
  const handlers = new Map(services.map((service) => [service, countHandlers(service)]));
  return [...services].sort((a, b) => (handlers.get(b) ?? 0) - (handlers.get(a) ?? 0));
}

function countHandlers(service: ServiceDir): number {
  const file = path.join(service.dir, 'serverless.yml');
  return existsSync(file) ? (readFileSync(file, 'utf8').match(/^\s+handler:/gm) ?? []).length : 0;
}

async function packageOne(
  service: ServiceDir,
  options: PackageOptions,
  run: RunServerless,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const report = (state: PackagingState, ms?: number) =>
    options.onProgress?.({ service: service.name, state, ms });
  const hash = inputsHash(service, options.repoRoot, options.stage);
  if (!options.force && readStoredHash(service.dir) === hash && hasCompleteArtifacts(service.dir)) {
    report('reused');
    return;
  }
  const started = Date.now();
  report('packaging');
  // A package interrupted half way must not look reusable next time.
  removeStoredHash(service.dir);
  const { code, output, cause } = await runCaught(
    run,
    ['package', '--stage', options.stage],
    service.dir,
    env,
  );
  if (code !== 0) {
    report('failed', Date.now() - started);
    throw new PackagingError(service.name, code, tail(output, OUTPUT_TAIL_LINES), { cause });
  }
  writeStoredHash(service.dir, hash);
  report('packaged', Date.now() - started);
}

// A runner that cannot start (no node, no serverless) fails the service like a failed package does.
async function runCaught(
  run: RunServerless,
  ...[args, cwd, env]: Parameters<RunServerless>
): Promise<{ code: number; output: string; cause?: unknown }> {
  try {
    return await run(args, cwd, env);
  } catch (error) {
    return { code: -1, output: `Could not run serverless: ${String(error)}`, cause: error };
  }
}

function tail(output: string, lines: number): string {
  return output.trimEnd().split('\n').slice(-lines).join('\n');
}
