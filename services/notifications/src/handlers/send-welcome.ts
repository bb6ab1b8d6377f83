import { awsErrorToHttp, jsonHandler, parseJsonBody } from '@internal-apis/lambda-http';
import { usersErrorToHttp } from '@internal-apis/users/client';
import type { APIGatewayProxyHandler } from 'aws-lambda';
import { type NotificationsHandlerOptions, notificationsOfThisContainer } from '../container';
import { welcomeRequestSchema } from '../notification';

/**
 * `POST /notifications/welcome`: 201 with the recorded message; 400 naming the fields of a body it
 * refuses; 422 for an unknown user; 502/503/504 when the users API denies, fails, cannot be reached or
 * found, or is too slow; 500 naming this service's own credentials or configuration when they are at fault.
 *
 * @example
 * export const handler = sendWelcomeHandler({ notifications: createNotifications({ tableName: 'outbox' }) });
 */
export function sendWelcomeHandler(options: NotificationsHandlerOptions = {}): APIGatewayProxyHandler {
  return jsonHandler(
    'POST /notifications/welcome',
    async (event) => {
      const { userId } = parseJsonBody(event, welcomeRequestSchema);
      const notifications = options.notifications ?? notificationsOfThisContainer();
      const notification = await notifications
        .welcome(userId)
        .catch(usersErrorToHttp)
        .catch(awsErrorToHttp('record the notification'));
      return { statusCode: 201, body: notification };
    },
    { logger: options.logger },
  );
}

export const handler = sendWelcomeHandler();
