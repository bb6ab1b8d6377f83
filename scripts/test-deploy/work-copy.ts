import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A copy of the repository to deploy from: `serverless deploy` packages into each service's
 * `.serverless/`, which the local stage of this checkout reuses. node_modules is linked, not copied.
 *
 * @example
 * const work = makeWorkCopy(repoRoot); // work/services/users, work/scripts/deploy.mjs, …
 */
export function makeWorkCopy(repoRoot: string): string {
  const work = mkdtempSync(path.join(tmpdir(), 'test-deploy-'));
  for (const file of ['package.json', 'serverless-common.yml', 'tsconfig.base.json']) {
    cpSync(path.join(repoRoot, file), path.join(work, file));
  }
  const skipped = new Set(['.serverless', '.esbuild', 'node_modules', 'dist', 'test']);
  const filter = (source: string) => !skipped.has(path.basename(source));
  cpSync(path.join(repoRoot, 'scripts'), path.join(work, 'scripts'), { recursive: true, filter });
  cpSync(path.join(repoRoot, 'services'), path.join(work, 'services'), { recursive: true, filter });
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(work, 'node_modules'));
  mkdirSync(path.join(work, 'home'));
  return work;
}

/** The opt-in test principal every deploy of the run trusts (an IAM user of moto's account). */
export const TEST_PRINCIPAL_ARN = 'arn:aws:iam::123456789012:user/integration-ci';

/** The environment of every command: moto's endpoint and dummy keys, no AWS_* of the caller's. */
export function motoEnv(work: string, endpoint: string, region: string): NodeJS.ProcessEnv {
  const own = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  return {
    ...own,
    HOME: path.join(work, 'home'),
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: region,
    TEST_PRINCIPAL_ARN,
    SLS_TELEMETRY_DISABLED: '1',
    NO_COLOR: '1',
  };
}

export interface CommandOutcome {
  code: number;
  output: string;
}

/**
 * Runs a command to completion, its output collected (and echoed with TEST_DEPLOY_VERBOSE=1).
 *
 * @example
 * const { code, output } = await runIn(work, env, 'npm', ['run', 'deploy', '--', '--stage', 'dev']);
 */
export function runIn(
  cwd: string,
  env: NodeJS.ProcessEnv,
  command: string,
  args: string[],
): Promise<CommandOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    const keep = (chunk: Buffer) => {
      chunks.push(chunk);
      if (process.env.TEST_DEPLOY_VERBOSE) process.stderr.write(chunk);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output: Buffer.concat(chunks).toString('utf8') }));
  });
}
