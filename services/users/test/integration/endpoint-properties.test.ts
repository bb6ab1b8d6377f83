import { randomUUID } from 'node:crypto';
import {
  hostileText,
  jsonBodies,
  percentEncodeAnything,
  propertyParameters,
  unicodeText,
} from '@internal-apis/lambda-http/property-testing';
import type { User } from '@internal-apis/users/client';
import { createTestUser, explainedAnswer, URL_TOO_LONG } from '@internal-apis/users/stage-testing';
import fc from 'fast-check';

// Every endpoint of the users API, sent random valid and invalid bodies, path ids and query strings
// (any Unicode, lone surrogates as the bytes a naive encoder writes, huge and deeply nested values),
// signed, through API Gateway, the handler and DynamoDB: no answer is a 5xx, every 400 names its
// fields, and the API still serves afterwards. A small seeded budget here; PROPERTY_RUNS=500 (and
// PROPERTY_SEED to replay a failure) for a long run.

const RUNS = propertyParameters({ numRuns: 20 });

const answer = (method: string, path: string, body?: string) => explainedAnswer('users', method, path, body);

const userFields = {
  email: fc.oneof(
    fc.uuid().map((unique) => `property-${unique}@example.com`),
    fc.emailAddress(),
    hostileText(),
  ),
  name: fc.oneof(fc.string({ minLength: 1, maxLength: 200 }), hostileText()),
};
const ids = (known: string) => fc.oneof(fc.constant(known), fc.uuid(), hostileText());

let known: User;

beforeAll(async () => {
  known = await createTestUser('property');
});

test('POST /users answers 201, 400 naming fields, 409 or 413', async () => {
  await fc.assert(
    fc.asyncProperty(jsonBodies(userFields), async (body) => {
      const { status } = await answer('POST', '/users', body);
      expect([201, 400, 409, 413]).toContain(status);
    }),
    RUNS,
  );
});

test('POST /users with any Unicode in email and name answers 201, 400 naming them, or 409', async () => {
  const user = fc.record({
    email: fc.oneof(
      fc.uuid().map((unique) => `property-${unique}@example.com`),
      unicodeText().map((local) => `${local}@example.com`),
    ),
    name: fc.oneof(fc.constant('Ada'), unicodeText()),
  });
  await fc.assert(
    fc.asyncProperty(user, async (body) => {
      const { status } = await answer('POST', '/users', JSON.stringify(body));
      expect([201, 400, 409]).toContain(status);
    }),
    RUNS,
  );
});

test('POST /users with a lone surrogate in the name answers 400 naming name', async () => {
  const body = JSON.stringify({ email: `property-${randomUUID()}@example.com`, name: 'Ada \udc00' });
  const { status, body: answered } = await answer('POST', '/users', body);
  expect(status).toBe(400);
  expect(answered.fields).toEqual([{ path: 'name', message: expect.stringContaining('unpaired surrogate') }]);
});

test('GET /users/{id} answers 200 or 404 for any id, or API Gateway refuses the path', async () => {
  await fc.assert(
    fc.asyncProperty(ids(known.id), async (id) => {
      const { status } = await answer('GET', `/users/${percentEncodeAnything(id)}`);
      // 400 naming `email`: `/users/` (an empty id) is served as `GET /users` on the local stage.
      expect([200, 400, 403, 404, ...URL_TOO_LONG]).toContain(status);
    }),
    RUNS,
  );
});

test('GET /users?email= answers 200, 400 naming the query field, or 404 for any query string', async () => {
  const queries = fc.oneof(
    fc
      .oneof(fc.constant(known.email), fc.emailAddress(), hostileText())
      .map((email) => `email=${percentEncodeAnything(email)}`),
    fc
      .tuple(hostileText(), hostileText())
      .map(([name, value]) => `${percentEncodeAnything(name)}=${percentEncodeAnything(value)}`),
    fc.constantFrom('', 'email', 'email=', 'email=a&email=b', '%', '=x', 'email=%E0%A4%A', '&&&'),
  );
  await fc.assert(
    fc.asyncProperty(queries, async (query) => {
      const { status } = await answer('GET', `/users?${query}`);
      // 403: a query that signer and verifier canonicalize differently (bytes that are not UTF-8, a
      // parameter without a name) has its signature refused by API Gateway before any function runs.
      expect([200, 400, 403, 404, ...URL_TOO_LONG]).toContain(status);
    }),
    RUNS,
  );
});

test('PATCH /users/{id} answers 200, 400 naming fields, 404, 409 or 413', async () => {
  await fc.assert(
    fc.asyncProperty(ids(known.id), jsonBodies(userFields), async (id, body) => {
      const { status } = await answer('PATCH', `/users/${percentEncodeAnything(id)}`, body);
      expect([200, 400, 403, 404, 409, 413, ...URL_TOO_LONG]).toContain(status);
    }),
    RUNS,
  );
});

test('DELETE /users/{id} answers 204 or 404 for any id', async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.uuid(), hostileText()), async (id) => {
      const { status } = await answer('DELETE', `/users/${percentEncodeAnything(id)}`);
      expect([204, 403, 404, ...URL_TOO_LONG]).toContain(status);
    }),
    RUNS,
  );
});

test('the users API still serves after all of it', async () => {
  const { status, body } = await answer('GET', `/users/${known.id}`);
  expect(status).toBe(200);
  expect(body).toMatchObject({ id: known.id });
});
