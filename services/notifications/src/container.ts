import { type Logger, requiredEnv } from '@internal-apis/lambda-http';
import { createNotifications, type Notifications } from './notifications';

/** What each notifications handler accepts; tests pass fakes, Lambda uses the defaults. */
export interface NotificationsHandlerOptions {
  /** Default: the container's Notifications, created on the first request. */
  notifications?: Notifications;
  /** Default: JSON lines on stdout. */
  logger?: Logger;
}

let containerNotifications: Notifications | undefined;

/**
 * The Notifications of this Lambda container, created on first use so a warm container reuses
 * its DynamoDB and users clients (and their connections and cached users URL).
 *
 * @example
 * const message = await notificationsOfThisContainer().welcome(userId);
 */
export function notificationsOfThisContainer(): Notifications {
  containerNotifications ??= createNotifications({ tableName: requiredEnv('OUTBOX_TABLE') });
  return containerNotifications;
}
