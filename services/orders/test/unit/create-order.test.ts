import {
  itRefusesMalformedJsonBodies,
  jsonPostRoute,
  recordingLogger,
} from '@internal-apis/lambda-http/testing';
import {
  ada,
  fakeUsersClient,
  itAnswersEveryUsersFailure,
  itBlamesItselfForItsOwnTable,
  itNamesItsMissingTableVariable,
} from '@internal-apis/users/client-testing';
import { createOrderHandler } from '../../src/handlers/create-order';
import { createOrders } from '../../src/orders';
import { FakeDocumentClient } from './fakes';

const orderId = '0b7f9a52-3c1d-4e8f-9a6b-5d2c1e0f4a37';
const validOrder = { userId: ada.id, items: [{ sku: 'BOOK-1', quantity: 2 }] };

function setup(users = fakeUsersClient([ada])) {
  const db = new FakeDocumentClient();
  const orders = createOrders({
    tableName: 'orders-test',
    documentClient: db,
    users,
    now: () => new Date('2025-06-01T12:00:00.000Z'),
    newId: () => orderId,
  });
  const handler = createOrderHandler({ orders, logger: recordingLogger() });
  return { db, users, ...jsonPostRoute(handler, '/orders', db.commands) };
}

describe('POST /orders', () => {
  it('stores the order with the customer email and answers 201 with its Location', async () => {
    const { db, post } = setup();
    const response = await post(validOrder);
    const order = {
      id: orderId,
      userId: ada.id,
      customerEmail: 'ada@example.com',
      items: [{ sku: 'BOOK-1', quantity: 2 }],
      createdAt: '2025-06-01T12:00:00.000Z',
    };
    expect(response).toMatchObject({
      statusCode: 201,
      headers: { Location: `orders/${orderId}` },
      body: order,
    });
    expect(db.items.get(orderId)).toEqual(order);
  });

  it.each([
    ['a missing userId', { items: validOrder.items }, 'userId'],
    ['no items', { userId: ada.id, items: [] }, 'items'],
    ['51 items', { userId: ada.id, items: Array(51).fill({ sku: 'A', quantity: 1 }) }, 'items'],
    ['a quantity of 0', { userId: ada.id, items: [{ sku: 'A', quantity: 0 }] }, 'items.0.quantity'],
    ['a quantity of 1001', { userId: ada.id, items: [{ sku: 'A', quantity: 1001 }] }, 'items.0.quantity'],
    ['a fractional quantity', { userId: ada.id, items: [{ sku: 'A', quantity: 1.5 }] }, 'items.0.quantity'],
    ['an empty sku', { userId: ada.id, items: [{ sku: '', quantity: 1 }] }, 'items.0.sku'],
    ['a 65-character sku', { userId: ada.id, items: [{ sku: 'x'.repeat(65), quantity: 1 }] }, 'items.0.sku'],
    ['an unknown field', { ...validOrder, coupon: 'FREE' }, 'coupon'],
    ['a userId with a lone surrogate', { ...validOrder, userId: 'ada\ud800' }, 'userId'],
    [
      'a sku with a lone surrogate',
      { userId: ada.id, items: [{ sku: '\udc00', quantity: 1 }] },
      'items.0.sku',
    ],
  ])('answers 400 naming the field for %s, without calling users', async (_case, body, field) => {
    const { users, db, post } = setup();
    const response = await post(body);
    expect(response.statusCode).toBe(400);
    expect(response.body.fields).toEqual(expect.arrayContaining([expect.objectContaining({ path: field })]));
    expect(users.calls).toEqual([]);
    expect(db.commands).toEqual([]);
  });

  itRefusesMalformedJsonBodies(validOrder, setup);

  itAnswersEveryUsersFailure(validOrder, setup);

  itBlamesItselfForItsOwnTable(validOrder, 'store the order', setup);

  itNamesItsMissingTableVariable('ORDERS_TABLE', validOrder, () =>
    jsonPostRoute(createOrderHandler({ logger: recordingLogger() }), '/orders', []),
  );
});
