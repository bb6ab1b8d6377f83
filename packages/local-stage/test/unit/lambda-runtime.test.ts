import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { transformSync } from 'esbuild';
import { LocalStageError } from '../../src/errors';
import { type FunctionDefinition, type InvokeResult, LambdaRuntime } from '../../src/lambda';
import { makeZip } from '../fixtures/lambda/make-zip';

const fixtures = path.join(__dirname, '../fixtures/lambda');
const roleKeys = {
  accessKeyId: 'ASIALOCALROLE0000001',
  secretAccessKey: 'role-secret',
  sessionToken: 'role-token',
};

let workDir: string;
let zipPath: string;
let esmZipPath: string;
let runtime: LambdaRuntime;
let logLines: Array<{ line: string; fn: string }>;
let codeRoot: string;
let testCount = 0;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'lambda-runtime-test-'));
  zipPath = path.join(workDir, 'service.zip');
  esmZipPath = path.join(workDir, 'esm.zip');
  await makeZip(zipPath, { 'src/handlers.js': await readFile(path.join(fixtures, 'handlers.js')) });
  await makeZip(esmZipPath, { 'index.mjs': await readFile(path.join(fixtures, 'esm-handler.mjs')) });
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

beforeEach(() => {
  logLines = [];
  testCount += 1;
  codeRoot = path.join(workDir, `code-${testCount}`);
  runtime = new LambdaRuntime({
    codeRoot,
    log: (line, fn) => logLines.push({ line, fn }),
    maxEnvironmentsPerFunction: 4,
  });
});

afterEach(async () => {
  await runtime.stop();
});

function definition(handlerExport: string, overrides: Partial<FunctionDefinition> = {}): FunctionDefinition {
  return {
    functionName: `svc-local-${handlerExport}`,
    handler: `src/handlers.${handlerExport}`,
    codeZip: zipPath,
    runtime: 'nodejs22.x',
    environment: { STAGE: 'local', NODE_OPTIONS: '--enable-source-maps' },
    timeoutSeconds: 3,
    memorySize: 256,
    region: 'us-east-1',
    accountId: '000000000000',
    credentials: () => roleKeys,
    endpoints: { ssm: 'http://127.0.0.1:4566', dynamodb: 'http://127.0.0.1:4566' },
    ...overrides,
  };
}

async function deployed(handlerExport: string, overrides: Partial<FunctionDefinition> = {}): Promise<string> {
  const fn = definition(handlerExport, overrides);
  await runtime.deploy(fn);
  return fn.functionName;
}

