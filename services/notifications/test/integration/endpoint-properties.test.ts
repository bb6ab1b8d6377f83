import {
  hostileText,
  jsonBodies,
  propertyParameters,
  unicodeText,
} from '@internal-apis/lambda-http/property-testing';
import { createTestUser, explainedAnswer } from '@internal-apis/users/stage-testing';
import fc from 'fast-check';

// POST /notifications/welcome, sent random valid and invalid bodies (any Unicode, lone surrogates
// included, huge and deeply nested values), signed, through API Gateway, the notifications function,
// its signed call to users and DynamoDB: no answer is a 5xx, every 400 names its fields. A lone
// surrogate in userId once made it answer 500 from inside the users client.
// PROPERTY_RUNS=500 (and PROPERTY_SEED to replay a failure) for a long run.

const RUNS = propertyParameters({ numRuns: 20 });

let userId: string;

beforeAll(async () => {
  userId = (await createTestUser('welcome')).id;
});

const welcome = (body: string) => explainedAnswer('notifications', 'POST', '/notifications/welcome', body);

test('POST /notifications/welcome answers 201, 400 naming fields, 413 or 422', async () => {
  const fields = { userId: fc.oneof(fc.constant(userId), fc.uuid(), hostileText()) };
  await fc.assert(
    fc.asyncProperty(jsonBodies(fields), async (body) => {
      const { status, body: answered } = await welcome(body);
      expect([201, 400, 413, 422]).toContain(status);
      if (status === 201) expect(answered).toMatchObject({ userId, status: 'pending' });
    }),
    RUNS,
  );
});

test('POST /notifications/welcome with any Unicode in userId answers 201, 400 naming it, or 422', async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.constant(userId), unicodeText()), async (id) => {
      const { status, body } = await welcome(JSON.stringify({ userId: id }));
      expect([201, 400, 422]).toContain(status);
      if (status === 400) expect(body.fields).toEqual([expect.objectContaining({ path: 'userId' })]);
    }),
    RUNS,
  );
});
