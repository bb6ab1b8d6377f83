import { type Logger, requiredEnv } from '@internal-apis/lambda-http';
import { createOrders, type Orders } from './orders';

/** What each orders handler accepts; tests pass fakes, Lambda uses the defaults. */
export interface OrdersHandlerOptions {
  /** Default: the container's Orders, created on the first request. */
  orders?: Orders;
  /** Default: JSON lines on stdout. */
  logger?: Logger;
}

let containerOrders: Orders | undefined;

/**
 * The Orders of this Lambda container, created on first use so a warm container reuses its
 * DynamoDB and users clients (and their connections and cached users URL).
 *
 * @example
 * const order = await ordersOfThisContainer().getOrder(id);
 */
export function ordersOfThisContainer(): Orders {
  containerOrders ??= createOrders({ tableName: requiredEnv('ORDERS_TABLE') });
  return containerOrders;
}
