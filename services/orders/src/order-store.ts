import { GetCommand, type GetCommandOutput, PutCommand, type PutCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { Order } from './order';

/** The part of DynamoDBDocumentClient the store uses, so a test can pass a small fake. */
export interface OrderDocumentClient {
  send(command: PutCommand): Promise<PutCommandOutput>;
  send(command: GetCommand): Promise<GetCommandOutput>;
}

export interface OrderStoreOptions {
  /** The orders table, e.g. `orders-dev` (the function's ORDERS_TABLE). */
  tableName: string | undefined;
  documentClient: OrderDocumentClient;
}

export interface OrderStore {
  put(order: Order): Promise<void>;
  get(id: string): Promise<Order | undefined>;
}

/**
 * Orders in their DynamoDB table, keyed by `id`.
 *
 * @example
 * const store = createOrderStore({ tableName: 'orders-dev', documentClient: DynamoDBDocumentClient.from(new DynamoDBClient({})) });
 * await store.put(order);
 */
export function createOrderStore({ tableName, documentClient }: OrderStoreOptions): OrderStore {
  if (!tableName) throw new Error('createOrderStore: tableName is required (set ORDERS_TABLE)');
  return {
    async put(order) {
      // Orders are immutable: the condition makes an id collision fail instead of overwriting.
      await documentClient.send(
        new PutCommand({
          TableName: tableName,
          Item: order,
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
    },
    async get(id) {
      const { Item } = await documentClient.send(new GetCommand({ TableName: tableName, Key: { id } }));
      return Item as Order | undefined;
    },
  };
}
