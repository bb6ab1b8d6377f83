import { createOrderHandler } from '../../src/handlers/create-order';
import { createOrders } from '../../src/orders';
import { ada, FakeDocumentClient, fakeUsers, unavailable, unknownUser } from './fakes';
import { invoke, jsonPost, quietLogger } from './http';

const orderId = '0b7f9a52-3c1d-4e8f-9a6b-5d2c1e0f4a37';
const validOrder = { userId: ada.id, items: [{ sku: 'BOOK-1', quantity: 2 }] };

function setup(users = fakeUsers([ada])) {
  const db = new FakeDocumentClient();
  const orders = createOrders({
    tableName: 'orders-test',
    documentClient: db,
    users,
    now: () => new Date('2025-06-01T12:00:00.000Z'),
    newId: () => orderId,
  });
  const handler = createOrderHandler({ orders, logger: quietLogger() });
  return {
    db,
    users,
    post: (body: unknown, headers?: Record<string, string>) =>
      invoke(handler, jsonPost('/orders', body, headers)),
  };
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
      headers: { Location: `/orders/${orderId}` },
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
  ])('answers 400 naming the field for %s, without calling users', async (_case, body, field) => {
    const { users, db, post } = setup();
    const response = await post(body);
    expect(response.statusCode).toBe(400);
    expect(response.body.fields).toEqual(expect.arrayContaining([expect.objectContaining({ path: field })]));
    expect(users.calls).toEqual([]);
    expect(db.commands).toEqual([]);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const response = await setup().post('{"userId":');
    expect(response).toMatchObject({ statusCode: 400, body: { message: 'Request body is not valid JSON' } });
  });

  it('answers 413 for a body over 64 KiB', async () => {
    const response = await setup().post({ ...validOrder, padding: 'x'.repeat(70_000) });
    expect(response.statusCode).toBe(413);
  });

  it('answers 415 for a body that is not declared as JSON', async () => {
    const response = await setup().post(validOrder, { 'Content-Type': 'text/plain' });
    expect(response.statusCode).toBe(415);
  });

  it('answers 422 naming the user when the user does not exist, and stores nothing', async () => {
    const { db, post } = setup(fakeUsers([], unknownUser(ada.id)));
    const response = await post(validOrder);
    expect(response.statusCode).toBe(422);
    expect(response.body.message).toContain(ada.id);
    expect(db.commands).toEqual([]);
  });

  it.each([
    ['denied', 403, 'AccessDeniedException', 502],
    ['failed', 500, 'InternalServerErrorException', 502],
    ['unreachable', undefined, undefined, 503],
    ['discovery', undefined, undefined, 503],
    ['timeout', undefined, undefined, 504],
  ] as const)(
    'answers a users failure of kind %s with %s and the upstream details',
    async (kind, status, errorType, expected) => {
      const { db, post } = setup(
        fakeUsers([], unavailable(kind, { status, errorType, requestId: 'users-req-1' })),
      );
      const response = await post(validOrder);
      expect(response.statusCode).toBe(expected);
      expect(response.body.upstream).toMatchObject({ callee: 'users', kind, requestId: 'users-req-1' });
      if (status) expect(response.body.upstream).toMatchObject({ status, errorType });
      expect(db.commands).toEqual([]);
    },
  );

  it('answers 500 without internals when the orders table fails (not blamed on users)', async () => {
    const { db, post } = setup();
    db.failure = Object.assign(new Error('Requested resource not found'), {
      name: 'ResourceNotFoundException',
    });
    const response = await post(validOrder);
    expect(response).toMatchObject({ statusCode: 500, body: { message: 'Internal server error' } });
    expect(JSON.stringify(response.body)).not.toContain('Requested resource');
  });
});
