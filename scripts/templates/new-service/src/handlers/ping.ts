import { jsonHandler, type Logger } from '@internal-apis/lambda-http';
import type { APIGatewayProxyHandler } from 'aws-lambda';

/**
 * `GET /__SERVICE__/ping`: 200 with the service name and the caller that API Gateway's `AWS_IAM`
 * authorizer identified, so a signed call shows at once which role reached the service.
 *
 * @example
 * export const handler = pingHandler({ logger: createJsonLogger({ fields: { service: '__SERVICE__' } }) });
 */
export function pingHandler(options: { logger?: Logger } = {}): APIGatewayProxyHandler {
  return jsonHandler(
    'GET /__SERVICE__/ping',
    async (_event, ctx) => ({
      statusCode: 200,
      body: { service: '__SERVICE__', caller: ctx.caller.userArn },
    }),
    { logger: options.logger },
  );
}

export const handler = pingHandler();
