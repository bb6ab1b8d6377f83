import { request } from 'node:http';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { AwsCredentials } from '@internal-apis/signed-client';
import { MAX_PAYLOAD_BYTES } from '../../src/front-door/received';
import { FrontDoor } from '../../src/front-door/server';
import { AccessRecorder } from '../../src/iam';
import { KeyRing } from '../../src/identity/key-ring';
import type { InvokeResult } from '../../src/lambda';
import { ParameterStore } from '../../src/ssm';
import { restApi } from '../fixtures/apigateway/users-api';
import { ACCOUNT, doorDeps, REGION, role, servedApi } from '../fixtures/front-door/door-deps';
import { fetchAs } from '../fixtures/http/signed-fetch';

/** What serverless writes for `cors: true`: an OPTIONS method with a MOCK integration. */
const preflight = {
  resourceId: '/users',
  httpMethod: 'OPTIONS',
  authorizationType: 'NONE',
  integration: { type: 'MOCK', uri: '' },
};

/** A users API with GET and DELETE on /users/{id}, an unprotected /health, a CORS preflight and a PNG avatar. */
const api = restApi({
  apiId: 'abcdefghij',
  name: 'users-local',
  routes: [
    ['GET', '/users/{id}', 'users-local-getUser'],
    ['DELETE', '/users/{id}', 'users-local-deleteUser'],
    ['GET', '/health', 'users-local-health', 'NONE'],
    ['POST', '/users', 'users-local-noPermission'],
    ['GET', '/avatar', 'users-local-avatar', 'NONE'],
  ],
  methods: [preflight],
  binaryMediaTypes: ['image/png'],
});

