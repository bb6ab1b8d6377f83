import {
  hostileText,
  jsonBodies,
  percentEncodeAnything,
  propertyParameters,
  unicodeText,
} from '@internal-apis/lambda-http/property-testing';
import { createTestUser, explainedAnswer, URL_TOO_LONG } from '@internal-apis/users/stage-testing';
import fc from 'fast-check';

// Every endpoint of the orders API, sent random valid and invalid bodies and path ids (any Unicode,
// lone surrogates included, huge and deeply nested values), signed, through API Gateway, the orders
// function, its signed call to users and DynamoDB: no answer is a 5xx, every 400 names its fields.
// A lone surrogate in userId once made POST /orders answer 500 from inside the users client.
// PROPERTY_RUNS=500 (and PROPERTY_SEED to replay a failure) for a long run.

const RUNS = propertyParameters({ numRuns: 20 });

const answer = (method: string, path: string, body?: string) => explainedAnswer('orders', method, path, body);

let userId: string;

beforeAll(async () => {
  userId = (await createTestUser('buyer')).id;
});

test('POST /orders answers 201, 400 naming fields, 413 or 422', async () => {
  const fields = {
    userId: fc.oneof(fc.constant(userId), fc.uuid(), hostileText()),
    items: fc.oneof(
      fc.array(
        fc.record({
          sku: fc.oneof(fc.string({ minLength: 1, maxLength: 64 }), hostileText()),
          quantity: fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.double()),
        }),
        { minLength: 1, maxLength: 5 },
      ),
      fc.array(fc.anything(), { maxLength: 60 }),
    ),
  };
  await fc.assert(
    fc.asyncProperty(jsonBodies(fields), async (body) => {
      const { status, body: answered } = await answer('POST', '/orders', body);
      expect([201, 400, 413, 422]).toContain(status);
      if (status === 201) expect(answered).toMatchObject({ userId, id: expect.any(String) });
    }),
    RUNS,
  );
});

test('POST /orders with any Unicode in the fields its schema reads answers 201, 400 naming them, or 422', async () => {
  const order = fc.record({
    userId: fc.oneof(fc.constant(userId), unicodeText()),
    items: fc.array(
      fc.record({
        sku: fc.oneof(fc.constant('BOOK-1'), unicodeText()),
        quantity: fc.integer({ min: 1, max: 1000 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  });
  await fc.assert(
    fc.asyncProperty(order, async (body) => {
      const { status } = await answer('POST', '/orders', JSON.stringify(body));
      expect([201, 400, 422]).toContain(status);
    }),
    RUNS,
  );
});

test('POST /orders for a userId with a lone surrogate answers 400 naming userId', async () => {
  const { status, body } = await answer(
    'POST',
    '/orders',
    JSON.stringify({ userId: 'ada\ud800', items: [{ sku: 'BOOK-1', quantity: 1 }] }),
  );
  expect(status).toBe(400);
  expect(body.fields).toEqual([{ path: 'userId', message: expect.stringContaining('unpaired surrogate') }]);
});

test('GET /orders/{id} answers 200 or 404 for any id (403 from API Gateway for a path no route serves)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.uuid(), hostileText()), async (id) => {
      const { status } = await answer('GET', `/orders/${percentEncodeAnything(id)}`);
      expect([200, 403, 404, ...URL_TOO_LONG]).toContain(status);
    }),
    RUNS,
  );
});
