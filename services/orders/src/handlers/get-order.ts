import { awsErrorToHttp, jsonHandler, NotFoundError } from '@internal-apis/lambda-http';
import type { APIGatewayProxyHandler } from 'aws-lambda';
import { type OrdersHandlerOptions, ordersOfThisContainer } from '../container';
import { isOrderId } from '../order';

/**
 * `GET /orders/{id}`: 200 with the order, 404 when there is none (a malformed id included); 500/503
 * naming the party at fault when the orders table cannot be read.
 *
 * @example
 * export const handler = getOrderHandler({ orders: createOrders({ tableName: 'orders-dev' }) });
 */
export function getOrderHandler(options: OrdersHandlerOptions = {}): APIGatewayProxyHandler {
  return jsonHandler(
    'GET /orders/{id}',
    async (event) => {
      const id = event.pathParameters?.id;
      const order = isOrderId(id)
        ? await (options.orders ?? ordersOfThisContainer())
            .getOrder(id)
            .catch(awsErrorToHttp('read the order'))
        : undefined;
      if (!order) throw new NotFoundError('Order not found', { id });
      return { statusCode: 200, body: order };
    },
    { logger: options.logger },
  );
}

export const handler = getOrderHandler();