const readerRole = role('reader-role', [
  {
    Effect: 'Allow',
    Action: 'execute-api:Invoke',
    Resource: `arn:aws:execute-api:${REGION}:${ACCOUNT}:abcdefghij/local/GET/users/*`,
  },
  {
    Effect: 'Allow',
    Action: 'ssm:GetParameter',
    Resource: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/local/users/url`,
  },
]);

describe('the front door', () => {
  const keys = new KeyRing(ACCOUNT);
  const recorder = new AccessRecorder();
  const ssm = new ParameterStore();
  const invocations: Array<{ functionName: string; event: Record<string, unknown> }> = [];
  let lambdaAnswer: InvokeResult | Error = {
    ok: true,
    payload: { statusCode: 200, body: '{"ok":true}' },
    durationMs: 1,
  };
  let door: FrontDoor;
  let base: string;
  const reader = keys.roleSession(readerRole, 'users-local-reader');

  beforeAll(async () => {
    ssm.put('/local/users/url', 'http://users.example', { type: 'String' });
    ssm.put('/local/orders/url', 'http://orders.example', { type: 'String' });
    door = await FrontDoor.listen(
      doorDeps({
        keys,
        recorder,
        // users-local-noPermission has no AWS::Lambda::Permission for API Gateway.
        apis: new Map([
          servedApi(api, {
            invocable: [
              'users-local-getUser',
              'users-local-deleteUser',
              'users-local-health',
              'users-local-avatar',
            ],
            mockResponses: new Map([
              [preflight, { statusCode: 200, headers: { 'Access-Control-Allow-Origin': '*' } }],
            ]),
          }),
        ]),
        lambda: {
          invoke: async (functionName: string, event: unknown) => {
            invocations.push({ functionName, event: event as Record<string, unknown> });
            if (lambdaAnswer instanceof Error) throw lambdaAnswer;
            return lambdaAnswer;
          },
        },
        ssm,
      }),
      { port: 0 },
    );
    base = `${door.url}/${api.apiId}/local`;
  });

  afterAll(() => door.close());
  beforeEach(() => {
    invocations.length = 0;
    lambdaAnswer = { ok: true, payload: { statusCode: 200, body: '{"ok":true}' }, durationMs: 1 };
  });

  async function call(methodName: string, url: string, credentials?: AwsCredentials, body?: string) {
    const headers: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
    const response = await fetchAs(credentials, methodName, url, { headers, body });
    return {
      status: response.status,
      errorType: response.headers.get('x-amzn-errortype'),
      body: await response.json(),
    };
  }

  it('answers an unsigned call to an AWS_IAM method with 403 Missing Authentication Token, invoking nothing', async () => {
    const answer = await call('GET', `${base}/users/42`);
    expect(answer).toEqual({
      status: 403,
      errorType: 'MissingAuthenticationTokenException',
      body: { message: 'Missing Authentication Token' },
    });
    expect(invocations).toHaveLength(0);
  });

  it('answers an unknown route or API with 403 Missing Authentication Token, as API Gateway does', async () => {
    const developer = keys.developer;
    expect((await call('GET', `${base}/nowhere`, developer)).status).toBe(403);
    expect((await call('PUT', `${base}/users/42`, developer)).errorType).toBe(
      'MissingAuthenticationTokenException',
    );
    expect((await call('GET', `${door.url}/zzzzzzzzzz/local/users/42`, developer)).status).toBe(403);
    expect((await call('GET', `${door.url}/${api.apiId}/prod/users/42`, developer)).status).toBe(403);
  });

  it('invokes the function with the caller identity filled in when the signature and policy allow it', async () => {
    const answer = await call('GET', `${base}/users/42`, reader);
    expect(answer).toEqual({ status: 200, errorType: null, body: { ok: true } });
    const [invocation] = invocations;
    expect(invocation?.functionName).toBe('users-local-getUser');
    expect(invocation?.event).toMatchObject({
      resource: '/users/{id}',
      path: '/users/42',
      pathParameters: { id: '42' },
      requestContext: {
        identity: {
          accessKey: reader.accessKeyId,
          accountId: ACCOUNT,
          userArn: `arn:aws:sts::${ACCOUNT}:assumed-role/reader-role/users-local-reader`,
          caller: 'AROAEXAMPLEEXAMPLE12:users-local-reader',
        },
      },
    });
  });

  it('denies a verb the role was not granted with AWS AccessDeniedException and the method ARN', async () => {
    const answer = await call('DELETE', `${base}/users/42`, reader);
    expect(answer.status).toBe(403);
    expect(answer.errorType).toBe('AccessDeniedException');
    expect(answer.body).toEqual({
      Message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/reader-role/users-local-reader is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:${REGION}:${ACCOUNT}:abcdefghij/local/DELETE/users/42`,
    });
    expect(invocations).toHaveLength(0);
  });

  it('rejects a signature made with the wrong secret', async () => {
    const answer = await call('GET', `${base}/users/42`, { ...reader, secretAccessKey: 'not-the-secret' });
    expect(answer.status).toBe(403);
    expect(answer.errorType).toBe('InvalidSignatureException');
  });

  it('lets a NONE method through without a signature', async () => {
    expect((await call('GET', `${base}/health`)).status).toBe(200);
    expect(invocations[0]?.functionName).toBe('users-local-health');
  });

  it('answers 500 when no Lambda permission lets API Gateway invoke the function', async () => {
    const answer = await call('POST', `${base}/users`, keys.developer, '{}');
    expect(answer.status).toBe(500);
    expect(invocations).toHaveLength(0);
  });

  it('answers 502 Internal server error when the function throws', async () => {
    lambdaAnswer = { ok: false, kind: 'error', errorType: 'TypeError', errorMessage: 'boom', durationMs: 1 };
    const answer = await call('GET', `${base}/users/42`, reader);
    expect(answer).toEqual({
      status: 502,
      errorType: 'InternalServerErrorException',
      body: { message: 'Internal server error' },
    });
  });

  it('answers 502 for a response with a header HTTP cannot carry, and keeps serving', async () => {
    lambdaAnswer = { ok: true, payload: { statusCode: 200, headers: { 'bad name': 'x' } }, durationMs: 1 };
    expect((await call('GET', `${base}/health`)).status).toBe(502);
    lambdaAnswer = { ok: true, payload: { statusCode: 200, headers: { 'x-note': 'a\nb' } }, durationMs: 1 };
    expect((await call('GET', `${base}/health`)).status).toBe(502);
    lambdaAnswer = { ok: true, payload: { statusCode: 200, body: '{"ok":true}' }, durationMs: 1 };
    expect((await call('GET', `${base}/health`)).status).toBe(200);
  });

  it("answers a failure of the stage's own as API Gateway does: 500 Internal server error", async () => {
    lambdaAnswer = new Error('worker could not start');
    expect(await call('GET', `${base}/health`)).toEqual({
      status: 500,
      errorType: 'InternalServerErrorException',
      body: { message: 'Internal server error' },
    });
  });

  it('refuses a body over 10 MB with 413 whether its length is declared or chunked, and keeps serving', async () => {
    const tooLong = Buffer.alloc(MAX_PAYLOAD_BYTES + 1);
    const declared = await fetch(`${base}/health`, { method: 'POST', body: tooLong });
    expect([declared.status, await declared.json()]).toEqual([413, { message: 'Request Too Long' }]);
    expect(await postChunked(`${base}/health`, tooLong)).toBe(413);
    expect((await call('GET', `${base}/health`)).status).toBe(200);
  });

  it('answers a CORS preflight from its MOCK integration without invoking a function', async () => {
    const answer = await fetch(`${base}/users`, { method: 'OPTIONS' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(invocations).toHaveLength(0);
  });

  it("decodes a base64 body when the client accepts one of the API's binary media types", async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    const payload = {
      statusCode: 200,
      headers: { 'Content-Type': 'image/png' },
      body: png.toString('base64'),
      isBase64Encoded: true,
    };
    lambdaAnswer = { ok: true, payload, durationMs: 1 };
    const binary = await fetch(`${base}/avatar`, { headers: { accept: 'image/png' } });
    expect(Buffer.from(await binary.arrayBuffer())).toEqual(png);
    const text = await fetch(`${base}/avatar`, { headers: { accept: 'application/json' } });
    expect(await text.text()).toBe(png.toString('base64'));
  });

  it('serves SSM to the SDK, allowing exactly the parameters the role was granted', async () => {
    const client = new SSMClient({ region: REGION, endpoint: door.url, credentials: reader });
    const { Parameter } = await client.send(new GetParameterCommand({ Name: '/local/users/url' }));
    expect(Parameter?.Value).toBe('http://users.example');
    await expect(client.send(new GetParameterCommand({ Name: '/local/orders/url' }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(
        `is not authorized to perform: ssm:GetParameter on resource: arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/local/orders/url`,
      ),
    });
  });

  it('refuses SSM calls from an unknown key, as the SDK reports it', async () => {
    const client = new SSMClient({
      region: REGION,
      endpoint: door.url,
      credentials: { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'secret' },
    });
    await expect(client.send(new GetParameterCommand({ Name: '/local/users/url' }))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
  });

  it('records decisions for the access report', async () => {
    await call('DELETE', `${base}/users/7`, reader);
    const report = recorder.report(keys.principals());
    expect(JSON.stringify(report)).toContain('DELETE/users/7');
  });
});

/** POSTs a body in chunks, with no Content-Length, and resolves with the status. */
function postChunked(url: string, body: Buffer): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST' }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', reject);
    for (let at = 0; at < body.length; at += 1024 * 1024) req.write(body.subarray(at, at + 1024 * 1024));
    req.end();
  });
}

describe('the front door on a port in use', () => {
  it('fails with a message that names the port and the way out', async () => {
    const deps = {} as Parameters<typeof FrontDoor.listen>[0];
    const first = await FrontDoor.listen(deps, { port: 0 });
    const port = Number(new URL(first.url).port);
    await expect(FrontDoor.listen(deps, { port })).rejects.toThrow(
      `port ${port} on 127.0.0.1 is in use (another local stage?): stop it, or pass --port 0`,
    );
    await first.close();
  });
});
