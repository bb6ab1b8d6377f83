import {
  functionNameFromIntegrationUri,
  type IntegrationResult,
  lambdaIntegrationTarget,
  requestIdsFor,
  toHttpResponse,
  withIntegrationTimeout,
} from '../../src/apigateway';
import { LocalStageError } from '../../src/errors';
import type { InvokeResult } from '../../src/lambda';
import { integrationUri } from '../fixtures/apigateway/users-api';

const requestId = '5f1c8d0e-1d2b-4c3a-9e8f-7a6b5c4d3e2f';
const returned = (payload: unknown): InvokeResult => ({ ok: true, payload, durationMs: 4 });

function answer(result: IntegrationResult, options?: Parameters<typeof toHttpResponse>[2]) {
  const { statusCode, headers, body } = toHttpResponse(result, requestId, options);
  return { statusCode, headers, body: body.toString('utf8') };
}

const internalServerError = {
  statusCode: 502,
  headers: expect.objectContaining({
    'Content-Type': ['application/json'],
    'x-amzn-ErrorType': ['InternalServerErrorException'],
    'x-amzn-RequestId': [requestId],
  }),
  body: '{"message": "Internal server error"}',
};

describe('toHttpResponse', () => {
  it('answers with the status, headers and body of a valid proxy response', () => {
    expect(
      answer(
        returned({
          statusCode: 201,
          headers: { 'Content-Type': 'text/plain', 'X-Cache': false },
          body: 'made',
        }),
      ),
    ).toEqual({
      statusCode: 201,
      headers: {
        'Content-Type': ['text/plain'],
        'X-Cache': ['false'],
        'x-amzn-RequestId': [requestId],
        'x-amz-apigw-id': [requestIdsFor(requestId).extendedRequestId],
        'X-Amzn-Trace-Id': [expect.stringMatching(/^Root=1-/)],
      },
      body: 'made',
    });
  });

  it('defaults to 200, an empty body and application/json', () => {
    expect(answer(returned({ statusCode: 200 }))).toMatchObject({
      statusCode: 200,
      headers: { 'Content-Type': ['application/json'] },
      body: '',
    });
    expect(answer(returned({ headers: { 'x-only': 'headers' } }))).toMatchObject({
      statusCode: 200,
      body: '',
    });
    expect(answer(returned({ statusCode: 204, headers: null, body: null })).statusCode).toBe(204);
  });

  it('accepts a status code written as a string of digits', () => {
    expect(answer(returned({ statusCode: '201' })).statusCode).toBe(201);
  });

  it('merges multiValueHeaders with headers, the multi-valued list winning for a name in both', () => {
    const { headers } = answer(
      returned({
        statusCode: 200,
        headers: { 'set-cookie': 'solo=1', 'X-Single': 'one' },
        multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'], 'X-Multi': ['x', 'y'] },
      }),
    );
    expect(headers).toMatchObject({
      'Set-Cookie': ['a=1', 'b=2'],
      'X-Multi': ['x', 'y'],
      'X-Single': ['one'],
    });
    expect(headers).not.toHaveProperty('set-cookie');
  });

  it('passes a base64 body through as text unless the client accepts a binary media type', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    const result = returned({
      statusCode: 200,
      headers: { 'Content-Type': 'image/png' },
      body: png.toString('base64'),
      isBase64Encoded: true,
    });

    expect(answer(result).body).toBe(png.toString('base64'));
    const decoded = toHttpResponse(result, requestId, {
      binaryMediaTypes: ['image/png'],
      accept: 'image/png',
    });
    expect(decoded.body.equals(png)).toBe(true);
  });

  it.each([
    ['a body that is not a string', { statusCode: 200, body: { id: '42' } }],
    ['an unknown field', { statusCode: 200, body: '', wrongValue: 'value' }],
    ['an empty object', {}],
    ['a status code that is not a number', { statusCode: 'ok' }],
    ['a status code out of range', { statusCode: 1000 }],
    ['a header value that is a number', { statusCode: 200, headers: { 'Content-Length': 2 } }],
    ['multiValueHeaders values that are not lists', { statusCode: 200, multiValueHeaders: { 'X-A': 'one' } }],
    ['isBase64Encoded that is not a boolean', { statusCode: 200, isBase64Encoded: 'true' }],
    ['a plain string', 'justAString'],
    ['null', null],
  ])('answers 502 Internal server error for a malformed response: %s', (_case, payload) => {
    expect(answer(returned(payload))).toEqual(internalServerError);
  });

  it.each([
    ['error', 'UserNotFound'],
    ['crash', 'Runtime.ExitError'],
    ['timeout', 'Sandbox.Timedout'],
  ] as const)('answers 502 Internal server error for a function %s', (kind, errorType) => {
    expect(
      answer({ ok: false, kind, errorType, errorMessage: 'details stay in the log', durationMs: 5 }),
    ).toEqual(internalServerError);
  });

  it("answers 504 Endpoint request timed out past API Gateway's own timeout", () => {
    expect(answer({ ok: false, kind: 'integration-timeout', durationMs: 29_000 })).toMatchObject({
      statusCode: 504,
      headers: {
        'x-amzn-ErrorType': ['InternalServerErrorException'],
        'x-amz-apigw-id': [requestIdsFor(requestId).extendedRequestId],
      },
      body: '{"message": "Endpoint request timed out"}',
    });
  });
});

describe('withIntegrationTimeout', () => {
  it('gives up on an invocation that outlasts the integration timeout', async () => {
    const never = new Promise<InvokeResult>(() => {});
    await expect(withIntegrationTimeout(never, 20)).resolves.toEqual({
      ok: false,
      kind: 'integration-timeout',
      durationMs: 20,
    });
  });

  it('passes through a result that comes in time', async () => {
    await expect(withIntegrationTimeout(Promise.resolve(returned('fast')), 1000)).resolves.toEqual(
      returned('fast'),
    );
  });
});

describe('functionNameFromIntegrationUri', () => {
  it("reads the function name from the integration URI's Lambda ARN", () => {
    expect(functionNameFromIntegrationUri(integrationUri('users-local-getUser'))).toBe('users-local-getUser');
    expect(lambdaIntegrationTarget(integrationUri('users-local-getUser:live'))).toEqual({
      region: 'us-east-1',
      accountId: '000000000000',
      functionName: 'users-local-getUser',
      qualifier: 'live',
    });
  });

  it('refuses a URI that does not invoke a Lambda function', () => {
    expect(() => functionNameFromIntegrationUri('arn:aws:apigateway:us-east-1:s3:path/bucket/key')).toThrow(
      LocalStageError,
    );
  });
});
