import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { LocalStage } from '@internal-apis/local-stage';
import { createSignedClient } from '@internal-apis/signed-client';
import type { AxiosInstance } from 'axios';
import type { InterruptedRequest, Interruption } from '../fixtures/interrupted-users/src/handler';

// A user and its email claim are written in one transaction, so no interruption strands either.
// Proven on a local stage of its own (whatever stage the rest of the suite targets): the users
// domain and store run in a fixture function whose injected document client stops it at a chosen
// DynamoDB call (its worker exits, or it hangs until its timeout), and the stage itself is stopped
// in the middle of a burst and started again from its --persist folder. Afterwards both tables
// agree, and every email involved is either held by its user or free to register at once.

const REPO_ROOT = resolve(__dirname, '../../../..');
const FIXTURE = resolve(__dirname, '../fixtures/interrupted-users');

let dir: string;
let stage: LocalStage;
/** What the stage's functions logged: the fixture says where it stopped. */
const logged: string[] = [];

async function startStage(): Promise<LocalStage> {
  return LocalStage.start({
    repoRoot: REPO_ROOT,
    extraServiceDirs: [FIXTURE],
    port: 0,
    persist: join(dir, 'data'),
    stateDir: join(dir, 'state'),
    log: (line) => logged.push(line),
  });
}

const listeningServers = () =>
  process.getActiveResourcesInfo().filter((kind) => kind === 'TCPServerWrap').length;
let serversOpened: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'users-interruptions-'));
  const before = listeningServers();
  stage = await startStage();
  serversOpened = listeningServers() - before;
}, 120_000);

afterAll(async () => {
  await stage?.stop();
  await rm(dir, { recursive: true, force: true });
});

function client(service: string, on = stage): AxiosInstance {
  return createSignedClient({
    baseURL: on.description.services[service]?.url,
    region: on.description.region,
    credentials: async () => on.developerCredentials,
    retry: { retries: 0 },
    timeoutMs: 10_000,
    callee: service,
    axiosConfig: { validateStatus: () => true },
  });
}

const email = (label: string) => `${label}-${randomUUID()}@example.com`;

async function createUser(users: AxiosInstance, address: string): Promise<{ id: string; email: string }> {
  const created = await users.post('/users', { email: address, name: 'Ada' });
  expect(created.status).toBe(201);
  return created.data;
}

/** Every row of both tables, read through the front door as the developer. */
async function tables(on = stage) {
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: on.description.region,
      endpoint: on.endpoint,
      credentials: on.developerCredentials,
    }),
  );
  const scan = async (TableName: string) => {
    const items: Array<Record<string, string>> = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await db.send(new ScanCommand({ TableName, ExclusiveStartKey, ConsistentRead: true }));
      items.push(...((page.Items ?? []) as Array<Record<string, string>>));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  };
  const [users, claims] = await Promise.all([scan('users-local'), scan('users-emails-local')]);
  db.destroy();
  return { users, claims };
}

/** Both tables agree: every claim names a user at that email, every user holds the claim of its email. */
async function expectTablesAgree(on = stage): Promise<void> {
  const { users, claims } = await tables(on);
  const usersById = new Map(users.map((user) => [user.id, user]));
  const claimsByEmail = new Map(claims.map((claim) => [claim.email, claim]));
  const strandedClaims = claims.filter((claim) => usersById.get(claim.userId ?? '')?.email !== claim.email);
  const usersWithoutClaim = users.filter((user) => claimsByEmail.get(user.email ?? '')?.userId !== user.id);
  expect({ strandedClaims, usersWithoutClaim }).toEqual({ strandedClaims: [], usersWithoutClaim: [] });
}

/** Whether `address` is held by a user (found by email) or free (registered again at once, 201). */
async function heldOrFree(users: AxiosInstance, address: string): Promise<'held' | 'free'> {
  const found = await users.get('/users', { params: { email: address } });
  if (found.status === 200) {
    expect(found.data.email).toBe(address);
    return 'held';
  }
  expect(found.status).toBe(404);
  expect((await users.post('/users', { email: address, name: 'Next owner' })).status).toBe(201);
  return 'free';
}

test('the stage listens on one port, its front door: DynamoDB has none of its own', async () => {
  expect(serversOpened).toBe(1);
  // Unsigned, DynamoDB at the front door is refused before it reaches the tables.
  const unsigned = await fetch(stage.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.Scan' },
    body: JSON.stringify({ TableName: 'users-local' }),
  });
  expect(unsigned.status).toBe(400);
  expect(await unsigned.json()).toMatchObject({
    __type: expect.stringContaining('MissingAuthenticationToken'),
  });
});

