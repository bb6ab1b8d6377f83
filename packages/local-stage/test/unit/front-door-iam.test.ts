import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { AwsCredentials } from '@internal-apis/signed-client';
import type { DynaliteBackend } from '../../src/dynamodb/dynalite-backend';
import { FrontDoor } from '../../src/front-door/server';
import { AccessRecorder, formatAccessReport, restApiPolicy } from '../../src/iam';
import { KeyRing } from '../../src/identity/key-ring';
import { ParameterStore } from '../../src/ssm';
import type { PolicyDocument } from '../../src/types';
import { restApi } from '../fixtures/apigateway/users-api';
import { ACCOUNT, doorDeps, REGION, role as roleWith } from '../fixtures/front-door/door-deps';
import { fetchAs } from '../fixtures/http/signed-fetch';

// The front door deciding with the one IAM engine: a REST API's resource policy, the condition keys
// AWS sets, and resources named by ARN of another account or region.

const OTHER = '111111111111';
const API_ID = 'policyapi1';

const role = (name: string) => roleWith(name, [], 'AROAEXAMPLEEXAMPLE34');

/** Deny DELETE to everyone, deny plain HTTP (as many templates do), and grant GET to a role with no policies. */
const resourcePolicy = restApiPolicy(
  {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'NoDeletes',
        Effect: 'Deny',
        Principal: '*',
        Action: 'execute-api:Invoke',
        Resource: 'execute-api:/*/DELETE/*',
      },
      {
        Sid: 'TlsOnly',
        Effect: 'Deny',
        Principal: '*',
        Action: 'execute-api:Invoke',
        Resource: 'execute-api:/*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Sid: 'Auditor',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/auditor` },
        Action: 'execute-api:Invoke',
        Resource: 'execute-api:/local/GET/*',
      },
    ],
  },
  { region: REGION, accountId: ACCOUNT, apiId: API_ID },
);

const api = restApi({
  apiId: API_ID,
  name: 'users-local',
  routes: [
    ['GET', '/users/{id}', 'users-local-getUser'],
    ['DELETE', '/users/{id}', 'users-local-deleteUser'],
    ['GET', '/health', 'users-local-health', 'NONE'],
  ],
  ...(resourcePolicy ? { resourcePolicy } : {}),
});

