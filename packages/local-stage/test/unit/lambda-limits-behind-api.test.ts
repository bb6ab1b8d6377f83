import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RequestEvent } from '../../src/front-door/request-events';
import { FrontDoor } from '../../src/front-door/server';
import { type FunctionDefinition, LambdaRuntime } from '../../src/lambda';
import { restApi } from '../fixtures/apigateway/users-api';
import { doorDeps } from '../fixtures/front-door/door-deps';
import { makeZip } from '../fixtures/lambda/make-zip';

// Lambda's limits as a caller of the API sees them: the function's own failure is API Gateway's
// 502, and the function, the API and the stage go on serving the next request.

const api = restApi({
  apiId: 'limits0001',
  name: 'limits-local',
  routes: [
    ['GET', '/hog', 'limits-local-hog', 'NONE'],
    ['GET', '/sized', 'limits-local-sized', 'NONE'],
  ],
});

describe("Lambda's limits behind an API", () => {
  const events: RequestEvent[] = [];
  let workDir: string;
  let runtime: LambdaRuntime;
  let door: FrontDoor;
  let base: string;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'lambda-limits-'));
    const zip = path.join(workDir, 'limits.zip');
    await makeZip(zip, {
      'src/handlers.js': await readFile(path.join(__dirname, '../fixtures/lambda/handlers.js')),
    });
    runtime = new LambdaRuntime({ codeRoot: path.join(workDir, 'code'), log: () => undefined });
    const fn = (name: string, handler: string): FunctionDefinition => ({
      functionName: `limits-local-${name}`,
      handler: `src/handlers.${handler}`,
      codeZip: zip,
      runtime: 'nodejs22.x',
      environment: {},
      timeoutSeconds: 30,
      memorySize: 128,
      region: 'us-east-1',
      credentials: () => ({ accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' }),
      endpoints: { ssm: 'http://127.0.0.1:9', dynamodb: 'http://127.0.0.1:9' },
    });
    await runtime.deploy(fn('hog', 'apiHog'));
    await runtime.deploy(fn('sized', 'apiSized'));
    door = await FrontDoor.listen(
      doorDeps({ apis: [api], lambda: runtime, onRequest: (event) => events.push(event) }),
      { port: 0 },
    );
    base = `${door.url}/${api.apiId}/local`;
  });

  afterAll(async () => {
    await door.close();
    await runtime.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  async function get(pathAndQuery: string) {
    const response = await fetch(`${base}${pathAndQuery}`);
    return {
      status: response.status,
      errorType: response.headers.get('x-amzn-errortype'),
      body: await response.text(),
    };
  }

  it('answers 502 for an invocation that runs out of memory, then serves the next one', async () => {
    expect(await get('/hog?hog=1')).toEqual({
      status: 502,
      errorType: 'InternalServerErrorException',
      body: '{"message": "Internal server error"}',
    });
    expect(events.at(-1)?.invocation).toEqual({
      functionName: 'limits-local-hog',
      errorType: 'Runtime.OutOfMemory',
    });
    expect(await get('/hog')).toMatchObject({ status: 200, body: 'modest' });
  });

  it('answers 502 for a response over 6 MB, and 200 for one just under it', async () => {
    expect(await get(`/sized?bytes=${8 * 1024 * 1024}`)).toMatchObject({
      status: 502,
      errorType: 'InternalServerErrorException',
    });
    expect(events.at(-1)?.invocation).toEqual({
      functionName: 'limits-local-sized',
      errorType: 'Function.ResponseSizeTooLarge',
    });
    const justUnder = await get('/sized?bytes=6000000');
    expect([justUnder.status, justUnder.body.length]).toEqual([200, 6_000_000]);
  });
});