describe('a users function interrupted at each DynamoDB call', () => {
  const ways: Array<Pick<Interruption, 'when' | 'how'>> = [
    { when: 'before', how: 'exit' },
    { when: 'after', how: 'exit' },
    { when: 'before', how: 'hang' },
    { when: 'after', how: 'hang' },
  ];

  test('leaves both tables agreeing: the write happened whole or not at all, and the email is usable', async () => {
    const users = client('users');
    const interrupted = client('interrupted-users');
    // Create's one call is its transaction; an email change and a delete read the user first (call 0)
    // and then send their transaction (call 1); the email change reads the user again (call 2).
    const cases = await Promise.all(
      ways
        .flatMap((way) => [
          { operation: 'create' as const, call: 0, ...way, user: undefined },
          { operation: 'change-email' as const, call: 1, ...way, user: createUser(users, email('moving')) },
          { operation: 'change-email' as const, call: 2, ...way, user: createUser(users, email('moving')) },
          { operation: 'delete' as const, call: 1, ...way, user: createUser(users, email('leaving')) },
        ])
        .map(async ({ user, ...rest }) => ({ ...rest, user: await user, target: email(rest.operation) })),
    );

    const answers = await Promise.all(
      cases.map(({ operation, call, when, how, user, target }) => {
        const request: InterruptedRequest = {
          label: target,
          operation,
          email: operation === 'delete' ? (user?.email ?? '') : target,
          userId: user?.id,
          interruption: { call, when, how },
        };
        return interrupted.post('/interrupt', request);
      }),
    );

    // Lambda reports the crash or the timeout; API Gateway answers 502.
    expect(answers.map(({ status }) => status)).toEqual(cases.map(() => 502));
    await expectTablesAgree();
    // A function that timed out before reaching its stop (a very loaded machine) may have stopped
    // anywhere: for it, only the tables' agreement and the emails' usability are asserted.
    const stopped = (target: string) => logged.some((line) => line.endsWith(`stopping: ${target}`));
    expect(cases.filter(({ target }) => stopped(target)).length).toBeGreaterThan(0);
    for (const { operation, call, when, user, target } of cases) {
      if (!stopped(target)) {
        for (const address of [target, user?.email ?? target]) await heldOrFree(users, address);
        continue;
      }
      const wrote = when === 'after' || call === 2;
      const label = `${operation} stopped ${when} call ${call}`;
      if (operation === 'create') {
        expect([label, await heldOrFree(users, target)]).toEqual([label, wrote ? 'held' : 'free']);
      } else if (operation === 'change-email' && user) {
        expect([label, await heldOrFree(users, target)]).toEqual([label, wrote ? 'held' : 'free']);
        expect([label, await heldOrFree(users, user.email)]).toEqual([label, wrote ? 'free' : 'held']);
      } else if (user) {
        expect([label, await heldOrFree(users, user.email)]).toEqual([label, wrote ? 'free' : 'held']);
      }
    }
    await expectTablesAgree();
  }, 60_000);
});

describe('the stage stopped in the middle of a burst, then started again from --persist', () => {
  test('leaves both tables agreeing and every email held by its user or free', async () => {
    const users = client('users');
    const existing = await Promise.all(Array.from({ length: 6 }, () => createUser(users, email('existing'))));
    const contested = Array.from({ length: 6 }, () => email('contested'));
    const burst = [
      ...contested.flatMap((address) =>
        [1, 2, 3].map(() => users.post('/users', { email: address, name: 'Burst' })),
      ),
      ...existing.slice(0, 3).map((user, n) => users.patch(`/users/${user.id}`, { email: contested[n] })),
      ...existing.slice(3).map((user) => users.delete(`/users/${user.id}`)),
    ].map((call) => call.catch(() => undefined));

    // Stop as soon as the first call is answered, while the others are in flight: some have
    // committed, some are mid-transaction, some have not reached DynamoDB.
    await Promise.race(burst);
    await stage.stop();
    const answered = (await Promise.all(burst)).filter((answer) => answer !== undefined).length;
    expect(answered).toBeLessThan(burst.length);
    stage = await startStage();

    await expectTablesAgree();
    const after = client('users');
    for (const address of [...contested, ...existing.map((user) => user.email)])
      await heldOrFree(after, address);
    await expectTablesAgree();
  }, 120_000);
});
