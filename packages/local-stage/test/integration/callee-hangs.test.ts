import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { LocalStage } from '@internal-apis/local-stage';
import { createSignedClient } from '@internal-apis/signed-client';
import type { AxiosInstance } from 'axios';

// What a deployed caller answers when the users API accepts the connection and then never answers.
// Each caller function has 10 s (serverless-common.yml). Its GET to users is retried, so without a
// time budget it would take 3 attempts × 5 s, be stopped by Lambda at 10 s, and reach the client as
// API Gateway's bare 502 "Internal server error". With the budget (the invocation's remaining time,
// less 1 s to answer) it ends after about 9 s as the typed 504. A private stage, so the users URL can
// point at the silent server without disturbing the shared stage's warm callers.

const REPO_ROOT = resolve(__dirname, '../../../..');

let stage: LocalStage;
let stateDir: string;
let silentServer: Server;
const openSockets = new Set<Socket>();

function clientFor(service: string): AxiosInstance {
  const url = stage.description.services[service]?.url;
  if (!url) throw new Error(`The private stage has no service ${service}`);
  return createSignedClient({
    baseURL: url,
    region: stage.description.region,
    credentials: async () => stage.developerCredentials,
    retry: { retries: 0 },
    timeoutMs: 30_000,
    axiosConfig: { validateStatus: () => true },
  });
}

/** A server that accepts every connection and never writes a byte: a callee that hangs. */
async function listenSilently(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    openSockets.add(socket);
    socket.on('close', () => openSockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port };
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
  const silent = await listenSilently();
  silentServer = silent.server;
  const { region, stage: stageName, endpoint } = stage.description;
  const ssm = new SSMClient({ region, endpoint, credentials: async () => stage.developerCredentials });
  await ssm.send(
    new PutParameterCommand({
      Name: `/${stageName}/users/url`,
      Value: `http://127.0.0.1:${silent.port}/silent/${stageName}`,
      Type: 'String',
      Overwrite: true,
    }),
  );
}, 30_000);

afterAll(async () => {
  for (const socket of openSockets) socket.destroy();
  await new Promise((done) => silentServer?.close(done));
  await stage?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const usersTooSlow = {
  message: 'The users service did not answer in time',
  upstream: { callee: 'users', fault: 'callee', kind: 'timeout' },
};

test('POST /orders and POST /notifications/welcome answer the typed 504 before their functions time out', async () => {
  const userId = '6f1c2b1e-9d7a-4c3e-8a51-2f0b7c9d4e10';

  const [order, welcome] = await Promise.all([
    clientFor('orders').post('/orders', { userId, items: [{ sku: 'BOOK-1', quantity: 1 }] }),
    clientFor('notifications').post('/notifications/welcome', { userId }),
  ]);

  // A function stopped by its timeout would reach the client as 502 {"message":"Internal server error"}.
  expect([order.status, welcome.status]).toEqual([504, 504]);
  expect(order.data).toEqual(usersTooSlow);
  expect(welcome.data).toEqual(usersTooSlow);
}, 20_000);
