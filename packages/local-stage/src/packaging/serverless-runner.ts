import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Runs the serverless CLI with `args` in `cwd`; resolves with its exit code and combined output. */
export type RunServerless = (
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
) => Promise<{ code: number; output: string }>;

const TEN_MINUTES_MS = 10 * 60 * 1000;

/**
 * The framework's own entry point (osls, installed as `serverless`), so it can be started with
 * `node` directly: `npx` would add a second Node process and its lookup to every package.
 *
 * @example
 * serverlessBin('/repo'); // '/repo/node_modules/serverless/bin/serverless.js'
 */
export function serverlessBin(repoRoot: string): string {
  const manifest = require.resolve('serverless/package.json', { paths: [repoRoot] });
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: string | Record<string, string> };
  const relative = typeof bin === 'string' ? bin : (bin.serverless ?? 'bin/serverless.js');
  return path.join(path.dirname(manifest), relative);
}

/**
 * A `RunServerless` that starts `node <serverless bin>` and collects stdout and stderr together.
 *
 * @example
 * const run = nodeServerlessRunner('/repo');
 * const { code, output } = await run(['package', '--stage', 'local'], '/repo/services/users', env);
 */
export function nodeServerlessRunner(repoRoot: string, timeoutMs = TEN_MINUTES_MS): RunServerless {
  const bin = serverlessBin(repoRoot);
  return (args, cwd, env) =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [bin, ...args], {
        cwd,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: timeoutMs,
      });
      const chunks: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
      child.on('error', reject);
      child.on('close', (code, signal) => {
        const output = Buffer.concat(chunks).toString('utf8');
        resolve({ code: code ?? 1, output: signal ? `${output}\n(stopped by ${signal})` : output });
      });
    });
}

/**
 * The environment `serverless package` runs in: the caller's, minus every `AWS_*` variable
 * (credentials, profiles, config and credential file paths), with HOME pointing at `home`, a folder
 * without `.aws/`. Packaging must need no credentials; if a template ever asks AWS for something at
 * package time, it fails here instead of working on one laptop only.
 *
 * @example
 * spawn(cmd, args, { env: serverlessEnv(process.env, '/repo/node_modules/.cache/serverless-home') });
 */
export function serverlessEnv(base: NodeJS.ProcessEnv, home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    if (!name.startsWith('AWS_')) env[name] = value;
  }
  return {
    ...env,
    HOME: home,
    // osls ships without telemetry or notifications; these keep the Serverless Inc. framework offline
    // too, should someone swap it in.
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    // Without it an accidental credential lookup waits on the EC2 metadata endpoint instead of failing.
    AWS_EC2_METADATA_DISABLED: 'true',
    NO_COLOR: '1',
  };
}

/**
 * A HOME for serverless that has no AWS configuration but survives between runs, so the framework's
 * schema-validation cache (`~/.serverless/artifacts`) makes later cold starts faster.
 *
 * @example
 * serverlessHome('/repo'); // '/repo/node_modules/.cache/local-stage/serverless-home'
 */
export function serverlessHome(repoRoot: string): string {
  const home = path.join(repoRoot, 'node_modules', '.cache', 'local-stage', 'serverless-home');
  mkdirSync(home, { recursive: true });
  return home;
}
