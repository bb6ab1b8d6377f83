import { invoke, proxyEvent, recordingLogger } from '@internal-apis/lambda-http/testing';
import { ada, fakeUsersClient } from '@internal-apis/users/client-testing';
import { getOrderHandler } from '../../src/handlers/get-order';
import { createOrders } from '../../src/orders';
import { FakeDocumentClient } from './fakes';

const order = {
  id: '0b7f9a52-3c1d-4e8f-9a6b-5d2c1e0f4a37',
  userId: ada.id,
  customerEmail: ada.email,
  items: [{ sku: 'BOOK-1', quantity: 2 }],
  createdAt: '2025-06-01T12:00:00.000Z',
};

function setup() {
  const db = new FakeDocumentClient();
  db.items.set(order.id, order);
  const orders = createOrders({
    tableName: 'orders-test',
    documentClient: db,
    users: fakeUsersClient([ada]),
  });
  const handler = getOrderHandler({ orders, logger: recordingLogger() });
  const get = (id: string) =>
    invoke(handler, proxyEvent({ path: `/orders/${id}`, resource: '/orders/{id}', pathParameters: { id } }));
  return { db, get };
}

describe('GET /orders/{id}', () => {
  it('answers 200 with the stored order', async () => {
    const response = await setup().get(order.id);
    expect(response).toMatchObject({ statusCode: 200, body: order });
  });

  it('answers 404 for an order that does not exist', async () => {
    const response = await setup().get('9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b');
    expect(response).toMatchObject({ statusCode: 404, body: { message: 'Order not found' } });
  });

  it('answers 404 for a malformed id without reading the table', async () => {
    const { db, get } = setup();
    const response = await get('x'.repeat(3000));
    expect(response.statusCode).toBe(404);
    expect(db.commands).toEqual([]);
  });
});