describe('the front door decides with identity policies and the API resource policy together', () => {
  const keys = new KeyRing(ACCOUNT);
  const recorder = new AccessRecorder();
  const ssm = new ParameterStore();
  const invoked: string[] = [];
  const forwarded: string[] = [];
  const auditor = keys.roleSession(role('auditor'), 'audit');
  const stranger = keys.roleSession(role('stranger'), 'visit');
  let door: FrontDoor;
  let base: string;

  beforeAll(async () => {
    ssm.put('/local/users/url', 'http://users.example', { type: 'String' });
    door = await FrontDoor.listen(
      doorDeps({
        keys,
        recorder,
        apis: [api],
        lambda: {
          invoke: async (functionName: string) => {
            invoked.push(functionName);
            return { ok: true, payload: { statusCode: 200, body: '{"ok":true}' }, durationMs: 1 };
          },
        },
        ssm,
        dynamodb: {
          handle: async (_operation: string, input: unknown) => {
            forwarded.push(JSON.stringify(input));
            return { statusCode: 200, headers: {}, body: Buffer.from('{}') };
          },
        } as unknown as DynaliteBackend,
      }),
      { port: 0 },
    );
    base = `${door.url}/${API_ID}/local`;
  });
  afterAll(() => door.close());
  beforeEach(() => {
    invoked.length = 0;
    forwarded.length = 0;
  });

  async function call(method: string, url: string, credentials: AwsCredentials) {
    const response = await fetchAs(credentials, method, url);
    return {
      status: response.status,
      errorType: response.headers.get('x-amzn-errortype'),
      body: await response.json(),
    };
  }

  it('refuses a caller its identity policy allows when the resource policy denies it: 403, with an explicit deny', async () => {
    const answer = await call('DELETE', `${base}/users/42`, keys.developer);
    expect(answer).toEqual({
      status: 403,
      errorType: 'AccessDeniedException',
      body: {
        Message: `User: ${keys.developer.principal.arn} is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/local/DELETE/users/42 with an explicit deny`,
      },
    });
    expect(invoked).toEqual([]);
  });

  it('lets the identity policy allow what the resource policy is silent about, aws:SecureTransport being true', async () => {
    expect((await call('GET', `${base}/users/42`, keys.developer)).status).toBe(200);
    expect(invoked).toEqual(['users-local-getUser']);
  });

  it('lets a resource-policy grant to a role of the same account allow a session with no identity policy', async () => {
    expect((await call('GET', `${base}/users/42`, auditor)).status).toBe(200);
    expect((await call('GET', `${base}/users/42`, stranger)).errorType).toBe('AccessDeniedException');
  });

  it('refuses an unsigned call to a method without authorization that the resource policy does not allow', async () => {
    const response = await fetch(`${base}/health`);
    expect([response.status, response.headers.get('x-amzn-errortype'), await response.json()]).toEqual([
      403,
      'AccessDeniedException',
      {
        Message: `User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/local/GET/health`,
      },
    ]);
    expect(invoked).toEqual([]);
  });

  it('serves a parameter named by an ARN of its own account', async () => {
    const client = new SSMClient({ region: REGION, endpoint: door.url, credentials: keys.developer });
    const name = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/local/users/url`;
    const { Parameter } = await client.send(new GetParameterCommand({ Name: name }));
    expect(Parameter?.Value).toBe('http://users.example');
  });

  it('never serves a parameter ARN of another account from its own store: IAM refuses it as cross-account', async () => {
    const client = new SSMClient({ region: REGION, endpoint: door.url, credentials: keys.developer });
    const name = `arn:aws:ssm:${REGION}:${OTHER}:parameter/local/users/url`;
    await expect(client.send(new GetParameterCommand({ Name: name }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: `User: ${keys.developer.principal.arn} is not authorized to perform: ssm:GetParameter on resource: ${name} because no resource-based policy allows the ssm:GetParameter action`,
    });
  });

  it('refuses a parameter ARN of another region with a ValidationException', async () => {
    const client = new SSMClient({ region: REGION, endpoint: door.url, credentials: keys.developer });
    const name = `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/local/users/url`;
    await expect(client.send(new GetParameterCommand({ Name: name }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });

  it('refuses a table ARN of another account or region before DynamoDB sees the call', async () => {
    const client = new DynamoDBClient({ region: REGION, endpoint: door.url, credentials: keys.developer });
    const key = { id: { S: '42' } };
    const foreign = `arn:aws:dynamodb:${REGION}:${OTHER}:table/users-local`;
    await expect(client.send(new GetItemCommand({ TableName: foreign, Key: key }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('because no resource-based policy allows the dynamodb:GetItem action'),
    });
    const elsewhere = `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/users-local`;
    await expect(client.send(new GetItemCommand({ TableName: elsewhere, Key: key }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: `1 validation error detected: Invalid AWS region in '${elsewhere}'`,
    });
    expect(forwarded).toEqual([]);
    await client.send(
      new GetItemCommand({ TableName: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/users-local`, Key: key }),
    );
    expect(forwarded).toHaveLength(1);
  });

  it('reports the resource policy statements used and the denials they caused', () => {
    const text = formatAccessReport(
      recorder.report(keys.principals(), [
        {
          name: `users-local (REST API ${API_ID})`,
          document: api.resourcePolicy as PolicyDocument,
          ownerAccountId: ACCOUNT,
        },
      ]),
    );
    expect(text).toContain(`Resource policy users-local (REST API ${API_ID})`);
    expect(text).toMatch(/used \d+×\s+statement 0 "NoDeletes" of resource policy users-local/);
    expect(text).toMatch(/used \d+×\s+statement 2 "Auditor" of resource policy users-local/);
    expect(text).toContain('NEVER USED  statement 1 "TlsOnly"');
    expect(text).toContain('why: explicit deny in statement 0 "NoDeletes" of resource policy users-local');
  });
});
