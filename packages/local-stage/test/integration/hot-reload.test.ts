import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalStage } from '@internal-apis/local-stage';
import { createSignedClient } from '@internal-apis/signed-client';
import type { AxiosInstance } from 'axios';

// `npm start` reloads what changes while it serves: a saved handler or a module it imports is
// rebuilt and served from the next request on; an edited serverless.yml re-provisions its stack in
// place, so a new endpoint answers instead of 403 Missing Authentication Token. Shown on a repository
// of one small service (no AWS SDK in its bundle), built from scratch, then edited.

const REPO_ROOT = resolve(__dirname, '../../../..');
const SERVERLESS_YML = `service: echo
frameworkVersion: ">=3 <5"
plugins:
  - serverless-esbuild
provider:
  name: aws
  runtime: \${file(../../serverless-common.yml):provider.runtime}
  stage: \${opt:stage, 'dev'}
  region: us-east-1
  environment: \${file(../../serverless-common.yml):environment}
package: \${file(../../serverless-common.yml):package}
custom:
  esbuild: \${file(../../serverless-common.yml):esbuild}
functions:
  hello:
    handler: src/handlers/hello.handler
    events:
      - http: { path: hello, method: get, authorizer: aws_iam }
`;
const HANDLER = `import { message } from '../message';
export const handler = async () => ({ statusCode: 200, body: message() });
`;
const message = (text: string) => `export const message = () => '${text}';\n`;

let root: string;
let stage: LocalStage;
let client: AxiosInstance;
const lines: string[] = [];

function write(file: string, content: string): void {
  mkdirSync(join(root, file, '..'), { recursive: true });
  writeFileSync(join(root, file), content);
}

/** Resolves with the first log line, from now on, that matches. */
async function logged(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  const from = lines.length;
  for (const started = Date.now(); Date.now() - started < timeoutMs; ) {
    const line = lines.slice(from).find((candidate) => pattern.test(candidate));
    if (line) return line;
    await new Promise((wait) => setTimeout(wait, 25));
  }
  throw new Error(`No log line matched ${pattern}; the stage said:\n${lines.slice(from).join('\n')}`);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hot-reload-'));
  write('package.json', JSON.stringify({ private: true, workspaces: ['services/*'] }));
  cpSync(join(REPO_ROOT, 'serverless-common.yml'), join(root, 'serverless-common.yml'));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'));
  write('services/echo/package.json', JSON.stringify({ name: 'echo', private: true }));
  write('services/echo/serverless.yml', SERVERLESS_YML);
  write('services/echo/src/handlers/hello.ts', HANDLER);
  write('services/echo/src/message.ts', message('v1'));
  stage = await LocalStage.start({
    repoRoot: root,
    port: 0,
    stateDir: join(root, '.local-stage'),
    watch: true,
    log: (line) => lines.push(line),
  });
  client = createSignedClient({
    baseURL: stage.description.services.echo?.url ?? '',
    region: stage.description.region,
    credentials: async () => stage.developerCredentials,
    retry: { retries: 0 },
    axiosConfig: { validateStatus: () => true, responseType: 'text' },
  });
}, 120_000);

afterAll(async () => {
  await stage?.stop();
  rmSync(root, { recursive: true, force: true });
});

test('a saved module is rebuilt and served from the next request, with one line saying so', async () => {
  expect((await client.get('/hello')).data).toBe('v1');

  write('services/echo/src/message.ts', message('v2'));

  expect(
    await logged(/^↻ echo: hello reloaded in [\d.]+ s \(services\/echo\/src\/message\.ts\)$/),
  ).toBeTruthy();
  expect((await client.get('/hello')).data).toBe('v2');
}, 60_000);

test("code that does not build prints esbuild's error and the previous code keeps serving", async () => {
  write('services/echo/src/message.ts', "export const message = () => 'v3'\nexport const = 1;\n");

  const failure = await logged(/^✗ echo: services\/echo\/src\/message\.ts does not build; still serving/);
  expect(failure).toMatch(/src\/message\.ts:2:\d+/);
  expect((await client.get('/hello')).data).toBe('v2');

  write('services/echo/src/message.ts', message('v2'));
  await logged(/^[↻·] echo:/);
}, 60_000);

test('an endpoint added to serverless.yml answers once its stack is updated, on the same API id', async () => {
  const apiId = stage.description.services.echo?.apiId;
  expect((await client.get('/hello/again')).data).toContain('Missing Authentication Token');

  const edited = readFileSync(join(root, 'services/echo/serverless.yml'), 'utf8').replace(
    '      - http: { path: hello, method: get, authorizer: aws_iam }',
    '      - http: { path: hello, method: get, authorizer: aws_iam }\n      - http: { path: hello/again, method: get, authorizer: aws_iam }',
  );
  write('services/echo/serverless.yml', edited);

  expect(
    await logged(/^↻ echo: stack updated in [\d.]+ s \(services\/echo\/serverless\.yml\)$/),
  ).toBeTruthy();
  const again = await client.get('/hello/again');
  expect([again.status, again.data]).toEqual([200, 'v2']);
  expect(stage.description.services.echo?.apiId).toBe(apiId);
}, 90_000);
