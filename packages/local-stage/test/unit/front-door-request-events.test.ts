import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { AwsCredentials } from '@internal-apis/signed-client';
import type { RequestEvent } from '../../src/front-door/request-events';
import {
  ACCOUNT,
  api,
  apiBase,
  type DoorUnderTest,
  REGION,
  role,
  startDoor,
} from '../fixtures/front-door/door-under-test';
import { fetchAs } from '../fixtures/http/signed-fetch';

const readerRole = role('reader-role', [
  {
    Effect: 'Allow',
    Action: 'execute-api:Invoke',
    Resource: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${api.apiId}/local/GET/users/*`,
  },
]);

describe('the front door tells an observer of every request it answered', () => {
  const events: RequestEvent[] = [];
  let observerThrows = false;
  let door: DoorUnderTest;
  let reader: AwsCredentials;
  let base: string;

  beforeAll(async () => {
    door = await startDoor({
      onRequest: (event) => {
        events.push(event);
        if (observerThrows) throw new Error('observer failed');
      },
    });
    reader = door.keys.roleSession(readerRole, 'users-local-reader');
    base = `${door.door.url}${apiBase}`;
  });

  afterAll(() => door.close());
  beforeEach(() => {
    events.length = 0;
    observerThrows = false;
    door.lambda.answer = { ok: true, payload: { statusCode: 200, body: '{}' }, durationMs: 1 };
  });

  async function get(method: string, url: string, credentials?: AwsCredentials) {
    const response = await fetchAs(credentials, method, url);
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
        path: `${apiBase}/users/42`,
        status: 403,
        principal: `arn:aws:sts::${ACCOUNT}:assumed-role/reader-role/users-local-reader`,
        refusal: {
          errorType: 'AccessDeniedException',
          message: expect.stringContaining('is not authorized to perform: execute-api:Invoke'),
          denial: {
            principal: `arn:aws:sts::${ACCOUNT}:assumed-role/reader-role/users-local-reader`,
            action: 'execute-api:Invoke',
            resource: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${api.apiId}/local/DELETE/users/42`,
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
    const ssm = new SSMClient({
      region: REGION,
      endpoint: door.door.url,
      credentials: reader,
      maxAttempts: 1,
    });
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
    door.lambda.answer = {
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
