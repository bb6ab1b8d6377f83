import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { HttpError } from '../../src';

/** A proxy event as API Gateway (REST, AWS_IAM authorizer) sends it, with overrides. */
export function proxyEvent(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    httpMethod: 'GET',
    path: '/users/42',
    resource: '/users/{id}',
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      requestId: 'apigw-request-1',
      identity: {
        userArn: 'arn:aws:sts::123456789012:assumed-role/orders-local/orders-create',
        caller: 'AROAEXAMPLE:orders-create',
        accessKey: 'ASIAEXAMPLEACCESSKEY',
      },
    } as APIGatewayProxyEvent['requestContext'],
    ...overrides,
  };
}

/** The Lambda context fields the handler reads. */
export function lambdaContext(awsRequestId = 'lambda-request-1'): Context {
  return { awsRequestId } as Context;
}

/** A logger that keeps every line it is given, parsed. */
export function recordingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const write = (line: string) => {
    raw.push(line);
    lines.push(JSON.parse(line) as Record<string, unknown>);
  };
  return { lines, raw, write };
}

/** The HttpError that `run` throws; fails the test if it throws nothing or something else. */
export function caught(run: () => unknown): HttpError {
  try {
    run();
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected an HttpError');
}
