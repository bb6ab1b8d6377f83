import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { signRequest } from '@internal-apis/signed-client';
import { type RestApiDefinition, RestApiRouter } from '../../src/apigateway';
import type { DynaliteBackend } from '../../src/dynamodb/dynalite-backend';
import type { RequestEvent } from '../../src/front-door/request-events';
import { FrontDoor } from '../../src/front-door/server';
import { AccessRecorder } from '../../src/iam';
import { KeyRing, type Role } from '../../src/identity/key-ring';
import type { InvokeResult } from '../../src/lambda';
import { ParameterStore } from '../../src/ssm';
import { lambdaMethod } from '../fixtures/apigateway/users-api';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

const api: RestApiDefinition = {
  apiId: 'abcdefghij',
  name: 'users-local',
  stageName: 'local',
  resources: [
    { id: 'root' },
    { id: 'users', parentId: 'root', pathPart: 'users' },
    { id: 'user', parentId: 'users', pathPart: '{id}' },
  ],
  methods: [
    lambdaMethod('user', 'GET', 'users-local-getUser'),
    lambdaMethod('user', 'DELETE', 'users-local-deleteUser'),
  ],
};

const readerRole: Role = {
  roleName: 'reader-role',
  arn: `arn:aws:iam::${ACCOUNT}:role/reader-role`,
  roleId: 'AROAEXAMPLEEXAMPLE12',
  policies: [
    {
      name: 'reader',
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'execute-api:Invoke',
            Resource: `arn:aws:execute-api:${REGION}:${ACCOUNT}:abcdefghij/local/GET/users/*`,
          },
        ],
      },
    },
  ],
};

describe('the front door tells an observer of every request it answered', () => {
  const keys = new KeyRing(ACCOUNT);
  const reader = keys.roleSession(readerRole, 'users-local-reader');
  const events: RequestEvent[] = [];
  let observerThrows = false;
  let lambdaAnswer: InvokeResult = { ok: true, payload: { statusCode: 200, body: '{}' }, durationMs: 1 };
  let door: FrontDoor;
  let base: string;

  beforeAll(async () => {
    door = await FrontDoor.listen(
      {
        region: REGION,
        accountId: ACCOUNT,
        keys,
        recorder: new AccessRecorder(),
        now: () => new Date(),
        apis: new Map([
          [
            api.apiId,
            {
              definition: api,
              router: new RestApiRouter(api),
              invocableFunctions: new Set(['users-local-getUser', 'users-local-deleteUser']),
            },
          ],
        ]),
        lambda: { invoke: async () => lambdaAnswer },
        ssm: new ParameterStore(),
        dynamodb: {} as DynaliteBackend,
        onRequest: (event) => {
          events.push(event);
          if (observerThrows) throw new Error('observer failed');
        },
        log: () => undefined,
      },
      { port: 0 },
    );
    base = `${door.url}/${api.apiId}/local`;
  });

  afterAll(() => door.close());
  beforeEach(() => {
    events.length = 0;
    observerThrows = false;
    lambdaAnswer = { ok: true, payload: { statusCode: 200, body: '{}' }, durationMs: 1 };
  });

  async function get(method: string, url: string, credentials?: typeof reader) {
    const headers = credentials
      ? signRequest({ method, url, headers: {} }, credentials, { service: 'execute-api', region: REGION })
      : {};
    const response = await fetch(url, { method, headers });
    await response.arrayBuffer();
    return { status: response.status, requestId: response.headers.get('x-amzn-requestid') };
  }

  it('names the principal, the action and the resource of an IAM denial', async () => {
    const { requestId } = await get('DELETE', `${base}/users/42`, reader);
    expect(events).toEqual([
      {
        requestId,
        service: 'execute-api',
        method: 'DELETE',
        path: '/abcdefghij/local/users/42',
        status: 403,
        principal: `arn:aws:sts::${ACCOUNT}:assumed-role/reader-role/users-local-reader`,
        refusal: {
          errorType: 'AccessDeniedException',
          message: expect.stringContaining('is not authorized to perform: execute-api:Invoke'),
          denial: {
            principal: `arn:aws:sts::${ACCOUNT}:assumed-role/reader-role/users-local-reader`,
            action: 'execute-api:Invoke',
            resource: `arn:aws:execute-api:${REGION}:${ACCOUNT}:abcdefghij/local/DELETE/users/42`,
          },
        },
        durationMs: expect.any(Number),
      },
    ]);
  });

  it('reports an unsigned call without a principal, and an unknown key by its id', async () => {
    await get('GET', `${base}/users/42`);
    await get('GET', `${base}/users/42`, { ...reader, accessKeyId: 'ASIANOSUCHKEY0000000' });
    expect(
      events.map(({ principal, refusal, status }) => ({ principal, status, type: refusal?.errorType })),
    ).toEqual([
      { principal: undefined, status: 403, type: 'MissingAuthenticationTokenException' },
      { principal: 'ASIANOSUCHKEY0000000', status: 403, type: 'UnrecognizedClientException' },
    ]);
  });

  it('names the service and operation of an SSM call', async () => {
    const ssm = new SSMClient({ region: REGION, endpoint: door.url, credentials: reader, maxAttempts: 1 });
    await expect(ssm.send(new GetParameterCommand({ Name: '/local/users/url' }))).rejects.toThrow(
      /not authorized to perform: ssm:GetParameter/,
    );
    expect(events[0]).toMatchObject({
      service: 'ssm',
      operation: 'GetParameter',
      status: 400,
      refusal: { errorType: 'AccessDeniedException', denial: { action: 'ssm:GetParameter' } },
    });
  });

  it('names the function invoked, and the error of a failed invocation', async () => {
    await get('GET', `${base}/users/42`, reader);
    lambdaAnswer = {
      ok: false,
      kind: 'crash',
      errorType: 'Runtime.OutOfMemory',
      errorMessage: 'RequestId: x Error: Runtime exited with error: signal: killed',
      durationMs: 5,
    };
    await get('GET', `${base}/users/42`, reader);
    expect(events.map(({ status, refusal, invocation }) => ({ status, refusal, invocation }))).toEqual([
      { status: 200, refusal: undefined, invocation: { functionName: 'users-local-getUser' } },
      {
        status: 502,
        refusal: undefined,
        invocation: { functionName: 'users-local-getUser', errorType: 'Runtime.OutOfMemory' },
      },
    ]);
  });

  it('answers the caller even when the observer fails', async () => {
    observerThrows = true;
    expect((await get('GET', `${base}/users/42`, reader)).status).toBe(200);
  });
});
