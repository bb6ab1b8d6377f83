import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { freePort } from './free-port';

/** What `npm run test:deploy` needs besides Node: an AWS emulator nobody here wrote, and a linter. */
export const PREREQUISITES = [
  {
    what: 'python3',
    command: ['python3', '--version'],
    install: 'Python 3.9 or later (python.org, or your package manager)',
  },
  {
    what: 'moto (server mode) 5.x',
    command: ['python3', '-c', 'import moto, flask, flask_cors; print(moto.__version__)'],
    install: 'python3 -m pip install "moto[server]>=5.2,<6"',
  },
  {
    what: 'cfn-lint 1.x',
    command: ['cfn-lint', '--version'],
    install: 'python3 -m pip install "cfn-lint>=1,<2"',
  },
] as const;

/** Runs a command to completion; resolves how it ended. Injected so tests need no Python. */
export type Probe = (command: string, args: string[]) => { ok: boolean; output: string };

const probeWithSpawn: Probe = (command, args) => {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() || (result.error?.message ?? '');
  return { ok: result.status === 0, output };
};

/**
 * The prerequisites that are missing, each with how to install it; empty when all are there.
 *
 * @example
 * missingPrerequisites(); // ['moto (server mode) 5.x: not found (…). Install: python3 -m pip install …']
 */
export function missingPrerequisites(probe: Probe = probeWithSpawn): string[] {
  return PREREQUISITES.flatMap(({ what, command, install }) => {
    const [program = '', ...args] = command;
    const { ok, output } = probe(program, args);
    if (ok) return [];
    const detail = output.split('\n').at(-1) || `${program} did not run`;
    return [`${what}: not found (${detail}). Install: ${install}`];
  });
}

/** A moto server started for this run, on loopback; stop it with `stop()`. */
export interface MotoServer {
  endpoint: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

/**
 * Starts `python3 -m moto.server` on a free loopback port and waits until it answers. AWS's managed
 * IAM policies are loaded (MOTO_IAM_LOAD_MANAGED_POLICIES), as the deploy attaches one.
 *
 * @example
 * const moto = await startMoto(); // … AWS_ENDPOINT_URL=moto.endpoint …; await moto.stop();
 */
export async function startMoto(timeoutMs = 60_000): Promise<MotoServer> {
  const port = await freePort();
  const child: ChildProcess = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto exited (code ${child.exitCode}):\n${stderr}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) return { endpoint, pid: child.pid, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`moto did not answer on ${endpoint} within ${timeoutMs / 1000} s:\n${stderr}`);
}

/**
 * `npm run test:deploy`: checks the prerequisites (failing loudly, naming each missing one), starts
 * moto, runs the `deploy` jest project against it, stops moto.
 *
 * @example
 * process.exitCode = await testDeploy(process.argv.slice(2), repoRoot);
 */
export async function testDeploy(argv: string[], repoRoot: string): Promise<number> {
  const missing = missingPrerequisites();
  if (missing.length > 0) {
    console.error(
      `npm run test:deploy cannot run: it deploys into moto (an AWS emulator) and lints templates with cfn-lint.\n  ${missing.join('\n  ')}`,
    );
    return 1;
  }
  const started = Date.now();
  const moto = await startMoto();
  console.log(`moto server ${moto.endpoint} (pid ${moto.pid})`);
  const stopOnSignal = () => void moto.stop().then(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  try {
    const jest = path.join(repoRoot, 'node_modules/jest/bin/jest.js');
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, [jest, '--selectProjects', 'deploy', '--runInBand', ...argv], {
        cwd: repoRoot,
        stdio: 'inherit',
        env: { ...process.env, TEST_DEPLOY_ENDPOINT: moto.endpoint },
      });
      child.on('error', reject);
      child.on('close', (status) => resolve(status ?? 1));
    });
    console.log(`npm run test:deploy: ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return code;
  } finally {
    process.removeListener('SIGINT', stopOnSignal);
    await moto.stop();
  }
}
