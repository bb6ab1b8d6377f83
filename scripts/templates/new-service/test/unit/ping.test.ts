import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { pingHandler } from '../../src/handlers/ping';

/** A signed GET as API Gateway (REST, AWS_IAM authorizer) hands it to the Lambda. */
function signedGet(path: string, userArn: string): APIGatewayProxyEvent {
  return {
    httpMethod: 'GET',
    path,
    resource: path,
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { requestId: 'apigw-request-1', identity: { userArn, caller: 'AROAEXAMPLE:web' } },
  } as unknown as APIGatewayProxyEvent;
}

describe('GET /__SERVICE__/ping', () => {
  it('answers 200 with the service name and the caller API Gateway authenticated', async () => {
    const lines: string[] = [];
    const logger = {
      info: (message: string) => lines.push(message),
      error: (message: string) => lines.push(message),
    };
    const callerArn =
      'arn:aws:sts::123456789012:assumed-role/orders-dev-us-east-1-lambdaRole/orders-dev-createOrder';

    const result = await pingHandler({ logger })(
      signedGet('/__SERVICE__/ping', callerArn),
      { awsRequestId: 'lambda-request-1' } as Context,
      () => undefined,
    );

    expect(result?.statusCode).toBe(200);
    expect(JSON.parse(result?.body ?? '')).toEqual({ service: '__SERVICE__', caller: callerArn });
    expect(lines).toEqual(['request']);
  });
});
