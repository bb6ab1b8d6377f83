import type { APIGatewayProxyEvent } from 'aws-lambda';
import { buildProxyEvent, type ProxyEventInput, RestApiRouter } from '../../src/apigateway';
import type { Principal } from '../../src/types';
import { usersApi } from '../fixtures/apigateway/users-api';

const router = new RestApiRouter(usersApi);
const ordersRole: Principal = {
  arn: 'arn:aws:sts::000000000000:assumed-role/orders-local-us-east-1-lambdaRole/orders-local-createOrder',
  userId: 'AROAORDERSROLE000001:orders-local-createOrder',
  accountId: '000000000000',
  roleName: 'orders-local-us-east-1-lambdaRole',
  policies: [],
};

function input(
  overrides: Partial<ProxyEventInput> & { path?: string; method?: string } = {},
): ProxyEventInput {
  const path = overrides.path ?? '/users/42';
  const method = overrides.method ?? 'GET';
  const route = router.match(path, method);
  if (!route) throw new Error(`no route for ${method} ${path}`);
  return {
    api: usersApi,
    route,
    method,
    path,
    rawQuery: '',
    headers: [
      ['Host', '127.0.0.1:4566'],
      ['User-Agent', 'axios/1.7.9'],
      ['Accept', 'application/json'],
      ['Content-Length', '0'],
      ['Connection', 'keep-alive'],
    ],
    body: Buffer.alloc(0),
    sourceIp: '127.0.0.1',
    domainName: '127.0.0.1:4566',
    requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    now: new Date('2026-11-25T03:54:51.123Z'),
    ...overrides,
  };
}

