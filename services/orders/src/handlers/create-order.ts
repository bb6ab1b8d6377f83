import { awsErrorToHttp, jsonHandler, parseJsonBody } from '@internal-apis/lambda-http';
import { usersErrorToHttp } from '@internal-apis/users/client';
import type { APIGatewayProxyHandler } from 'aws-lambda';
import { type OrdersHandlerOptions, ordersOfThisContainer } from '../container';
import { newOrderSchema } from '../order';

/**
 * `POST /orders`: 201 with the order and its Location; 400 naming the fields of a body it refuses;
 * 422 for an unknown user; 502/503/504 when the users API denies, fails, cannot be reached or found,
 * or is too slow; 500 naming this service's own credentials or configuration when they are at fault.
 *
 * @example
 * export const handler = createOrderHandler({ orders: createOrders({ tableName: 'orders-dev' }) });
 */
export function createOrderHandler(options: OrdersHandlerOptions = {}): APIGatewayProxyHandler {
  return jsonHandler(
    'POST /orders',
    async (event) => {
      const input = parseJsonBody(event, newOrderSchema);
      const orders = options.orders ?? ordersOfThisContainer();
      const order = await orders
        .placeOrder(input)
        .catch(usersErrorToHttp)
        .catch(awsErrorToHttp('store the order'));
      // Relative to the request URL, so it holds behind any base path (see the users service).
      return { statusCode: 201, headers: { Location: `orders/${order.id}` }, body: order };
    },
    { logger: options.logger },
  );
}

export const handler = createOrderHandler();
