import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ada, fakeUsersClient } from '@internal-apis/users/client-testing';
import { ordersOfThisContainer } from '../../src/container';
import { createOrders } from '../../src/orders';
import { FakeDocumentClient } from './fakes';

describe('createOrders', () => {
  it('fails at construction when the table name is missing', () => {
    expect(() => createOrders({ tableName: undefined, documentClient: new FakeDocumentClient() })).toThrow(
      /ORDERS_TABLE/,
    );
  });

  it('writes each order once, to its table, never overwriting an existing id', async () => {
    const db = new FakeDocumentClient();
    const orders = createOrders({
      tableName: 'orders-test',
      documentClient: db,
      users: fakeUsersClient([ada]),
    });
    await orders.placeOrder({ userId: ada.id, items: [{ sku: 'A', quantity: 1 }] });
    const [put] = db.commands;
    expect(put).toBeInstanceOf(PutCommand);
    expect(put?.input).toMatchObject({
      TableName: 'orders-test',
      ConditionExpression: 'attribute_not_exists(id)',
    });
  });

  it('gives each order a new UUID', async () => {
    const orders = createOrders({
      tableName: 'orders-test',
      documentClient: new FakeDocumentClient(),
      users: fakeUsersClient([ada]),
    });
    const input = { userId: ada.id, items: [{ sku: 'A', quantity: 1 }] };
    const [first, second] = await Promise.all([orders.placeOrder(input), orders.placeOrder(input)]);
    expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.id).not.toBe(second.id);
  });
});

describe('ordersOfThisContainer', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('creates the Orders once and reuses it while the container is warm', () => {
    process.env.ORDERS_TABLE = 'orders-test';
    process.env.STAGE = 'test';
    expect(ordersOfThisContainer()).toBe(ordersOfThisContainer());
  });
});
