import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { StageDescription } from '@internal-apis/local-stage';
import { signRequest } from '@internal-apis/signed-client';
import { isRunning } from '../../src/process-alive';

// `npm start` exactly as a developer runs it (npm, then the CLI through tsx), stopped the ways a
// terminal stops it while requests are in flight: Ctrl-C, `kill` and closing the terminal reach the
// whole process group (npm relays SIGINT and SIGTERM once more); `kill PID` reaches the stage alone.
// Whatever the way, the stage must remove its state files (the credentials above all) and any
// temporary folder it made. The suite's global setup built every service already: these starts reuse
// its templates and bundles (and watch nothing: `--no-watch`).

const REPO_ROOT = resolve(__dirname, '../../../..');
const READY_TIMEOUT_MS = 45_000;
const EXIT_TIMEOUT_MS = 15_000;
const IN_FLIGHT = 8;

interface RunningCli {
  child: ChildProcess;
  workDir: string;
  stateDir: string;
  description: StageDescription;
  output: string[];
}

async function startCli(): Promise<RunningCli> {
  const workDir = mkdtempSync(join(tmpdir(), 'stop-signals-'));
  const stateDir = join(workDir, 'state');
  const child = spawn('npm', ['start', '--', '--port', '0', '--no-watch', '--state-dir', stateDir], {
    cwd: REPO_ROOT,
    // Its own process group, as a terminal gives a foreground job; its temporary folders in workDir.
    detached: true,
    env: { ...process.env, TMPDIR: workDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const ready = new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready:\n${output.join('\n')}`)), READY_TIMEOUT_MS);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream as NodeJS.ReadableStream }).on('line', (line) => {
        output.push(line);
        if (/^Local stage "\w+" ready in/.test(line)) {
          clearTimeout(timer);
          resolveReady();
        }
      });
    }
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output.join('\n')}`)));
  });
  await ready;
  const description = JSON.parse(readFileSync(join(stateDir, 'stage.json'), 'utf8')) as StageDescription;
  return { child, workDir, stateDir, description, output };
}

/** Signed GETs through the front door to a function, IN_FLIGHT at a time, until stopped. */
function loadOn(cli: RunningCli): { stop: () => void; answered: () => number } {
  const credentials = readCredentials(join(cli.stateDir, 'credentials'));
  const url = `${cli.description.services.users?.url}/users/no-such-user`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  let running = true;
  let answered = 0;
  const loop = async () => {
    while (running) {
      const headers = signRequest({ method: 'GET', url, headers: {} }, credentials, {
        service: 'execute-api',
        region: cli.description.region,
      });
      const ok = await new Promise<boolean>((done) => {
        http
          .get(url, { headers, agent }, (res) => res.resume().on('end', () => done(true)))
          .on('error', () => done(false));
      });
      if (ok) answered += 1;
      else await new Promise((wait) => setTimeout(wait, 20));
    }
  };
  for (let i = 0; i < IN_FLIGHT; i += 1) void loop();
  return {
    stop: () => {
      running = false;
      agent.destroy();
    },
    answered: () => answered,
  };
}

function readCredentials(file: string): { accessKeyId: string; secretAccessKey: string } {
  const text = readFileSync(file, 'utf8');
  const value = (name: string) => new RegExp(`^${name} = (.+)$`, 'm').exec(text)?.[1] ?? '';
  return { accessKeyId: value('aws_access_key_id'), secretAccessKey: value('aws_secret_access_key') };
}

async function waitForExit(pid: number): Promise<void> {
  const deadline = Date.now() + EXIT_TIMEOUT_MS;
  while (isRunning(pid)) {
    if (Date.now() > deadline) throw new Error(`the stage (process ${pid}) did not stop`);
    await new Promise((wait) => setTimeout(wait, 50));
  }
}

/** Every line printed: the stage's output ends when its process (and npm's) has ended. */
async function outputClosed(cli: RunningCli): Promise<void> {
  if (cli.child.stdout?.readableEnded) return;
  await new Promise((done) => {
    cli.child.stdout?.once('close', done);
    setTimeout(done, EXIT_TIMEOUT_MS);
  });
}

/** What is left of the stage: its state files and the temporary folders it made. */
function leftovers(cli: RunningCli): string[] {
  const stateFiles = existsSync(cli.stateDir) ? readdirSync(cli.stateDir) : [];
  const temporary = readdirSync(cli.workDir).filter((name) => name.startsWith('local-stage-'));
  return [...stateFiles, ...temporary];
}

jest.setTimeout(90_000);

test.concurrent.each([
  ['SIGINT', 'process group'],
  ['SIGTERM', 'process group'],
  ['SIGHUP', 'process group'],
  ['SIGHUP', 'stage'],
] as const)('%s to the %s under load removes the credentials and temporary folders', async (signal, to) => {
  const cli = await startCli();
  const stagePid = cli.description.pid ?? 0;
  expect(isRunning(stagePid)).toBe(true);
  expect(leftovers(cli).sort()).toEqual(
    expect.arrayContaining(['config', 'credentials', 'stage.json', 'stage.lock']),
  );

  const load = loadOn(cli);
  while (load.answered() < 20) await new Promise((wait) => setTimeout(wait, 20));
  process.kill(to === 'stage' ? stagePid : -(cli.child.pid ?? 0), signal);
  await waitForExit(stagePid);
  await outputClosed(cli);
  load.stop();

  expect(leftovers(cli)).toEqual([]);
  expect(cli.output.filter((line) => line === 'Stopping…')).toHaveLength(1);
  expect(cli.output.join('\n')).not.toMatch(/Not stopped|could not stop/);
});
