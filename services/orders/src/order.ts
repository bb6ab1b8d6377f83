import { isWellFormedText, NOT_WELL_FORMED } from '@internal-apis/lambda-http';
import * as z from 'zod';

/**
 * Text that is stored and sent on: a lone surrogate (valid in JSON, not in UTF-8) is refused with a
 * 400 naming the field, since neither DynamoDB nor a URL to the users API could carry it.
 */
const text = () => z.string().refine(isWellFormedText, { message: NOT_WELL_FORMED });

/** One line of an order: which product and how many. */
export const orderItemSchema = z.strictObject({
  sku: text().min(1).max(64),
  quantity: z.int().min(1).max(1000),
});

/** The body of `POST /orders`. */
export const newOrderSchema = z.strictObject({
  userId: text().min(1).max(128),
  items: z.array(orderItemSchema).min(1).max(50),
});

const orderIdSchema = z.uuid();

/**
 * Whether `value` can be an order id (ids are random UUIDs). A malformed id in a path is answered
 * with 404, like the users API does: no order has it.
 *
 * @example
 * if (!isOrderId(event.pathParameters?.id)) throw new NotFoundError('Order not found');
 */
export function isOrderId(value: unknown): value is string {
  return orderIdSchema.safeParse(value).success;
}

export type OrderItem = z.infer<typeof orderItemSchema>;
export type NewOrder = z.infer<typeof newOrderSchema>;

/** An order as stored and returned: the customer's email is copied in when the order is placed. */
export interface Order extends NewOrder {
  id: string;
  customerEmail: string;
  createdAt: string;
}
