import { createServer, type Server, type Socket } from 'node:net';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { LocalStage } from '@internal-apis/local-stage';
import type { AxiosInstance } from 'axios';
import { developerClient, startPrivateStage, stopPrivateStage } from './private-stage';

// What a deployed caller answers when the users API accepts the connection and then never answers.
// Each caller function has 10 s (serverless-common.yml). Its GET to users is retried, so without a
// time budget it would take 3 attempts × 5 s, be stopped by Lambda at 10 s, and reach the client as
// API Gateway's bare 502 "Internal server error". With the budget (the invocation's remaining time,
// less 1 s to answer) it ends after about 9 s as the typed 504. A private stage, so the users URL can
// point at the silent server without disturbing the shared stage's warm callers.

let stage: LocalStage;
let silentServer: Server;
const openSockets = new Set<Socket>();

const clientFor = (service: string): AxiosInstance => developerClient(stage, service, { timeoutMs: 30_000 });

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
  stage = await startPrivateStage('callee-hangs-');
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
  await stopPrivateStage(stage);
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
