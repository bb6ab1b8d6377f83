import {
  expectExplainedAnswer,
  hostileText,
  jsonBodies,
  propertyParameters,
} from '@internal-apis/lambda-http/property-testing';
import { invoke, jsonPost, proxyEvent, recordingLogger } from '@internal-apis/lambda-http/testing';
import { ada, fakeUsersClient } from '@internal-apis/users/client-testing';
import fc from 'fast-check';
import { createOrderHandler } from '../../src/handlers/create-order';
import { getOrderHandler } from '../../src/handlers/get-order';
import { createOrders } from '../../src/orders';
import { FakeDocumentClient } from './fakes';

// In process, every kind of body and id the orders routes may be sent: no answer is a 5xx, every
// 400 names its fields, and only an order the route answered 201 for is stored. The same properties
// run over signed HTTP against the local stage in test/integration/endpoint-properties.test.ts.

function routes() {
  const db = new FakeDocumentClient();
  const orders = createOrders({
    tableName: 'orders-test',
    documentClient: db,
    users: fakeUsersClient([ada]),
  });
  const logger = recordingLogger();
  return {
    db,
    create: createOrderHandler({ orders, logger }),
    get: getOrderHandler({ orders, logger }),
  };
}

const validFields = {
  userId: fc.oneof(fc.constant(ada.id), fc.uuid(), hostileText()),
  items: fc.array(
    fc.record({
      sku: fc.string({ minLength: 1, maxLength: 64 }),
      quantity: fc.integer({ min: 1, max: 1000 }),
    }),
    { minLength: 1, maxLength: 5 },
  ),
};

test('POST /orders answers any body with 201, 400 naming fields, 413 or 422, and stores only what it accepted', async () => {
  await fc.assert(
    fc.asyncProperty(jsonBodies(validFields), async (body) => {
      const { db, create } = routes();
      const response = await invoke(create, jsonPost('/orders', body));
      expectExplainedAnswer(response.statusCode, response.body, 'POST /orders');
      expect([201, 400, 413, 422]).toContain(response.statusCode);
      expect([...db.items.values()]).toEqual(response.statusCode === 201 ? [response.body] : []);
    }),
    propertyParameters({ numRuns: 150 }),
  );
});

test('GET /orders/{id} answers any id with 200 or 404', async () => {
  const { db, get } = routes();
  db.items.set('0b7f9a52-3c1d-4e8f-9a6b-5d2c1e0f4a37', { id: '0b7f9a52-3c1d-4e8f-9a6b-5d2c1e0f4a37' });
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.uuid(), hostileText()), async (id) => {
      const event = proxyEvent({ path: `/orders/${id}`, resource: '/orders/{id}', pathParameters: { id } });
      const response = await invoke(get, event);
      expectExplainedAnswer(response.statusCode, response.body, 'GET /orders/{id}');
      expect([200, 404]).toContain(response.statusCode);
    }),
    propertyParameters({ numRuns: 100 }),
  );
});
