import { randomUUID } from 'node:crypto';
import { serviceUrl, signedClientFor } from '@internal-apis/stage-harness';
import { createTestUser } from '@internal-apis/users/stage-testing';
import type { AxiosInstance } from 'axios';

// Placing an order crosses two services: orders discovers the users URL in SSM and reads the user
// with a request signed by its own role, which IAM allows for GET /users/* only.

let orders: AxiosInstance;
let users: AxiosInstance;

beforeAll(async () => {
  [orders, users] = await Promise.all([signedClientFor('orders'), signedClientFor('users')]);
});

const createUser = () => createTestUser('buyer');

const items = [
  { sku: 'BOOK-1', quantity: 2 },
  { sku: 'PEN-7', quantity: 1 },
];

test('POST /orders for an existing user answers 201 with the customer email read from users', async () => {
  const user = await createUser();

  const response = await orders.post('/orders', { userId: user.id, items });

  expect(response.status).toBe(201);
  expect(response.data).toEqual({
    id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    userId: user.id,
    customerEmail: user.email,
    items,
    createdAt: expect.any(String),
  });
  expect(response.headers.location).toBe(`orders/${response.data.id}`);
  // Resolved against the request URL, it names the new order.
  const location = new URL(response.headers.location, `${await serviceUrl('orders')}/orders`);
  expect((await orders.get(location.href)).data).toEqual(response.data);
});

test('GET /orders/{id} answers the stored order', async () => {
  const user = await createUser();
  const placed = (await orders.post('/orders', { userId: user.id, items })).data;

  const response = await orders.get(`/orders/${placed.id}`);

  expect(response.status).toBe(200);
  expect(response.data).toEqual(placed);
});

test('an order keeps the email it was placed with when the user later changes theirs', async () => {
  const user = await createUser();
  const placed = (await orders.post('/orders', { userId: user.id, items })).data;
  const moved = await users.patch(`/users/${user.id}`, { email: `moved-${randomUUID()}@example.com` });
  expect(moved.status).toBe(200);

  expect((await orders.get(`/orders/${placed.id}`)).data.customerEmail).toBe(user.email);
});

test('POST /orders for a user that does not exist answers 422 naming the user', async () => {
  const userId = randomUUID();

  const response = await orders.post('/orders', { userId, items });

  expect(response.status).toBe(422);
  expect(response.data).toEqual({ message: `User ${userId} does not exist` });
});

// `.` and `..` are path dot segments: sent as `/users/.` they would reach another users route.
test.each(['.', '..'])('POST /orders for user id %j answers 422, like any id no user has', async (userId) => {
  const response = await orders.post('/orders', { userId, items });

  expect(response.status).toBe(422);
  expect(response.data).toEqual({ message: `User ${userId} does not exist` });
});

test('POST /orders for a deleted user answers 422', async () => {
  const user = await createUser();
  expect((await users.delete(`/users/${user.id}`)).status).toBe(204);

  const response = await orders.post('/orders', { userId: user.id, items });

  expect(response.status).toBe(422);
  expect(response.data.message).toBe(`User ${user.id} does not exist`);
});

test.each([
  ['no items', { items: [] }, ['items']],
  ['a quantity of 0', { items: [{ sku: 'BOOK-1', quantity: 0 }] }, ['items.0.quantity']],
  ['an unknown field', { items, coupon: 'FREE' }, ['coupon']],
])('POST /orders with %s answers 400 naming the fields', async (_case, body, fields) => {
  const user = await createUser();

  const response = await orders.post('/orders', { userId: user.id, ...body });

  expect(response.status).toBe(400);
  expect(response.data.fields.map((field: { path: string }) => field.path)).toEqual(fields);
});

test('GET /orders/{id} for an order that does not exist answers 404', async () => {
  const response = await orders.get(`/orders/${randomUUID()}`);

  expect(response.status).toBe(404);
  expect(response.data.message).toBe('Order not found');
});
