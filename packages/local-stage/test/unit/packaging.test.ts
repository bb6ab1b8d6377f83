import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalStageError } from '../../src/errors';
import {
  findServices,
  nodeServerlessRunner,
  PackagingError,
  type PackagingState,
  packageServices,
  type RunServerless,
  serverlessEnv,
} from '../../src/packaging';

/** A repository with `count` services (s1, s2, …), each with one source file and no dependencies. */
function fixtureRepo(count: number): string {
  const root = mkdtempSync(path.join(tmpdir(), 'packaging-'));
  write(root, 'package.json', JSON.stringify({ workspaces: ['services/*'] }));
  write(root, 'serverless-common.yml', 'provider: {}\n');
  for (let i = 1; i <= count; i++) {
    write(root, `services/s${i}/serverless.yml`, `service: s${i}\n`);
    write(root, `services/s${i}/package.json`, JSON.stringify({ name: `@fx/s${i}` }));
    write(root, `services/s${i}/src/handler.ts`, 'export const handler = 1;\n');
  }
  return root;
}

function write(root: string, file: string, content: string): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), content);
}

interface FakeRun {
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Writes what `serverless package` writes (a template naming one zip, and the zip); records calls. */
function fakeServerless(
  result: (cwd: string) => { code: number; output: string } = () => ({ code: 0, output: '' }),
) {
  const calls: FakeRun[] = [];
  let running = 0;
  let maxRunning = 0;
  const run: RunServerless = async (args, cwd, env) => {
    calls.push({ args, cwd, env });
    maxRunning = Math.max(maxRunning, ++running);
    await new Promise((resolve) => setTimeout(resolve, 10));
    running--;
    const answer = result(cwd);
    if (answer.code === 0) writePackage(cwd);
    return answer;
  };
  return { run, calls, maxRunning: () => maxRunning };
}

function writePackage(serviceDir: string): void {
  const name = path.basename(serviceDir);
  const template = {
    Resources: {
      Fn: {
        Type: 'AWS::Lambda::Function',
        Properties: { Code: { S3Key: `serverless/${name}/local/1/${name}.zip` } },
      },
    },
  };
  write(serviceDir, '.serverless/cloudformation-template-update-stack.json', JSON.stringify(template));
  write(serviceDir, `.serverless/${name}.zip`, 'PK');
}

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

function progressLog() {
  const events: string[] = [];
  return {
    events,
    onProgress: (event: { service: string; state: PackagingState }) =>
      events.push(`${event.service}:${event.state}`),
  };
}

describe('packageServices', () => {
  it('runs `serverless package --stage <stage>` in each service folder and stores the inputs hash', async () => {
    root = fixtureRepo(2);
    const fake = fakeServerless();
    const { events, onProgress } = progressLog();

    await packageServices(findServices(root), {
      stage: 'local',
      repoRoot: root,
      runServerless: fake.run,
      onProgress,
    });

    expect(fake.calls.map((call) => [call.args, call.cwd])).toEqual([
      [['package', '--stage', 'local'], path.join(root, 'services/s1')],
      [['package', '--stage', 'local'], path.join(root, 'services/s2')],
    ]);
    expect(events.sort()).toEqual(['s1:packaged', 's1:packaging', 's2:packaged', 's2:packaging']);
    expect(readFileSync(path.join(root, 'services/s1/.serverless/.package-hash'), 'utf8')).toMatch(
      /^[0-9a-f]{64}\n$/,
    );
  });

  it('reuses every package when nothing changed', async () => {
    root = fixtureRepo(2);
    const fake = fakeServerless();
    await packageServices(findServices(root), { stage: 'local', repoRoot: root, runServerless: fake.run });
    const { events, onProgress } = progressLog();

    await packageServices(findServices(root), {
      stage: 'local',
      repoRoot: root,
      runServerless: fake.run,
      onProgress,
    });

    expect(fake.calls).toHaveLength(2);
    expect(events).toEqual(['s1:reused', 's2:reused']);
  });

  it('packages again only the service whose source changed', async () => {
    root = fixtureRepo(2);
    const fake = fakeServerless();
    await packageServices(findServices(root), { stage: 'local', repoRoot: root, runServerless: fake.run });

    write(root, 'services/s2/src/handler.ts', 'export const handler = 2;\n');
    await packageServices(findServices(root), { stage: 'local', repoRoot: root, runServerless: fake.run });

    expect(fake.calls.map((call) => path.basename(call.cwd))).toEqual(['s1', 's2', 's2']);
  });

  it('packages again when the stage differs, an artifact is missing, or force is set', async () => {
    root = fixtureRepo(1);
    const fake = fakeServerless();
    const options = { stage: 'local', repoRoot: root, runServerless: fake.run };
    await packageServices(findServices(root), options);

    await packageServices(findServices(root), { ...options, stage: 'other' });
    await packageServices(findServices(root), options);
    expect(fake.calls).toHaveLength(3);

    rmSync(path.join(root, 'services/s1/.serverless/s1.zip'));
    await packageServices(findServices(root), options);
    expect(fake.calls).toHaveLength(4);

    await packageServices(findServices(root), { ...options, force: true });
    expect(fake.calls).toHaveLength(5);
  });

  it.each([
    { label: 'the default', concurrency: undefined, expected: 2 },
    { label: '3', concurrency: 3, expected: 3 },
    { label: '1', concurrency: 1, expected: 1 },
  ])(
    'with $label concurrency, runs at most $expected packages at once',
    async ({ concurrency, expected }) => {
      root = fixtureRepo(6);
      const fake = fakeServerless();

      await packageServices(findServices(root), {
        stage: 'local',
        repoRoot: root,
        runServerless: fake.run,
        concurrency,
      });

      expect(fake.calls).toHaveLength(6);
      expect(fake.maxRunning()).toBe(expected);
    },
  );

  it('starts the services with the most functions first, so the longest package does not run last', async () => {
    root = fixtureRepo(3);
    write(
      root,
      'services/s3/serverless.yml',
      'service: s3\nfunctions:\n  a:\n    handler: a.h\n  b:\n    handler: b.h\n',
    );
    write(root, 'services/s2/serverless.yml', 'service: s2\nfunctions:\n  a:\n    handler: a.h\n');
    const fake = fakeServerless();

    await packageServices(findServices(root), {
      stage: 'local',
      repoRoot: root,
      runServerless: fake.run,
      concurrency: 1,
    });

    expect(fake.calls.map((call) => path.basename(call.cwd))).toEqual(['s3', 's2', 's1']);
  });

  it('throws a PackagingError with the tail of the output, stores no hash and starts no further service', async () => {
    root = fixtureRepo(4);
    const noise = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');
    const fake = fakeServerless((cwd) =>
      cwd.endsWith('s1')
        ? { code: 1, output: `${noise}\nError: Cannot resolve variable at "provider.region"\n` }
        : { code: 0, output: '' },
    );
    const { events, onProgress } = progressLog();

    const error = await packageServices(findServices(root), {
      stage: 'local',
      repoRoot: root,
      runServerless: fake.run,
      concurrency: 2,
      onProgress,
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PackagingError);
    expect(error).toBeInstanceOf(LocalStageError);
    expect(error).toMatchObject({ name: 'PackagingError', service: 's1', exitCode: 1 });
    const { outputTail, message } = error as PackagingError;
    expect(outputTail.split('\n')).toHaveLength(40);
    expect(outputTail).toMatch(/Cannot resolve variable at "provider.region"$/);
    expect(outputTail).not.toContain('line 50\n');
    expect(message).toContain('Packaging service "s1" failed (exit code 1)');
    expect(events).toContain('s1:failed');
    expect(fake.calls.map((call) => path.basename(call.cwd))).toEqual(['s1', 's2']);
    expect(existsSync(path.join(root, 'services/s1/.serverless/.package-hash'))).toBe(false);
  });

  it('turns a runner that cannot start into a PackagingError with the cause', async () => {
    root = fixtureRepo(1);
    const spawnError = new Error('spawn node ENOENT');

    const error = await packageServices(findServices(root), {
      stage: 'local',
      repoRoot: root,
      runServerless: () => Promise.reject(spawnError),
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PackagingError);
    expect(error).toMatchObject({ service: 's1', cause: spawnError });
  });
});

describe('the serverless environment', () => {
  it('has no AWS_* variables, an own HOME, telemetry off, and keeps the rest', () => {
    const env = serverlessEnv(
      {
        PATH: '/usr/bin',
        HOME: '/home/dev',
        AWS_PROFILE: 'prod-admin',
        AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_SESSION_TOKEN: 'token',
        AWS_SHARED_CREDENTIALS_FILE: '/home/dev/.aws/credentials',
        AWS_CONFIG_FILE: '/home/dev/.aws/config',
      },
      '/repo/node_modules/.cache/local-stage/serverless-home',
    );

    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/repo/node_modules/.cache/local-stage/serverless-home',
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
      AWS_EC2_METADATA_DISABLED: 'true',
      NO_COLOR: '1',
    });
  });

  it('is what the default runner gives `node <serverless bin>`', async () => {
    root = fixtureRepo(1);
    // A stand-in for the serverless package that reports how it was started.
    write(
      root,
      'node_modules/serverless/package.json',
      JSON.stringify({ name: 'osls', bin: { serverless: 'bin/sls.js' } }),
    );
    write(
      root,
      'node_modules/serverless/bin/sls.js',
      'console.log(JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), home: process.env.HOME, aws: Object.keys(process.env).filter((k) => k.startsWith("AWS_")) }));\n' +
        'console.error("to stderr"); process.exit(3);\n',
    );
    const serviceDir = path.join(root, 'services/s1');

    const { code, output } = await nodeServerlessRunner(root)(
      ['package', '--stage', 'local'],
      serviceDir,
      serverlessEnv({ ...process.env, AWS_PROFILE: 'x' }, path.join(root, 'home')),
    );

    expect(code).toBe(3);
    expect(output).toContain('to stderr');
    expect(JSON.parse(output.split('\n')[0] ?? '')).toEqual({
      argv: ['package', '--stage', 'local'],
      cwd: serviceDir,
      home: path.join(root, 'home'),
      aws: ['AWS_EC2_METADATA_DISABLED'],
    });
  });
});
