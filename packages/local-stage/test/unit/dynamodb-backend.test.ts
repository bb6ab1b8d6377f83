import { DynaliteBackend } from '../../src/dynamodb/dynalite-backend';
import { DynaliteEngine } from '../../src/dynamodb/dynalite-engine';

// The local stage's DynamoDB: dynalite called in-process, behind DynamoDB's own limits, never a
// crash or a hang whatever a caller sends.

const TABLE = 'items-local';
const ARN = `arn:aws:dynamodb:us-east-1:000000000000:table/${TABLE}`;

let db: DynaliteBackend;

beforeEach(async () => {
  db = await DynaliteBackend.start({ log: () => undefined });
  await db.call('CreateTable', {
    TableName: TABLE,
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
});

afterEach(() => db.stop());

/** A map nested `levels` deep around a string: `{M: {a: {M: {a: … {S: 'x'}}}}}`. */
function nestedMap(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { S: 'x' };
  for (let level = 0; level < levels; level += 1) value = { M: { a: value } };
  return value;
}

const TOO_DEEP =
  'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit';

describe('no way in but the front door', () => {
  it('opens no listening socket: requests are handed to dynalite in-process', async () => {
    const servers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'TCPServerWrap').length;
    const before = servers();

    const backend = await DynaliteBackend.start();
    const { statusCode } = await backend.call('ListTables', {});

    expect(statusCode).toBe(200);
    expect(servers()).toBe(before);
    await backend.stop();
  });
});

describe('DynamoDB limit: 32 levels of nested attributes', () => {
  it('stores an attribute 32 levels deep', async () => {
    const put = await db.call('PutItem', { TableName: TABLE, Item: { id: { S: 'deep' }, v: nestedMap(31) } });

    expect(put.statusCode).toBe(200);
    const got = await db.call('GetItem', { TableName: TABLE, Key: { id: { S: 'deep' } } });
    expect((got.output.Item as Record<string, unknown>).v).toEqual(nestedMap(31));
  });

  it.each([32, 5000])(
    'refuses %i nested maps (33 levels or more) with ValidationException, and keeps serving',
    async (levels) => {
      const put = await db.call('PutItem', {
        TableName: TABLE,
        Item: { id: { S: 'deep' }, v: nestedMap(levels) },
      });

      expect(put).toEqual({
        statusCode: 400,
        output: { __type: 'com.amazon.coral.validate#ValidationException', message: TOO_DEEP },
      });
      expect((await db.call('ListTables', {})).output).toEqual({ TableNames: [TABLE] });
    },
  );

  it('counts lists as maps, and checks expression values, transactions and batches too', async () => {
    let list: Record<string, unknown> = { S: 'x' };
    for (let level = 0; level < 40; level += 1) list = { L: [list] };
    const refusals = await Promise.all([
      db.call('PutItem', { TableName: TABLE, Item: { id: { S: 'l' }, v: list } }),
      db.call('PutItem', {
        TableName: TABLE,
        Item: { id: { S: 'e' } },
        ConditionExpression: 'v <> :v',
        ExpressionAttributeValues: { ':v': nestedMap(40) },
      }),
      db.call('TransactWriteItems', {
        TransactItems: [{ Put: { TableName: TABLE, Item: { id: { S: 't' }, v: nestedMap(40) } } }],
      }),
      db.call('BatchWriteItem', {
        RequestItems: { [TABLE]: [{ PutRequest: { Item: { id: { S: 'b' }, v: nestedMap(40) } } }] },
      }),
    ]);

    expect(refusals.map(({ statusCode }) => statusCode)).toEqual([400, 400, 400, 400]);
    expect(refusals[1]?.output.message).toBe(
      `ExpressionAttributeValues contains invalid value: ${TOO_DEEP} for key :v`,
    );
    const { output } = await db.call('Scan', { TableName: TABLE });
    expect(output.Count).toBe(0);
  });

  it('refuses JSON nested past any attribute limit wherever it stands', async () => {
    let deep: unknown = 'x';
    for (let level = 0; level < 10_000; level += 1) deep = [deep];

    const answer = await db.call('PutItem', { TableName: TABLE, Item: { id: { S: 'j' } }, Expected: deep });

    expect(answer.statusCode).toBe(400);
    expect(answer.output.__type).toBe('com.amazon.coral.validate#ValidationException');
  });
});

describe('expressions', () => {
  it('refuses one over 4 KB with DynamoDB message', async () => {
    const expression = `attribute_not_exists(id)${' '.repeat(4096 - 23)}`;

    const { statusCode, output } = await db.call('PutItem', {
      TableName: TABLE,
      Item: { id: { S: 'a' } },
      ConditionExpression: expression,
    });

    expect(statusCode).toBe(400);
    expect(output.message).toBe(
      'Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 4097',
    );
  });

  it('parses deeply nested parentheses in linear time (dynalite alone takes minutes for 14 levels)', async () => {
    let expression = 'attribute_not_exists(id)';
    for (let level = 0; level < 14; level += 1) expression = `attribute_not_exists(id) AND (${expression})`;

    const { statusCode } = await db.call('PutItem', {
      TableName: TABLE,
      Item: { id: { S: 'p' } },
      ConditionExpression: expression,
    });

    expect(statusCode).toBe(200);
  });

  it('still reports redundant parentheses and syntax errors as dynalite does', async () => {
    const redundant = await db.call('PutItem', {
      TableName: TABLE,
      Item: { id: { S: 'r' } },
      ConditionExpression: `${'('.repeat(2000)}attribute_exists(id)${')'.repeat(2000)}`,
    });
    const unclosed = await db.call('PutItem', {
      TableName: TABLE,
      Item: { id: { S: 'r' } },
      ConditionExpression: 'attribute_exists(id) AND (size(id) > :n',
      ExpressionAttributeValues: { ':n': { N: '1' } },
    });

    expect(redundant.output.message).toBe(
      'Invalid ConditionExpression: The expression has redundant parentheses;',
    );
    expect(unclosed.output.message).toMatch(/^Invalid ConditionExpression: Syntax error; /);
  });
});

describe('a table ARN as TableName', () => {
  it('names the table of this account and region, in every operation', async () => {
    const put = await db.call('PutItem', { TableName: ARN, Item: { id: { S: 'a' }, n: { N: '1' } } });
    const got = await db.call('GetItem', { TableName: ARN, Key: { id: { S: 'a' } } });
    const batch = await db.call('BatchGetItem', { RequestItems: { [ARN]: { Keys: [{ id: { S: 'a' } }] } } });

    expect(put.statusCode).toBe(200);
    expect(got.output.Item).toEqual({ id: { S: 'a' }, n: { N: '1' } });
    // Batch answers are keyed by the name the caller used.
    expect(batch.output.Responses).toEqual({ [ARN]: [{ id: { S: 'a' }, n: { N: '1' } }] });
  });

  it.each([
    ['another region', `arn:aws:dynamodb:eu-west-1:000000000000:table/${TABLE}`],
    ['another account', `arn:aws:dynamodb:us-east-1:111111111111:table/${TABLE}`],
    ['an index', `${ARN}/index/byEmail`],
  ])('serves no table for an ARN of %s', async (_label, arn) => {
    const { statusCode, output } = await db.call('GetItem', { TableName: arn, Key: { id: { S: 'a' } } });

    expect(statusCode).toBe(400);
    expect(output).toEqual({
      __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException',
      message: 'Requested resource not found',
    });
  });
});

describe('a failure inside dynalite', () => {
  it('is that call InternalServerError; the item lock it held is freed', async () => {
    const engine = DynaliteEngine.open({});
    await engine.run('CreateTable', {
      TableName: TABLE,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    // A condition dynalite cannot evaluate throws inside its callback, while it holds the item lock.
    const broken = { TableName: TABLE, Item: { id: { S: 'a' } }, _condition: { expression: null } };

    const failure = await engine.perform('PutItem', broken).catch((error: unknown) => error);

    expect(failure).toMatchObject({ status: 500, errorType: 'InternalServerError' });
    await expect(engine.run('PutItem', { TableName: TABLE, Item: { id: { S: 'a' } } })).resolves.toEqual({});
    await engine.close();
  });

  it('on a member of a type its validation cannot read is the caller fault: 400 SerializationException', async () => {
    const update = await db.call('UpdateItem', {
      TableName: TABLE,
      Key: { id: { S: 'a' } },
      UpdateExpression: 'SET #a = :v',
      ExpressionAttributeNames: { '#a': 'v' },
      ExpressionAttributeValues: { ':v': null },
    });

    expect(update.statusCode).toBe(400);
    expect(update.output.__type).toBe('com.amazon.coral.service#SerializationException');
    expect((await db.call('GetItem', { TableName: TABLE, Key: { id: { S: 'a' } } })).statusCode).toBe(200);
  });

  it('an unknown operation is the caller fault: 400 UnknownOperationException, nothing logged', async () => {
    const logged: string[] = [];
    const backend = await DynaliteBackend.start({ log: (line) => logged.push(line) });

    const unknown = await backend.call('FlyToTheMoon', {});

    expect(unknown.statusCode).toBe(400);
    expect(unknown.output.__type).toBe('com.amazon.coral.service#UnknownOperationException');
    expect(logged).toEqual([]);
    await backend.stop();
  });
});
