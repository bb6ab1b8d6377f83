import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createUsersClient, type UsersClient } from '@internal-apis/users/client';
import type { NewOrder, Order } from './order';
import { createOrderStore, type OrderDocumentClient } from './order-store';

/** The orders domain: placing an order for an existing user, and reading it back. */
export interface Orders {
  /** Rejects with the users client's errors (UserNotFoundError, UsersUnavailableError, …). */
  placeOrder(input: NewOrder): Promise<Order>;
  getOrder(id: string): Promise<Order | undefined>;
}

export interface OrdersOptions {
  /** The orders table (the function's ORDERS_TABLE). */
  tableName: string | undefined;
  /** Default: a DynamoDBDocumentClient with the Lambda's region and credentials. */
  documentClient?: OrderDocumentClient;
  /** Orders only ever reads users; its IAM role grants nothing else. Default: `createUsersClient()`. */
  users?: Pick<UsersClient, 'getUser'>;
  /** Default: the system clock. */
  now?: () => Date;
  /** Default: a random UUID. */
  newId?: () => string;
}

/**
 * Creates the orders domain over its table and the users API.
 *
 * @example
 * const orders = createOrders({ tableName: process.env.ORDERS_TABLE });
 * const order = await orders.placeOrder({ userId: '42', items: [{ sku: 'BOOK-1', quantity: 2 }] });
 */
export function createOrders(options: OrdersOptions): Orders {
  const store = createOrderStore({
    tableName: options.tableName,
    documentClient: options.documentClient ?? DynamoDBDocumentClient.from(new DynamoDBClient({})),
  });
  const users = options.users ?? createUsersClient();
  const now = options.now ?? (() => new Date());
  const newId = options.newId ?? randomUUID;
  return {
    async placeOrder({ userId, items }) {
      // The email is copied, not looked up later: the order records who it was placed for.
      const user = await users.getUser(userId);
      const order: Order = {
        id: newId(),
        userId,
        customerEmail: user.email,
        items,
        createdAt: now().toISOString(),
      };
      await store.put(order);
      return order;
    },
    getOrder: (id) => store.get(id),
  };
}
