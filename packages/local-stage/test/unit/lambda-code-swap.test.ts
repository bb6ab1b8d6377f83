import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type FunctionDefinition, type InvokeResult, LambdaRuntime } from '../../src/lambda';

// Two versions of one function's code, as unpacked folders (the stage's own bundles): `wait`
// answers its version after `delayMs`.
const HANDLER = (version: string) =>
  `exports.wait = async (event) => { await new Promise((r) => setTimeout(r, event.delayMs ?? 0)); return '${version}'; };\n`;

let workDir: string;
let runtime: LambdaRuntime;

async function codeFolder(version: string): Promise<string> {
  const dir = path.join(workDir, version);
  await mkdir(path.join(dir, 'src'), { recursive: true });
  await writeFile(path.join(dir, 'src/handler.js'), HANDLER(version));
  return dir;
}

function definition(codeDirectory: string): FunctionDefinition {
  return {
    functionName: 'svc-local-wait',
    handler: 'src/handler.wait',
    codeDirectory,
    runtime: 'nodejs22.x',
    environment: {},
    timeoutSeconds: 3,
    memorySize: 128,
    region: 'us-east-1',
    credentials: () => ({ accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' }),
    endpoints: { ssm: 'http://127.0.0.1:1', dynamodb: 'http://127.0.0.1:1' },
  };
}

const payload = (result: InvokeResult) => (result.ok ? result.payload : result);

beforeEach(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'lambda-code-swap-'));
  runtime = new LambdaRuntime({ log: () => undefined });
});
afterEach(async () => {
  await runtime.stop();
  await rm(workDir, { recursive: true, force: true });
});

describe('deploying a function again (UpdateFunctionCode)', () => {
  it('runs code from an unpacked folder, used as the task root as it is', async () => {
    await runtime.deploy(definition(await codeFolder('v1')));
    expect(payload(await runtime.invoke('svc-local-wait', {}))).toBe('v1');
  });

  it('serves the new code from the next invocation on, while the one in flight finishes on the old', async () => {
    await runtime.deploy(definition(await codeFolder('v1')));
    const inFlight = runtime.invoke('svc-local-wait', { delayMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await runtime.deploy(definition(await codeFolder('v2')));
    expect(payload(await runtime.invoke('svc-local-wait', {}))).toBe('v2');
    expect(payload(await inFlight)).toBe('v1');
  });

  it('removes a function: no new invocation reaches it, the one in flight still finishes', async () => {
    await runtime.deploy(definition(await codeFolder('v1')));
    const inFlight = runtime.invoke('svc-local-wait', { delayMs: 200 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await runtime.remove('svc-local-wait');
    await expect(runtime.invoke('svc-local-wait', {})).rejects.toThrow(/not deployed/);
    expect(payload(await inFlight)).toBe('v1');
  });
});