describe('buildProxyEvent', () => {
  it('builds the event API Gateway REST sends for an IAM-signed call from a role session', () => {
    const event = buildProxyEvent(
      input({ principal: ordersRole, accessKeyId: 'ASIAORDERSROLE000001', rawQuery: 'expand=orders' }),
    );

    expect(event).toEqual({
      resource: '/users/{id}',
      path: '/users/42',
      httpMethod: 'GET',
      headers: {
        Host: '127.0.0.1:4566',
        'User-Agent': 'axios/1.7.9',
        Accept: 'application/json',
        'X-Amzn-Trace-Id': expect.stringMatching(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/),
        'X-Forwarded-For': '127.0.0.1',
        'X-Forwarded-Port': '4566',
        'X-Forwarded-Proto': 'http',
      },
      multiValueHeaders: {
        Host: ['127.0.0.1:4566'],
        'User-Agent': ['axios/1.7.9'],
        Accept: ['application/json'],
        'X-Amzn-Trace-Id': [event.headers['X-Amzn-Trace-Id']],
        'X-Forwarded-For': ['127.0.0.1'],
        'X-Forwarded-Port': ['4566'],
        'X-Forwarded-Proto': ['http'],
      },
      queryStringParameters: { expand: 'orders' },
      multiValueQueryStringParameters: { expand: ['orders'] },
      pathParameters: { id: '42' },
      stageVariables: null,
      requestContext: {
        accountId: '000000000000',
        apiId: 'a1b2c3d4e5',
        deploymentId: expect.stringMatching(/^[a-z0-9]{6}$/),
        domainName: '127.0.0.1:4566',
        domainPrefix: '127',
        extendedRequestId: expect.stringMatching(/^[A-Za-z0-9+-]{15}=$/),
        httpMethod: 'GET',
        identity: {
          accessKey: 'ASIAORDERSROLE000001',
          accountId: '000000000000',
          caller: 'AROAORDERSROLE000001:orders-local-createOrder',
          cognitoAuthenticationProvider: null,
          cognitoAuthenticationType: null,
          cognitoIdentityId: null,
          cognitoIdentityPoolId: null,
          principalOrgId: null,
          sourceIp: '127.0.0.1',
          user: 'AROAORDERSROLE000001:orders-local-createOrder',
          userAgent: 'axios/1.7.9',
          userArn:
            'arn:aws:sts::000000000000:assumed-role/orders-local-us-east-1-lambdaRole/orders-local-createOrder',
        },
        path: '/local/users/42',
        protocol: 'HTTP/1.1',
        requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
        requestTime: '25/Nov/2026:03:54:51 +0000',
        requestTimeEpoch: Date.parse('2026-11-25T03:54:51.123Z'),
        resourceId: 'userId',
        resourcePath: '/users/{id}',
        stage: 'local',
      },
      body: null,
      isBase64Encoded: false,
    });
  });

  it('has every field a handler typed with @types/aws-lambda reads, bar the ones REST leaves out', () => {
    const event = buildProxyEvent(input());
    const typed: Omit<APIGatewayProxyEvent, 'requestContext'> = event;
    expect(Object.keys(typed).sort()).toEqual(
      [
        'body',
        'headers',
        'httpMethod',
        'isBase64Encoded',
        'multiValueHeaders',
        'multiValueQueryStringParameters',
        'path',
        'pathParameters',
        'queryStringParameters',
        'requestContext',
        'resource',
        'stageVariables',
      ].sort(),
    );
  });

  it('leaves the caller fields null for a method without IAM authorization', () => {
    const { identity } = buildProxyEvent(input({ path: '/', method: 'GET' })).requestContext;
    expect(identity).toMatchObject({
      accessKey: null,
      accountId: null,
      caller: null,
      user: null,
      userArn: null,
    });
    expect(identity.sourceIp).toBe('127.0.0.1');
  });

  it('keeps repeated headers and query parameters, the last value in the single-valued maps', () => {
    const event = buildProxyEvent(
      input({
        headers: [
          ['X-Tag', 'one'],
          ['x-tag', 'two'],
        ],
        rawQuery: 'category=books&category=music&plus=a+b&email=test%2Balias%40example.com&empty',
      }),
    );
    expect(event.multiValueHeaders['X-Tag']).toEqual(['one', 'two']);
    expect(event.headers['X-Tag']).toBe('two');
    expect(event.multiValueQueryStringParameters).toEqual({
      category: ['books', 'music'],
      plus: ['a b'],
      email: ['test+alias@example.com'],
      empty: [''],
    });
    expect(event.queryStringParameters).toMatchObject({ category: 'music', plus: 'a b' });
  });

  it('passes a text body as is, and base64-encodes one of the API binary media types', () => {
    const json = buildProxyEvent(
      input({
        path: '/users',
        method: 'POST',
        body: Buffer.from('{"name":"Zoë"}'),
        headers: [['Content-Type', 'application/json']],
      }),
    );
    expect([json.body, json.isBase64Encoded]).toEqual(['{"name":"Zoë"}', false]);

    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    const binary = buildProxyEvent(
      input({
        api: { ...usersApi, binaryMediaTypes: ['image/*'] },
        path: '/users',
        method: 'POST',
        body: png,
        headers: [['Content-Type', 'image/png']],
      }),
    );
    expect([binary.body, binary.isBase64Encoded]).toEqual([png.toString('base64'), true]);
  });

  it('keeps the path as given, percent-encoding and trailing slash included', () => {
    const event = buildProxyEvent(input({ path: '/files/a%20b/', method: 'GET' }));
    expect(event.path).toBe('/files/a%20b/');
    expect(event.requestContext.path).toBe('/local/files/a%20b/');
    expect(event.pathParameters).toEqual({ path: 'a%20b' });
  });

  it('passes header and query names that are Object.prototype members as ordinary keys', () => {
    const names = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'];
    const event = buildProxyEvent(
      input({
        headers: names.map((name): [string, string] => [name, `header ${name}`]),
        rawQuery: names.map((name) => `${name}=query%20${name}`).join('&'),
      }),
    );
    // As the function receives it: Lambda hands it the event as JSON.
    const received = JSON.parse(JSON.stringify(event)) as APIGatewayProxyEvent;
    for (const name of names) {
      expect(Object.getOwnPropertyDescriptor(received.headers, name)?.value).toBe(`header ${name}`);
      expect(Object.getOwnPropertyDescriptor(received.multiValueHeaders, name)?.value).toEqual([
        `header ${name}`,
      ]);
      expect(Object.getOwnPropertyDescriptor(received.queryStringParameters, name)?.value).toBe(
        `query ${name}`,
      );
      expect(Object.getOwnPropertyDescriptor(received.multiValueQueryStringParameters, name)?.value).toEqual([
        `query ${name}`,
      ]);
    }
    expect(Object.getPrototypeOf(received.headers)).toBe(Object.prototype);
  });

  it('keeps a trace header the client sent', () => {
    const event = buildProxyEvent(
      input({ headers: [['X-Amzn-Trace-Id', 'Root=1-5f84c7a5-c2aa3b0a4e4b9b5c2ba2b2f3']] }),
    );
    expect(event.multiValueHeaders['X-Amzn-Trace-Id']).toEqual(['Root=1-5f84c7a5-c2aa3b0a4e4b9b5c2ba2b2f3']);
  });
});
