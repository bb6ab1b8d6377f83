import type { APIGatewayProxyEvent, APIGatewayProxyHandler, Context } from 'aws-lambda';

/** A signed request as API Gateway (REST, AWS_IAM authorizer) hands it to the Lambda. */
export function proxyEvent(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    httpMethod: 'GET',
    path: '/',
    resource: '/',
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
      identity: { userArn: 'arn:aws:sts::123456789012:assumed-role/shop/web', caller: 'AROAEXAMPLE:web' },
    } as APIGatewayProxyEvent['requestContext'],
    ...overrides,
  };
}

/** A POST with a JSON body (a string body is sent as is). */
export function jsonPost(
  path: string,
  body: unknown,
  headers: Record<string, string> = { 'Content-Type': 'application/json' },
) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return proxyEvent({ httpMethod: 'POST', path, resource: path, headers, body: text });
}

export interface Response {
  statusCode: number;
  headers: Record<string, unknown>;
  body: Record<string, unknown>;
}

/** Invokes a proxy handler and parses its JSON answer. */
export async function invoke(
  handler: APIGatewayProxyHandler,
  event: APIGatewayProxyEvent,
): Promise<Response> {
  const result = await handler(event, { awsRequestId: 'lambda-request-1' } as Context, () => undefined);
  if (!result) throw new Error('the handler returned nothing');
  return { statusCode: result.statusCode, headers: { ...result.headers }, body: JSON.parse(result.body) };
}

/** A logger that keeps its lines, so tests stay quiet and can read what was logged. */
export function quietLogger() {
  const lines: Array<{ message: string; fields?: Record<string, unknown> }> = [];
  const keep = (message: string, fields?: Record<string, unknown>) => lines.push({ message, fields });
  return { lines, info: keep, error: keep };
}
