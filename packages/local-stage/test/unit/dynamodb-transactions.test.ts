import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DynamoDBClient,
  IdempotentParameterMismatchException,
  TransactGetItemsCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { DynaliteBackend } from '../../src/dynamodb/dynalite-backend';
import { IDEMPOTENCY_WINDOW_MS } from '../../src/dynamodb/idempotency';

// TransactWriteItems and TransactGetItems on the local stage, with DynamoDB's semantics:
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html

const USERS = 'users-local';
const EMAILS = 'users-emails-local';

let db: DynaliteBackend;
let clock: number;

async function createTables(backend: DynaliteBackend): Promise<void> {
  await backend.call('CreateTable', {
    TableName: USERS,
    AttributeDefinitions: [
      { AttributeName: 'id', AttributeType: 'S' },
      { AttributeName: 'email', AttributeType: 'S' },
    ],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    GlobalSecondaryIndexes: [
      {
        IndexName: 'byEmail',
        KeySchema: [{ AttributeName: 'email', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  });
  await backend.call('CreateTable', {
    TableName: EMAILS,
    AttributeDefinitions: [{ AttributeName: 'email', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'email', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
}

beforeEach(async () => {
  clock = Date.parse('2026-01-01T00:00:00Z');
  db = await DynaliteBackend.start({ now: () => clock });
  await createTables(db);
});

afterEach(() => db.stop());

const user = (id: string, email: string, extra: Record<string, unknown> = {}) => ({
  id: { S: id },
  email: { S: email },
  ...extra,
});
const claim = (email: string, id: string) => ({ email: { S: email }, userId: { S: id } });

/** Puts the user and its email claim, each only if absent: what the users service sends. */
const createUser = (id: string, email: string, token?: string) => ({
  ...(token && { ClientRequestToken: token }),
  TransactItems: [
    { Put: { TableName: USERS, Item: user(id, email), ConditionExpression: 'attribute_not_exists(id)' } },
    {
      Put: {
        TableName: EMAILS,
        Item: claim(email, id),
        ConditionExpression: 'attribute_not_exists(email)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
  ],
});

async function item(table: string, key: Record<string, unknown>) {
  return (await db.call('GetItem', { TableName: table, Key: key, ConsistentRead: true })).output.Item;
}

describe('TransactWriteItems', () => {
  it('stores every write when every condition holds', async () => {
    const { statusCode, output } = await db.call('TransactWriteItems', createUser('u1', 'ada@example.com'));

    expect({ statusCode, output }).toEqual({ statusCode: 200, output: {} });
    expect(await item(USERS, { id: { S: 'u1' } })).toEqual(user('u1', 'ada@example.com'));
    expect(await item(EMAILS, { email: { S: 'ada@example.com' } })).toEqual(claim('ada@example.com', 'u1'));
  });

  it('stores none when one condition fails, naming each item outcome in request order', async () => {
    await db.call('TransactWriteItems', createUser('u1', 'ada@example.com'));

    const { statusCode, output } = await db.call('TransactWriteItems', createUser('u2', 'ada@example.com'));

    expect(statusCode).toBe(400);
    expect(output).toEqual({
      __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
      Message:
        'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]',
      CancellationReasons: [
        { Code: 'None' },
        {
          Code: 'ConditionalCheckFailed',
          Message: 'The conditional request failed',
          Item: claim('ada@example.com', 'u1'),
        },
      ],
    });
    expect(await item(USERS, { id: { S: 'u2' } })).toBeUndefined();
  });

  it('returns the old item only with ReturnValuesOnConditionCheckFailure ALL_OLD', async () => {
    await db.call('PutItem', { TableName: USERS, Item: user('u1', 'a@example.com') });

    const { output } = await db.call('TransactWriteItems', {
      TransactItems: [
        {
          ConditionCheck: {
            TableName: USERS,
            Key: { id: { S: 'u1' } },
            ConditionExpression: 'attribute_not_exists(id)',
          },
        },
      ],
    });

    expect(output.CancellationReasons).toEqual([
      { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
    ]);
  });

  it('applies Update, Delete and ConditionCheck together, secondary indexes included', async () => {
    await db.call('TransactWriteItems', createUser('u1', 'old@example.com'));

    const changed = await db.call('TransactWriteItems', {
      TransactItems: [
        {
          Update: {
            TableName: USERS,
            Key: { id: { S: 'u1' } },
            UpdateExpression: 'SET #email = :new',
            ConditionExpression: '#email = :old',
            ExpressionAttributeNames: { '#email': 'email' },
            ExpressionAttributeValues: { ':new': { S: 'new@example.com' }, ':old': { S: 'old@example.com' } },
          },
        },
        {
          Put: {
            TableName: EMAILS,
            Item: claim('new@example.com', 'u1'),
            ConditionExpression: 'attribute_not_exists(email)',
          },
        },
        {
          Delete: {
            TableName: EMAILS,
            Key: { email: { S: 'old@example.com' } },
            ConditionExpression: 'userId = :id',
            ExpressionAttributeValues: { ':id': { S: 'u1' } },
          },
        },
      ],
    });
    const byEmail = (email: string) =>
      db.call('Query', {
        TableName: USERS,
        IndexName: 'byEmail',
        KeyConditionExpression: 'email = :e',
        ExpressionAttributeValues: { ':e': { S: email } },
      });

    expect(changed.statusCode).toBe(200);
    expect(await item(EMAILS, { email: { S: 'old@example.com' } })).toBeUndefined();
    expect((await byEmail('new@example.com')).output.Items).toEqual([user('u1', 'new@example.com')]);
    expect((await byEmail('old@example.com')).output.Items).toEqual([]);
  });

  it('cancels with ValidationError when an item cannot take its update, and writes nothing', async () => {
    await db.call('PutItem', { TableName: USERS, Item: user('u1', 'a@example.com') });

    const { output } = await db.call('TransactWriteItems', {
      TransactItems: [
        { Put: { TableName: EMAILS, Item: claim('b@example.com', 'u1') } },
        {
          Update: {
            TableName: USERS,
            Key: { id: { S: 'u1' } },
            UpdateExpression: 'SET visits = visits + :one',
            ExpressionAttributeValues: { ':one': { N: '1' } },
          },
        },
      ],
    });

    expect(output.CancellationReasons).toEqual([
      { Code: 'None' },
      {
        Code: 'ValidationError',
        Message: 'The provided expression refers to an attribute that does not exist in the item',
      },
    ]);
    expect(await item(EMAILS, { email: { S: 'b@example.com' } })).toBeUndefined();
  });

  it.each([
    [
      'two operations on one item',
      {
        TransactItems: [
          { Put: { TableName: USERS, Item: user('u1', 'a@example.com') } },
          { Delete: { TableName: USERS, Key: { id: { S: 'u1' } } } },
        ],
      },
      'Transaction request cannot include multiple operations on one item',
    ],
    [
      'more than 100 items',
      {
        TransactItems: Array.from({ length: 101 }, (_, n) => ({
          Put: { TableName: USERS, Item: user(`u${n}`, 'a@example.com') },
        })),
      },
      "1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100",
    ],
    [
      'no items',
      { TransactItems: [] },
      "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1",
    ],
    [
      'a member with two operations',
      {
        TransactItems: [
          {
            Put: { TableName: USERS, Item: user('u1', 'a@example.com') },
            Delete: { TableName: USERS, Key: { id: { S: 'u2' } } },
          },
        ],
      },
      'TransactItems can only contain one of Check, Put, Update or Delete',
    ],
    [
      'a ConditionCheck without a condition',
      { TransactItems: [{ ConditionCheck: { TableName: USERS, Key: { id: { S: 'u1' } } } }] },
      "1 validation error detected: Value null at 'transactItems.1.member.conditionCheck.conditionExpression' failed to satisfy constraint: Member must not be null",
    ],
    [
      'a condition that does not parse',
      {
        TransactItems: [
          {
            Put: {
              TableName: USERS,
              Item: user('u1', 'a@example.com'),
              ConditionExpression: 'attribute_nope(id)',
            },
          },
        ],
      },
      'Invalid ConditionExpression: Invalid function name; function: attribute_nope',
    ],
    [
      'a key that does not match the table',
      { TransactItems: [{ Delete: { TableName: USERS, Key: { email: { S: 'a@example.com' } } } }] },
      'The provided key element does not match the schema',
    ],
    [
      'a token over 36 characters',
      { ...createUser('u1', 'a@example.com'), ClientRequestToken: 'x'.repeat(37) },
      "1 validation error detected: Value at 'clientRequestToken' failed to satisfy constraint: Member must have length less than or equal to 36",
    ],
  ])('refuses %s with ValidationException, writing nothing', async (_label, input, message) => {
    const { statusCode, output } = await db.call('TransactWriteItems', input);

    expect(statusCode).toBe(400);
    expect(output).toEqual({ __type: 'com.amazon.coral.validate#ValidationException', message });
    expect((await db.call('Scan', { TableName: USERS })).output.Count).toBe(0);
  });

  it('refuses a table that does not exist with ResourceNotFoundException', async () => {
    const { output } = await db.call('TransactWriteItems', {
      TransactItems: [{ Put: { TableName: 'nope-local', Item: { id: { S: 'x' } } } }],
    });

    expect(output.__type).toBe('com.amazonaws.dynamodb.v20120810#ResourceNotFoundException');
  });

  it('accepts a table ARN as TableName', async () => {
    const arn = `arn:aws:dynamodb:us-east-1:000000000000:table/${USERS}`;

    const { statusCode } = await db.call('TransactWriteItems', {
      TransactItems: [{ Put: { TableName: arn, Item: user('u1', 'a@example.com') } }],
    });

    expect(statusCode).toBe(200);
    expect(await item(USERS, { id: { S: 'u1' } })).toEqual(user('u1', 'a@example.com'));
  });
});

describe('ClientRequestToken', () => {
  const bump = (token: string, by = '1') => ({
    ClientRequestToken: token,
    TransactItems: [
      {
        Update: {
          TableName: USERS,
          Key: { id: { S: 'u1' } },
          UpdateExpression: 'ADD visits :n',
          ExpressionAttributeValues: { ':n': { N: by } },
        },
      },
    ],
  });
  const visits = async () => ((await item(USERS, { id: { S: 'u1' } })) as { visits: { N: string } }).visits.N;

  it('runs the same request with the same token once within 10 minutes, answering it again', async () => {
    const first = await db.call('TransactWriteItems', bump('t-1'));
    const retry = await db.call('TransactWriteItems', bump('t-1'));

    expect([first.statusCode, retry.statusCode]).toEqual([200, 200]);
    expect(await visits()).toBe('1');
  });

  it('refuses the same token on a different request with IdempotentParameterMismatchException', async () => {
    await db.call('TransactWriteItems', bump('t-1'));

    const { statusCode, output } = await db.call('TransactWriteItems', bump('t-1', '2'));

    expect(statusCode).toBe(400);
    expect(output.__type).toBe('com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException');
    expect(await visits()).toBe('1');
  });

  it('treats the token as new once 10 minutes have passed since the first request completed', async () => {
    await db.call('TransactWriteItems', bump('t-1'));
    clock += IDEMPOTENCY_WINDOW_MS + 1;

    await db.call('TransactWriteItems', bump('t-1'));

    expect(await visits()).toBe('2');
  });

  it('remembers no cancelled transaction: the same token runs again', async () => {
    await db.call('PutItem', { TableName: EMAILS, Item: claim('a@example.com', 'someone') });
    const cancelled = await db.call('TransactWriteItems', createUser('u1', 'a@example.com', 't-2'));
    await db.call('DeleteItem', { TableName: EMAILS, Key: { email: { S: 'a@example.com' } } });

    const retried = await db.call('TransactWriteItems', createUser('u1', 'a@example.com', 't-2'));

    expect([cancelled.statusCode, retried.statusCode]).toEqual([400, 200]);
  });

  it('answers concurrent retries of one token with one write', async () => {
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => db.call('TransactWriteItems', bump('t-3'))),
    );

    expect(answers.map(({ statusCode }) => statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(await visits()).toBe('1');
  });
});

describe('TransactGetItems', () => {
  it('reads each item in request order, {} for a missing one, with projections', async () => {
    await db.call('TransactWriteItems', createUser('u1', 'a@example.com'));

    const { statusCode, output } = await db.call('TransactGetItems', {
      TransactItems: [
        {
          Get: { TableName: EMAILS, Key: { email: { S: 'a@example.com' } }, ProjectionExpression: 'userId' },
        },
        { Get: { TableName: USERS, Key: { id: { S: 'nobody' } } } },
        { Get: { TableName: USERS, Key: { id: { S: 'u1' } } } },
      ],
    });

    expect(statusCode).toBe(200);
    expect(output).toEqual({
      Responses: [{ Item: { userId: { S: 'u1' } } }, {}, { Item: user('u1', 'a@example.com') }],
    });
  });

  it('refuses two reads of one item', async () => {
    const get = { Get: { TableName: USERS, Key: { id: { S: 'u1' } } } };

    const { output } = await db.call('TransactGetItems', { TransactItems: [get, get] });

    expect(output.message).toBe('Transaction request cannot include multiple operations on one item');
  });
});

describe('isolation from concurrent writes', () => {
  // Two accounts whose total never changes: transactions move units from one to the other under a
  // condition, while plain UpdateItems on the same items and TransactGetItems run at the same time.
  it('is serializable: every transactional read sees the total, conditions see every write', async () => {
    await db.call('PutItem', {
      TableName: USERS,
      Item: { id: { S: 'a' }, n: { N: '50' }, touched: { N: '0' } },
    });
    await db.call('PutItem', {
      TableName: USERS,
      Item: { id: { S: 'b' }, n: { N: '50' }, touched: { N: '0' } },
    });
    const move = (from: string, to: string) => ({
      TransactItems: [
        {
          Update: {
            TableName: USERS,
            Key: { id: { S: from } },
            UpdateExpression: 'SET n = n - :one',
            ConditionExpression: 'n >= :one',
            ExpressionAttributeValues: { ':one': { N: '1' } },
          },
        },
        {
          Update: {
            TableName: USERS,
            Key: { id: { S: to } },
            UpdateExpression: 'SET n = n + :one',
            ExpressionAttributeValues: { ':one': { N: '1' } },
          },
        },
      ],
    });
    const touch = (id: string) => ({
      TableName: USERS,
      Key: { id: { S: id } },
      UpdateExpression: 'ADD touched :one',
      ExpressionAttributeValues: { ':one': { N: '1' } },
    });
    const readBoth = {
      TransactItems: [
        { Get: { TableName: USERS, Key: { id: { S: 'a' } } } },
        { Get: { TableName: USERS, Key: { id: { S: 'b' } } } },
      ],
    };

    const calls = [];
    for (let round = 0; round < 60; round += 1) {
      calls.push(db.call('TransactWriteItems', round % 3 === 0 ? move('b', 'a') : move('a', 'b')));
      calls.push(db.call('UpdateItem', touch(round % 2 === 0 ? 'a' : 'b')));
      calls.push(db.call('TransactGetItems', readBoth));
    }
    const answers = await Promise.all(calls);

    const totals = answers
      .filter(({ output }) => Array.isArray(output.Responses))
      .map(({ output }) =>
        (output.Responses as Array<{ Item: { n: { N: string } } }>).reduce(
          (sum, { Item }) => sum + Number(Item.n.N),
          0,
        ),
      );
    expect(totals).toHaveLength(60);
    expect(new Set(totals)).toEqual(new Set([100]));
    const [a, b] = await Promise.all([item(USERS, { id: { S: 'a' } }), item(USERS, { id: { S: 'b' } })]);
    expect(Number((a as { n: { N: string } }).n.N) + Number((b as { n: { N: string } }).n.N)).toBe(100);
    // No plain write was lost to a transaction writing the same item.
    expect(
      Number((a as { touched: { N: string } }).touched.N) +
        Number((b as { touched: { N: string } }).touched.N),
    ).toBe(60);
  });

  it('makes a racing conditional PutItem see the transaction whole, before or after', async () => {
    // The transaction claims the email and creates the user; a racing PutItem of the same claim
    // must lose (condition fails) if the transaction won, and the transaction must fail if it won.
    const results = await Promise.all([
      db.call('TransactWriteItems', createUser('u1', 'race@example.com')),
      db.call('PutItem', {
        TableName: EMAILS,
        Item: claim('race@example.com', 'u2'),
        ConditionExpression: 'attribute_not_exists(email)',
      }),
    ]);

    const winners = results.filter(({ statusCode }) => statusCode === 200);
    expect(winners).toHaveLength(1);
    const holder = (await item(EMAILS, { email: { S: 'race@example.com' } })) as { userId: { S: string } };
    expect((await item(USERS, { id: { S: 'u1' } })) !== undefined).toBe(holder.userId.S === 'u1');
  });
});

describe('through the AWS SDK', () => {
  /** An SDK request handler that answers in-process, as the front door would. No network. */
  function sdkFor(backend: DynaliteBackend): DynamoDBClient {
    return new DynamoDBClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      requestHandler: {
        handle: async (request: { headers: Record<string, string>; body?: string | Uint8Array }) => {
          const target = request.headers['x-amz-target'] ?? '';
          const body =
            typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body);
          const answer = await backend.handle(target.replace('DynamoDB_20120810.', ''), JSON.parse(body));
          return { response: { statusCode: answer.statusCode, headers: answer.headers, body: answer.body } };
        },
      },
    });
  }

  it('parses a cancellation into TransactionCanceledException with its reasons', async () => {
    const sdk = sdkFor(db);
    await db.call('TransactWriteItems', createUser('u1', 'a@example.com'));

    const error = await sdk
      .send(new TransactWriteItemsCommand(createUser('u2', 'a@example.com') as never))
      .catch((e) => e);

    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect(error.message).toBe(
      'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]',
    );
    expect(error.CancellationReasons).toEqual([
      { Code: 'None' },
      {
        Code: 'ConditionalCheckFailed',
        Message: 'The conditional request failed',
        Item: claim('a@example.com', 'u1'),
      },
    ]);
    sdk.destroy();
  });

  it('sends its own idempotency token on each call, and a mismatch is IdempotentParameterMismatchException', async () => {
    const sdk = sdkFor(db);
    await sdk.send(new TransactWriteItemsCommand(createUser('u1', 'a@example.com', 'sdk-token') as never));

    const error = await sdk
      .send(new TransactWriteItemsCommand(createUser('u9', 'z@example.com', 'sdk-token') as never))
      .catch((e) => e);
    const { Responses } = await sdk.send(
      new TransactGetItemsCommand({
        TransactItems: [{ Get: { TableName: USERS, Key: { id: { S: 'u1' } } } }],
      }),
    );

    expect(error).toBeInstanceOf(IdempotentParameterMismatchException);
    expect(Responses).toEqual([{ Item: user('u1', 'a@example.com') }]);
    sdk.destroy();
  });
});

describe('with --persist', () => {
  it('stores a transaction in one write: after a restart all of it is there', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dynamodb-tx-'));
    const first = await DynaliteBackend.start({ path: dir });
    await createTables(first);
    await first.call('TransactWriteItems', createUser('u1', 'a@example.com'));
    await first.stop();

    const second = await DynaliteBackend.start({ path: dir });
    const got = await second.call('TransactGetItems', {
      TransactItems: [
        { Get: { TableName: USERS, Key: { id: { S: 'u1' } } } },
        { Get: { TableName: EMAILS, Key: { email: { S: 'a@example.com' } } } },
      ],
    });

    expect(got.output.Responses).toEqual([
      { Item: user('u1', 'a@example.com') },
      { Item: claim('a@example.com', 'u1') },
    ]);
    await second.stop();
    await rm(dir, { recursive: true, force: true });
  });
});
