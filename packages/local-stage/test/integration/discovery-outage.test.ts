import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DeleteParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { LocalStage } from '@internal-apis/local-stage';
import { createSignedClient } from '@internal-apis/signed-client';
import type { AxiosInstance } from 'axios';

// What a deployed caller answers when the users URL is missing from SSM. A caller keeps the URL it
// found for its container's lifetime (TTL 5 min), so the shared stage cannot show this: its callers
// may be warm already, and removing the parameter there would break other test files' cold callers.
// This file starts a private stage from the same packages, whose callers are guaranteed cold.

const REPO_ROOT = resolve(__dirname, '../../../..');

let stage: LocalStage;
let stateDir: string;
let ssm: SSMClient;
let urlParameter: string;
let publishedUrl: string;
let userId: string;

function clientFor(service: string): AxiosInstance {
  const url = stage.description.services[service]?.url;
  if (!url) throw new Error(`The private stage has no service ${service}`);
  const credentials = async () => stage.developerCredentials;
  return createSignedClient({
    baseURL: url,
    region: stage.description.region,
    credentials,
    retry: { retries: 0 },
    axiosConfig: { validateStatus: () => true },
  });
}

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'private-stage-'));
  // The global setup built every service already; this stage reuses those templates and bundles.
  stage = await LocalStage.start({
    repoRoot: REPO_ROOT,
    port: 0,
    stateDir,
    log: () => {},
  });
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

afterAll(async () => {
  await stage?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

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
