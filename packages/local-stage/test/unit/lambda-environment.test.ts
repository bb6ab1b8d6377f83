import type { FunctionDefinition } from '../../src/lambda';
import { lambdaEnvironment, splitHandler } from '../../src/lambda';

const fn: FunctionDefinition = {
  functionName: 'orders-local-createOrder',
  handler: 'src/handlers/create-order.handler',
  codeZip: '/repo/services/orders/.serverless/createOrder.zip',
  runtime: 'nodejs22.x',
  environment: {
    ORDERS_TABLE: 'orders-local',
    AWS_REGION: 'eu-west-1',
    NODE_OPTIONS: '--enable-source-maps',
  },
  timeoutSeconds: 10,
  memorySize: 256,
  region: 'us-east-1',
  credentials: () => ({ accessKeyId: 'ASIA1', secretAccessKey: 'secret' }),
  endpoints: { ssm: 'http://127.0.0.1:4566', dynamodb: 'http://127.0.0.1:4567' },
};

describe('lambdaEnvironment', () => {
  const env = lambdaEnvironment(fn, {
    taskRoot: '/code/abc',
    credentials: { accessKeyId: 'ASIA1', secretAccessKey: 'secret' },
    logStreamName: '2026/11/25/[$LATEST]0123456789abcdef0123456789abcdef',
  });

  it("keeps the template's variables but not over Lambda's reserved ones", () => {
    expect(env).toMatchObject({
      ORDERS_TABLE: 'orders-local',
      NODE_OPTIONS: '--enable-source-maps',
      AWS_REGION: 'us-east-1',
    });
  });

  it('sets no session token for long-term keys', () => {
    expect(env).not.toHaveProperty('AWS_SESSION_TOKEN');
  });

  it('points the SDK at the front door for each service', () => {
    expect(env).toMatchObject({
      AWS_ENDPOINT_URL_SSM: 'http://127.0.0.1:4566',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:4567',
    });
  });

  it("keeps the developer's shared AWS config and credentials files out of reach", () => {
    expect(env.AWS_CONFIG_FILE).toMatch(/^\/code\/abc\//);
    expect(env.AWS_SHARED_CREDENTIALS_FILE).toMatch(/^\/code\/abc\//);
  });
});

describe('splitHandler', () => {
  it('splits at the first dot of the last path segment, as Lambda does', () => {
    expect(splitHandler('src/handlers/get-user.handler')).toEqual({
      modulePath: 'src/handlers/get-user',
      exportPath: 'handler',
    });
    expect(splitHandler('index.nested.handler')).toEqual({
      modulePath: 'index',
      exportPath: 'nested.handler',
    });
  });

  it('rejects a handler without an export', () => {
    expect(splitHandler('src/handlers/get-user')).toBeUndefined();
    expect(splitHandler('src/handlers/get-user.')).toBeUndefined();
  });
});