/** Worker output arrives through a stream, shortly after the result: wait for the line. */
async function loggedLine(pattern: RegExp, fn: string): Promise<string> {
  for (let waited = 0; waited < 2000; waited += 10) {
    const found = logLines.find((entry) => entry.fn === fn && pattern.test(entry.line));
    if (found) return found.line;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no log line of ${fn} matches ${pattern}`);
}

function payloadOf(result: InvokeResult): Record<string, unknown> {
  if (!result.ok) throw new Error(`invocation failed: ${result.errorType}: ${result.errorMessage}`);
  return result.payload as Record<string, unknown>;
}

describe('LambdaRuntime environment', () => {
  const parentKeys = {
    AWS_ACCESS_KEY_ID: 'AKIADEVELOPER0000001',
    AWS_PROFILE: 'developer',
    MY_APP_SECRET: 's3cret',
  };
  const saved: Record<string, string | undefined> = {};

  beforeEach(() => {
    for (const [name, value] of Object.entries(parentKeys)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });

  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it("gives the function its role's keys and Lambda's variables, and nothing of the parent's", async () => {
    const name = await deployed('env');
    const env = payloadOf(await runtime.invoke(name, {}));

    expect(env).toMatchObject({
      STAGE: 'local',
      AWS_ACCESS_KEY_ID: 'ASIALOCALROLE0000001',
      AWS_SECRET_ACCESS_KEY: 'role-secret',
      AWS_SESSION_TOKEN: 'role-token',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_LAMBDA_FUNCTION_NAME: name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      _HANDLER: 'src/handlers.env',
      TZ: ':UTC',
      AWS_ENDPOINT_URL_SSM: 'http://127.0.0.1:4566',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:4566',
    });
    expect(env.AWS_LAMBDA_LOG_STREAM_NAME).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(await readdir(String(env.LAMBDA_TASK_ROOT))).toContain('src');
    expect(env).not.toHaveProperty('AWS_PROFILE');
    expect(env).not.toHaveProperty('MY_APP_SECRET');
    expect(process.env.AWS_ACCESS_KEY_ID).toBe('AKIADEVELOPER0000001');
  });

  it('asks for credentials at each cold start', async () => {
    let issued = 0;
    const name = await deployed('env', {
      credentials: () => ({ ...roleKeys, accessKeyId: `ASIAROLESESSION${++issued}` }),
      timeoutSeconds: 1,
    });
    expect(issued).toBe(0);
    const first = payloadOf(await runtime.invoke(name, {}));
    const warm = payloadOf(await runtime.invoke(name, {}));
    expect([first.AWS_ACCESS_KEY_ID, warm.AWS_ACCESS_KEY_ID, issued]).toEqual([
      'ASIAROLESESSION1',
      'ASIAROLESESSION1',
      1,
    ]);
  });
});

describe('LambdaRuntime invocations', () => {
  it('passes the event and a Lambda context to the handler', async () => {
    const name = await deployed('whoami');
    const result = payloadOf(await runtime.invoke(name, { delayMs: 0, id: '42' }, { requestId: 'req-1' }));

    expect(result).toMatchObject({
      requestId: 'req-1',
      functionName: name,
      functionVersion: '$LATEST',
      memoryLimitInMB: '256',
      invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
      logGroupName: `/aws/lambda/${name}`,
      event: { delayMs: 0, id: '42' },
    });
    expect(result.remainingMs).toBeGreaterThan(2000);
    expect(result.remainingMs).toBeLessThanOrEqual(3000);
  });

  it('keeps an environment warm between invocations', async () => {
    const name = await deployed('whoami');
    const first = payloadOf(await runtime.invoke(name, {}));
    const second = payloadOf(await runtime.invoke(name, {}));
    expect(second.environmentId).toBe(first.environmentId);
    expect(second.invocations).toBe(2);
  });

  it('runs concurrent invocations in separate environments, up to the pool size', async () => {
    const name = await deployed('whoami');
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, index) =>
        runtime.invoke(name, { delayMs: 200 }, { requestId: `r${index}` }),
      ),
    );
    const environments = new Set(results.map((result) => payloadOf(result).environmentId));
    expect(environments.size).toBe(4);
    expect(results.map((result) => payloadOf(result).requestId)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
  });

  it('gives a waiting call a copy of its own when the busy ones are stuck in slow calls', async () => {
    const slowRuntime = new LambdaRuntime({
      codeRoot,
      log: () => undefined,
      maxEnvironmentsPerFunction: 1,
      slowCallMs: 150,
      burstLimitPerFunction: 2,
    });
    try {
      const fn = definition('whoami');
      await slowRuntime.deploy(fn);
      await slowRuntime.invoke(fn.functionName, {});
      // Quick calls share the one copy.
      const quick = await Promise.all(
        [1, 2, 3].map(() => slowRuntime.invoke(fn.functionName, { delayMs: 20 })),
      );
      const quickCopy = payloadOf(quick[0] as InvokeResult).environmentId;
      expect(new Set(quick.map((result) => payloadOf(result).environmentId)).size).toBe(1);
      // A call stuck in a slow call (5 s) does not hold the next ones up: past slowCallMs it no longer
      // counts, so they get a copy of their own and are answered while it is still stuck. Told by the
      // order of the answers, not by a clock, so a loaded machine cannot make it fail.
      let stuckAnswered = false;
      const stuck = slowRuntime.invoke(fn.functionName, { delayMs: 5000 });
      stuck.then(
        () => (stuckAnswered = true),
        () => (stuckAnswered = true),
      );
      const next = await Promise.all([1, 2].map(() => slowRuntime.invoke(fn.functionName, { delayMs: 10 })));
      expect(stuckAnswered).toBe(false);
      expect(next.map((result) => payloadOf(result).environmentId)).not.toContain(quickCopy);
      // And the burst stays bounded: the stuck copy and one more.
      expect(slowRuntime.environmentCount(fn.functionName)).toBe(2);
    } finally {
      await slowRuntime.stop();
    }
  });

  it('shuts down environments left idle, and cold-starts the next call', async () => {
    const idleRuntime = new LambdaRuntime({ codeRoot, log: () => undefined, idleTimeoutMs: 150 });
    try {
      const fn = definition('whoami');
      await idleRuntime.deploy(fn);
      const burst = await Promise.all(
        [1, 2].map(() => idleRuntime.invoke(fn.functionName, { delayMs: 100 })),
      );
      expect(idleRuntime.environmentCount(fn.functionName)).toBe(2);
      const warm = payloadOf(await idleRuntime.invoke(fn.functionName, {}));
      expect(burst.map((result) => payloadOf(result).environmentId)).toContain(warm.environmentId);

      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(idleRuntime.environmentCount()).toBe(0);
      const cold = payloadOf(await idleRuntime.invoke(fn.functionName, {}));
      expect(cold.invocations).toBe(1);
      expect(cold.environmentId).not.toBe(warm.environmentId);
    } finally {
      await idleRuntime.stop();
    }
  });

  it('supports callback-style handlers', async () => {
    const name = await deployed('callback');
    expect(payloadOf(await runtime.invoke(name, { a: 1 }))).toEqual({ via: 'callback', echo: { a: 1 } });
  });

  it('loads ES module handlers', async () => {
    const name = await deployed('esm', { handler: 'index.handler', codeZip: esmZipPath });
    expect(payloadOf(await runtime.invoke(name, { a: 1 }))).toEqual({ module: 'esm', event: { a: 1 } });
  });

  it('reports a thrown error by its name and message, and the environment stays warm', async () => {
    const name = await deployed('fail');
    const result = await runtime.invoke(name, { id: '7' });
    expect(result).toMatchObject({
      ok: false,
      kind: 'error',
      errorType: 'UserNotFound',
      errorMessage: 'no user 7',
    });
  });

  it('reports an error passed to the callback', async () => {
    const name = await deployed('callbackError');
    expect(await runtime.invoke(name, {})).toMatchObject({
      ok: false,
      kind: 'error',
      errorType: 'TypeError',
      errorMessage: 'bad input',
    });
  });

  it('forwards console output as Lambda log lines tagged with the function name', async () => {
    const name = await deployed('log');
    await runtime.invoke(name, { who: 'tests' }, { requestId: 'req-log' });
    await expect(
      loggedLine(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z\treq-log\tINFO\thello from tests$/, name),
    ).resolves.toBeDefined();
    await expect(loggedLine(/\treq-log\tERROR\tsomething odd$/, name)).resolves.toBeDefined();
  });
});

describe('LambdaRuntime failures', () => {
  it('times out a busy handler, then serves the next call from a fresh environment', async () => {
    const name = await deployed('spin', { timeoutSeconds: 1 });
    const timedOut = await runtime.invoke(name, { spin: true });
    expect(timedOut).toMatchObject({
      ok: false,
      kind: 'timeout',
      errorMessage: 'Task timed out after 1.00 seconds',
    });
    // Never stopped before its full timeout: the runtime measures the timeout with the clock it reports
    // durations with (performance.now()), so a timer that fires early cannot cut the invocation short.
    expect(timedOut.durationMs).toBeGreaterThanOrEqual(1000);
    await expect(loggedLine(/ Task timed out after 1\.00 seconds$/, name)).resolves.toBeDefined();
    expect(payloadOf(await runtime.invoke(name, { spin: false }))).toBe('done');
  });

  it('reports process.exit as a crash and replaces the environment', async () => {
    const name = await deployed('exit');
    const result = await runtime.invoke(name, {}, { requestId: 'req-exit' });
    expect(result).toMatchObject({
      ok: false,
      kind: 'crash',
      errorType: 'Runtime.ExitError',
      errorMessage: 'RequestId: req-exit Error: Runtime exited with error: exit status 3',
    });
    expect(await runtime.invoke(name, {})).toMatchObject({ ok: false, kind: 'crash' });
  });

  it('fails an invocation whose heap outgrows memorySize as Lambda does, then serves the next from a fresh environment', async () => {
    const name = await deployed('heapHog', { memorySize: 128, timeoutSeconds: 30 });
    const result = await runtime.invoke(name, { hog: true }, { requestId: 'req-oom' });
    expect(result).toMatchObject({
      ok: false,
      kind: 'crash',
      errorType: 'Runtime.OutOfMemory',
      errorMessage: 'RequestId: req-oom Error: Runtime exited with error: signal: killed',
    });
    await expect(
      loggedLine(/^RequestId: req-oom Error: Runtime exited with error: signal: killed$/, name),
    ).resolves.toBeDefined();
    expect(payloadOf(await runtime.invoke(name, { hog: false }))).toBe('modest');
  });

  it('counts Buffers against memorySize too, and keeps the function serving', async () => {
    const name = await deployed('bufferHog', { memorySize: 128, timeoutSeconds: 30 });
    expect(payloadOf(await runtime.invoke(name, { megabytes: 64 }))).toBe(4);
    expect(await runtime.invoke(name, { megabytes: 512 })).toMatchObject({
      ok: false,
      errorType: 'Runtime.OutOfMemory',
    });
    expect(payloadOf(await runtime.invoke(name, { megabytes: 16 }))).toBe(1);
  });

  it("fails a response over Lambda's 6 MB limit with Function.ResponseSizeTooLarge", async () => {
    const name = await deployed('sized');
    const limit = 6_291_556;
    const atLimit = await runtime.invoke(name, { bytes: limit - 2 });
    expect(atLimit.ok).toBe(true);
    expect(await runtime.invoke(name, { bytes: limit - 1 })).toMatchObject({
      ok: false,
      kind: 'error',
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).',
    });
    expect(await runtime.invoke(name, { bytes: 8 * 1024 * 1024 })).toMatchObject({
      errorType: 'Function.ResponseSizeTooLarge',
    });
  });

  it('reports an exception thrown in a later tick as a crash, and logs it', async () => {
    const name = await deployed('lateThrow');
    expect(await runtime.invoke(name, {}, { requestId: 'req-late' })).toMatchObject({
      ok: false,
      kind: 'crash',
      errorType: 'RangeError',
      errorMessage: 'thrown later',
    });
    await expect(
      loggedLine(
        /\treq-late\tERROR\tUncaught Exception \t\{"errorType":"RangeError","errorMessage":"thrown later"/,
        name,
      ),
    ).resolves.toBeDefined();
  });

  it('reports an export missing at run time as Runtime.HandlerNotFound', async () => {
    // `whoami` is mentioned in the module, so deploy accepts `whoami.nested` and the worker finds nothing.
    const name = await deployed('whoami.nested');
    expect(await runtime.invoke(name, {})).toMatchObject({
      ok: false,
      kind: 'error',
      errorType: 'Runtime.HandlerNotFound',
      errorMessage: 'handlers.whoami.nested is undefined or not exported',
    });
  });

  it('refuses at deploy a handler whose file is not in the package', async () => {
    const fn = definition('env', { handler: 'src/missing.handler' });
    await expect(runtime.deploy(fn)).rejects.toThrow(LocalStageError);
    await expect(runtime.deploy(fn)).rejects.toThrow(
      /svc-local-env: handler src\/missing\.handler not found/,
    );
  });

  it('refuses at deploy a handler the module does not export', async () => {
    await expect(runtime.deploy(definition('getUser'))).rejects.toThrow(
      /svc-local-getUser: handler src\/handlers\.getUser not found: src\/handlers\.js does not export getUser/,
    );
  });

  it("honours the template's NODE_OPTIONS=--enable-source-maps in stack traces", async () => {
    const typescript =
      'export const handler = async (): Promise<never> => {\n  throw new Error("mapped");\n};\n';
    const { code } = transformSync(typescript, {
      loader: 'ts',
      format: 'cjs',
      sourcemap: 'inline',
      sourcefile: 'original.ts',
    });
    const zip = path.join(workDir, 'mapped.zip');
    await makeZip(zip, { 'dist/bundle.js': code });
    const name = await deployed('mapped', { handler: 'dist/bundle.handler', codeZip: zip });

    await runtime.invoke(name, {}, { requestId: 'req-mapped' });
    const logged = await loggedLine(/\treq-mapped\tERROR\tInvoke Error/, name);
    expect(logged).toMatch(/original\.ts:2/);
  });

  it('refuses to invoke a function that is not deployed', async () => {
    await expect(runtime.invoke('nope', {})).rejects.toThrow(/nope is not deployed/);
  });
});

describe('LambdaRuntime code', () => {
  it('unpacks a zip once for all the functions packaged in it', async () => {
    await deployed('env');
    await deployed('whoami');
    expect(await readdir(codeRoot)).toHaveLength(1);
  });

  it('notes once what it cannot honour', async () => {
    await deployed('env', {
      runtime: 'python3.12',
      environment: { NODE_OPTIONS: '--max-old-space-size=512' },
    });
    await deployed('whoami', {
      runtime: 'python3.12',
      environment: { NODE_OPTIONS: '--max-old-space-size=512' },
    });
    const notes = logLines.map((entry) => entry.line).filter((line) => line.startsWith('local-stage:'));
    expect(notes).toEqual([
      expect.stringMatching(/runtime python3\.12 runs on the local Node\.js/),
      'local-stage: NODE_OPTIONS --max-old-space-size=512 cannot apply to a worker; ignored',
    ]);
  });
});
