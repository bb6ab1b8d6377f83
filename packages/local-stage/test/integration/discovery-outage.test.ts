import { randomUUID } from 'node:crypto';
import { DeleteParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { LocalStage } from '@internal-apis/local-stage';
import type { AxiosInstance } from 'axios';
import { developerClient, startPrivateStage, stopPrivateStage } from './private-stage';

// What a deployed caller answers when the users URL is missing from SSM. A caller keeps the URL it
// found for its container's lifetime (TTL 5 min), so the shared stage cannot show this: its callers
// may be warm already, and removing the parameter there would break other test files' cold callers.
// This file starts a private stage from the same packages, whose callers are guaranteed cold.

let stage: LocalStage;
let ssm: SSMClient;
let urlParameter: string;
let publishedUrl: string;
let userId: string;

const clientFor = (service: string): AxiosInstance => developerClient(stage, service);

beforeAll(async () => {
  stage = await startPrivateStage('discovery-outage-');
  const { region, stage: stageName, endpoint } = stage.description;
  ssm = new SSMClient({ region, endpoint, credentials: async () => stage.developerCredentials });
  urlParameter = `/${stageName}/users/url`;
  publishedUrl = stage.description.services.users?.url ?? '';
  const created = await clientFor('users').post('/users', {
    email: `outage-${randomUUID()}@example.com`,
    name: 'Ada',
  });
  expect(created.status).toBe(201);
  userId = created.data.id;
  await ssm.send(new DeleteParameterCommand({ Name: urlParameter }));
}, 30_000);

afterAll(() => stopPrivateStage(stage));

const discoveryFailure = {
  message: 'The users service could not be located',
  upstream: { callee: 'users', fault: 'discovery', kind: 'discovery' },
};

test('POST /orders answers 503: the users service could not be located', async () => {
  const response = await clientFor('orders').post('/orders', {
    userId,
    items: [{ sku: 'BOOK-1', quantity: 1 }],
  });

  expect(response.status).toBe(503);
  expect(response.data).toEqual(discoveryFailure);
});

test('POST /notifications/welcome answers 503 the same way', async () => {
  const response = await clientFor('notifications').post('/notifications/welcome', { userId });

  expect(response.status).toBe(503);
  expect(response.data).toEqual(discoveryFailure);
});

test('once the parameter is back, the same callers find users within a refresh interval', async () => {
  await ssm.send(
    new PutParameterCommand({ Name: urlParameter, Value: publishedUrl, Type: 'String', Overwrite: true }),
  );
  // A failed lookup is given to a container's callers for one refresh interval (1 s after the first
  // failure), so SSM is not asked once per request; after it, the next request looks again.
  await new Promise((resolve) => setTimeout(resolve, 1_000));

  const order = await clientFor('orders').post('/orders', {
    userId,
    items: [{ sku: 'BOOK-1', quantity: 1 }],
  });
  const welcome = await clientFor('notifications').post('/notifications/welcome', { userId });

  expect([order.status, welcome.status]).toEqual([201, 201]);
});
