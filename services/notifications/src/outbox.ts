import { PutCommand, type PutCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { Notification } from './notification';

/** The part of DynamoDBDocumentClient the outbox uses, so a test can pass a small fake. */
export interface OutboxDocumentClient {
  send(command: PutCommand): Promise<PutCommandOutput>;
}

export interface OutboxOptions {
  /** The outbox table, e.g. `notifications-outbox-dev` (the function's OUTBOX_TABLE). */
  tableName: string | undefined;
  documentClient: OutboxDocumentClient;
}

export interface Outbox {
  record(notification: Notification): Promise<void>;
}

/**
 * Notifications waiting to be sent, in their DynamoDB table keyed by `id`.
 *
 * @example
 * const outbox = createOutbox({ tableName: 'notifications-outbox-dev', documentClient });
 * await outbox.record(notification);
 */
export function createOutbox({ tableName, documentClient }: OutboxOptions): Outbox {
  if (!tableName) throw new Error('createOutbox: tableName is required (set OUTBOX_TABLE)');
  return {
    async record(notification) {
      // A recorded notification is never overwritten: an id collision fails instead.
      await documentClient.send(
        new PutCommand({
          TableName: tableName,
          Item: notification,
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
    },
  };
}
