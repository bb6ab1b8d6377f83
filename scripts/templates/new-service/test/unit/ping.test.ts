import { iamRequestContext, invoke, proxyEvent, recordingLogger } from '@internal-apis/lambda-http/testing';
import { pingHandler } from '../../src/handlers/ping';

describe('GET /__SERVICE__/ping', () => {
  it('answers 200 with the service name and the caller API Gateway authenticated', async () => {
    const logger = recordingLogger();
    const callerArn =
      'arn:aws:sts::123456789012:assumed-role/orders-dev-us-east-1-lambdaRole/orders-dev-createOrder';
    const signedGet = proxyEvent({
      path: '/__SERVICE__/ping',
      resource: '/__SERVICE__/ping',
      requestContext: iamRequestContext({ userArn: callerArn, caller: 'AROAEXAMPLE:orders-dev-createOrder' }),
    });

    const response = await invoke(pingHandler({ logger }), signedGet);

    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ service: '__SERVICE__', caller: callerArn });
    expect(logger.lines).toEqual([expect.objectContaining({ message: 'request' })]);
  });
});
