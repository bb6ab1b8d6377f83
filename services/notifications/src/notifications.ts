import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createUsersClient, type UsersClient } from '@internal-apis/users/client';
import type { Notification } from './notification';
import { createOutbox, type OutboxDocumentClient } from './outbox';
import { renderWelcome } from './welcome-message';

/** The notifications domain: messages rendered for a user and recorded in the outbox. */
export interface Notifications {
  /** Rejects with the users client's errors (UserNotFoundError, UsersUnavailableError, …). */
  welcome(userId: string): Promise<Notification>;
}

export interface NotificationsOptions {
  /** The outbox table (the function's OUTBOX_TABLE). */
  tableName: string | undefined;
  /** Default: a DynamoDBDocumentClient with the Lambda's region and credentials. */
  documentClient?: OutboxDocumentClient;
  /** Only `getUser`: the IAM role allows GET on users and nothing else. Default: `createUsersClient()`. */
  users?: Pick<UsersClient, 'getUser'>;
  /** Default: the system clock. */
  now?: () => Date;
  /** Default: a random UUID. */
  newId?: () => string;
}

/**
 * Creates the notifications domain over its outbox table and the users API.
 *
 * @example
 * const notifications = createNotifications({ tableName: process.env.OUTBOX_TABLE });
 * const message = await notifications.welcome('42');
 */
export function createNotifications(options: NotificationsOptions): Notifications {
  const outbox = createOutbox({
    tableName: options.tableName,
    documentClient: options.documentClient ?? DynamoDBDocumentClient.from(new DynamoDBClient({})),
  });
  const users = options.users ?? createUsersClient();
  const now = options.now ?? (() => new Date());
  const newId = options.newId ?? randomUUID;
  return {
    async welcome(userId) {
      const user = await users.getUser(userId);
      const { subject, body } = renderWelcome(user);
      const notification: Notification = {
        id: newId(),
        userId,
        email: user.email,
        subject,
        body,
        createdAt: now().toISOString(),
        status: 'pending',
      };
      await outbox.record(notification);
      return notification;
    },
  };
}
