import { AwsError } from '../../src/errors';
import { dynamodbAuthorizations, executeApiArn, ssmAuthorizations } from '../../src/iam';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const PARAMETER = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter`;
const TABLE = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table`;

describe('executeApiArn', () => {
  const base = { region: REGION, accountId: ACCOUNT, apiId: 'abc123', stage: 'local' };

  it('builds the method ARN from the path as requested, without its leading slash', () => {
    expect(executeApiArn({ ...base, method: 'GET', path: '/users/42' })).toBe(
      'arn:aws:execute-api:us-east-1:000000000000:abc123/local/GET/users/42',
    );
  });

  it('ends the root resource with a slash, as API Gateway does', () => {
    expect(executeApiArn({ ...base, method: 'post', path: '/' })).toBe(
      'arn:aws:execute-api:us-east-1:000000000000:abc123/local/POST/',
    );
  });
});

describe('ssmAuthorizations', () => {
  it('authorizes GetParameter on the parameter ARN', () => {
    expect(ssmAuthorizations('GetParameter', { Name: '/local/users/url' }, REGION, ACCOUNT)).toEqual([
      { action: 'ssm:GetParameter', resource: `${PARAMETER}/local/users/url` },
    ]);
  });

  it('ignores a version selector and accepts a parameter ARN as the name', () => {
    expect(
      ssmAuthorizations('GetParameter', { Name: '/local/users/url:3' }, REGION, ACCOUNT)[0]?.resource,
    ).toBe(`${PARAMETER}/local/users/url`);
    expect(
      ssmAuthorizations('DeleteParameter', { Name: `${PARAMETER}/local/users/url` }, REGION, ACCOUNT)[0]
        ?.resource,
    ).toBe(`${PARAMETER}/local/users/url`);
  });

  it('authorizes a name without a leading slash on parameter/{name}', () => {
    expect(ssmAuthorizations('PutParameter', { Name: 'flag' }, REGION, ACCOUNT)).toEqual([
      { action: 'ssm:PutParameter', resource: `${PARAMETER}/flag` },
    ]);
  });

  it('authorizes GetParameters once per distinct name', () => {
    expect(ssmAuthorizations('GetParameters', { Names: ['/a/x', '/a/y', '/a/x'] }, REGION, ACCOUNT)).toEqual([
      { action: 'ssm:GetParameters', resource: `${PARAMETER}/a/x` },
      { action: 'ssm:GetParameters', resource: `${PARAMETER}/a/y` },
    ]);
  });

  it("authorizes GetParametersByPath on the path's ARN", () => {
    expect(
      ssmAuthorizations('GetParametersByPath', { Path: '/local/users', Recursive: true }, REGION, ACCOUNT),
    ).toEqual([{ action: 'ssm:GetParametersByPath', resource: `${PARAMETER}/local/users` }]);
  });

  it('authorizes operations that name no parameter on *', () => {
    expect(ssmAuthorizations('DescribeParameters', {}, REGION, ACCOUNT)).toEqual([
      { action: 'ssm:DescribeParameters', resource: '*' },
    ]);
  });

  it('refuses a call without its name with the ValidationException AWS sends', () => {
    expect(() => ssmAuthorizations('GetParameter', {}, REGION, ACCOUNT)).toThrow(
      new AwsError(
        400,
        'ValidationException',
        "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
      ),
    );
    expect(() => ssmAuthorizations('GetParameters', {}, REGION, ACCOUNT)).toThrow("at 'names'");
  });
});

describe('dynamodbAuthorizations', () => {
  it('authorizes item operations on the table ARN', () => {
    expect(dynamodbAuthorizations('GetItem', { TableName: 'users-local', Key: {} }, REGION, ACCOUNT)).toEqual(
      [{ action: 'dynamodb:GetItem', resource: `${TABLE}/users-local` }],
    );
  });

  it('authorizes a Query or Scan of an index on the index ARN', () => {
    expect(
      dynamodbAuthorizations('Query', { TableName: 'users-local', IndexName: 'byEmail' }, REGION, ACCOUNT),
    ).toEqual([{ action: 'dynamodb:Query', resource: `${TABLE}/users-local/index/byEmail` }]);
    expect(dynamodbAuthorizations('Scan', { TableName: 'users-local' }, REGION, ACCOUNT)).toEqual([
      { action: 'dynamodb:Scan', resource: `${TABLE}/users-local` },
    ]);
  });

  it('authorizes batch operations as themselves, once per table', () => {
    const input = {
      RequestItems: {
        'users-local': [{ PutRequest: {} }, { DeleteRequest: {} }],
        'orders-local': [{ PutRequest: {} }],
      },
    };
    expect(dynamodbAuthorizations('BatchWriteItem', input, REGION, ACCOUNT)).toEqual([
      { action: 'dynamodb:BatchWriteItem', resource: `${TABLE}/users-local` },
      { action: 'dynamodb:BatchWriteItem', resource: `${TABLE}/orders-local` },
    ]);
    expect(
      dynamodbAuthorizations('BatchGetItem', { RequestItems: { 'users-local': {} } }, REGION, ACCOUNT),
    ).toEqual([{ action: 'dynamodb:BatchGetItem', resource: `${TABLE}/users-local` }]);
  });

  it("authorizes transactions as each item's own action", () => {
    const input = {
      TransactItems: [
        { Put: { TableName: 'orders-local' } },
        { Update: { TableName: 'users-local' } },
        { ConditionCheck: { TableName: 'users-local' } },
        { Put: { TableName: 'orders-local' } },
      ],
    };
    const inTransaction = { context: { 'dynamodb:EnclosingOperation': 'TransactWriteItems' } };
    expect(dynamodbAuthorizations('TransactWriteItems', input, REGION, ACCOUNT)).toEqual([
      { action: 'dynamodb:PutItem', resource: `${TABLE}/orders-local`, ...inTransaction },
      { action: 'dynamodb:UpdateItem', resource: `${TABLE}/users-local`, ...inTransaction },
      { action: 'dynamodb:ConditionCheckItem', resource: `${TABLE}/users-local`, ...inTransaction },
    ]);
    expect(
      dynamodbAuthorizations(
        'TransactGetItems',
        { TransactItems: [{ Get: { TableName: 'users-local' } }] },
        REGION,
        ACCOUNT,
      ),
    ).toEqual([
      {
        action: 'dynamodb:GetItem',
        resource: `${TABLE}/users-local`,
        context: { 'dynamodb:EnclosingOperation': 'TransactGetItems' },
      },
    ]);
  });

  it('authorizes ListTables on *', () => {
    expect(dynamodbAuthorizations('ListTables', {}, REGION, ACCOUNT)).toEqual([
      { action: 'dynamodb:ListTables', resource: '*' },
    ]);
  });

  it('accepts a table ARN as the table name', () => {
    expect(
      dynamodbAuthorizations('PutItem', { TableName: `${TABLE}/users-local` }, REGION, ACCOUNT)[0]?.resource,
    ).toBe(`${TABLE}/users-local`);
  });

  it('refuses a table operation without TableName as DynamoDB does', () => {
    expect(() => dynamodbAuthorizations('GetItem', {}, REGION, ACCOUNT)).toThrow(
      "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null",
    );
  });
});

describe('Resources checked as named: SSM parameter ARNs', () => {
  it('authorizes a parameter ARN of this account on that ARN, without its version selector', () => {
    expect(
      ssmAuthorizations('GetParameter', { Name: `${PARAMETER}/local/users/url:2` }, REGION, ACCOUNT),
    ).toEqual([{ action: 'ssm:GetParameter', resource: `${PARAMETER}/local/users/url` }]);
  });

  it('authorizes a parameter ARN of another account on that ARN, never on this account', () => {
    const foreign = 'arn:aws:ssm:us-east-1:111111111111:parameter/shared/url';
    expect(ssmAuthorizations('GetParameter', { Name: foreign }, REGION, ACCOUNT)).toEqual([
      { action: 'ssm:GetParameter', resource: foreign },
    ]);
    expect(ssmAuthorizations('GetParameters', { Names: ['/a/x', foreign] }, REGION, ACCOUNT)).toEqual([
      { action: 'ssm:GetParameters', resource: `${PARAMETER}/a/x` },
      { action: 'ssm:GetParameters', resource: foreign },
    ]);
  });

  it('refuses a parameter ARN of another region before authorizing it', () => {
    expect(() =>
      ssmAuthorizations(
        'GetParameter',
        { Name: `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/local/users/url` },
        REGION,
        ACCOUNT,
      ),
    ).toThrow(expect.objectContaining({ status: 400, errorType: 'ValidationException' }));
  });

  it('sets the request tags of a call that carries Tags', () => {
    const [put] = ssmAuthorizations(
      'PutParameter',
      { Name: '/local/x', Value: 'v', Tags: [{ Key: 'team', Value: 'orders' }] },
      REGION,
      ACCOUNT,
    );
    expect(put?.context).toEqual({ 'aws:RequestTag/team': 'orders', 'aws:TagKeys': ['team'] });
  });
});

describe('Actions, resources, and condition keys for Amazon DynamoDB: table ARNs as TableName', () => {
  it('authorizes a table ARN of another account on that ARN', () => {
    const foreign = 'arn:aws:dynamodb:us-east-1:111111111111:table/users-prod';
    expect(dynamodbAuthorizations('GetItem', { TableName: foreign }, REGION, ACCOUNT)).toEqual([
      { action: 'dynamodb:GetItem', resource: foreign },
    ]);
    expect(
      dynamodbAuthorizations(
        'BatchGetItem',
        { RequestItems: { [foreign]: {}, 'users-local': {} } },
        REGION,
        ACCOUNT,
      ),
    ).toEqual([
      { action: 'dynamodb:BatchGetItem', resource: foreign },
      { action: 'dynamodb:BatchGetItem', resource: `${TABLE}/users-local` },
    ]);
  });

  it('authorizes a Query of an index of a table named by ARN on the index ARN', () => {
    expect(
      dynamodbAuthorizations(
        'Query',
        { TableName: `${TABLE}/users-local`, IndexName: 'byEmail' },
        REGION,
        ACCOUNT,
      ),
    ).toEqual([{ action: 'dynamodb:Query', resource: `${TABLE}/users-local/index/byEmail` }]);
  });

  it('refuses a table ARN of another region as DynamoDB does', () => {
    const elsewhere = `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/users-local`;
    expect(() => dynamodbAuthorizations('GetItem', { TableName: elsewhere }, REGION, ACCOUNT)).toThrow(
      new AwsError(
        400,
        'ValidationException',
        `1 validation error detected: Invalid AWS region in '${elsewhere}'`,
      ),
    );
    expect(() =>
      dynamodbAuthorizations(
        'TransactWriteItems',
        { TransactItems: [{ Put: { TableName: elsewhere } }] },
        REGION,
        ACCOUNT,
      ),
    ).toThrow('Invalid AWS region');
  });

  it('refuses an ARN that is not a table ARN', () => {
    for (const arn of [
      `${TABLE}/users-local/index/byEmail`,
      `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/users-local/stream/2026-01-01T00:00:00.000`,
      `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/users-local`,
      'arn:aws:dynamodb',
    ]) {
      expect(() => dynamodbAuthorizations('GetItem', { TableName: arn }, REGION, ACCOUNT)).toThrow(
        expect.objectContaining({ status: 400, errorType: 'ValidationException' }),
      );
    }
  });

  it('refuses a transaction item of a kind DynamoDB does not have, whatever its name', () => {
    for (const kind of ['Scan', 'constructor', '__proto__', 'toString']) {
      expect(() =>
        dynamodbAuthorizations(
          'TransactWriteItems',
          { TransactItems: [{ [kind]: { TableName: 't' } }] },
          REGION,
          ACCOUNT,
        ),
      ).toThrow(expect.objectContaining({ status: 400, errorType: 'ValidationException' }));
    }
  });
});

describe('IAM security policies with PartiQL for DynamoDB', () => {
  const statement = (Statement: string) =>
    dynamodbAuthorizations('ExecuteStatement', { Statement }, REGION, ACCOUNT);

  it.each([
    ['SELECT * FROM "users-local" WHERE id = ?', 'dynamodb:PartiQLSelect', `${TABLE}/users-local`],
    ['select id, "from" FROM users WHERE id = ?', 'dynamodb:PartiQLSelect', `${TABLE}/users`],
    [
      'SELECT * FROM "users-local"."byEmail" WHERE email = ?',
      'dynamodb:PartiQLSelect',
      `${TABLE}/users-local/index/byEmail`,
    ],
    [
      `INSERT INTO "orders-local" VALUE {'id': ?, 'note': 'FROM "x"'}`,
      'dynamodb:PartiQLInsert',
      `${TABLE}/orders-local`,
    ],
    ['UPDATE "users-local" SET name = ? WHERE id = ?', 'dynamodb:PartiQLUpdate', `${TABLE}/users-local`],
    ['DELETE FROM "users-local" WHERE id = ?', 'dynamodb:PartiQLDelete', `${TABLE}/users-local`],
  ])('%s is authorized as %s on %s', (text, action, resource) => {
    expect(statement(text)).toEqual([{ action, resource }]);
  });

  it('authorizes each statement of a batch on its own table, once per action and table', () => {
    const input = {
      Statements: [
        { Statement: 'SELECT * FROM "users-local" WHERE id = ?' },
        { Statement: 'INSERT INTO "orders-local" VALUE {\'id\': ?}' },
        { Statement: 'SELECT * FROM "users-local" WHERE id = ?' },
      ],
    };
    expect(dynamodbAuthorizations('BatchExecuteStatement', input, REGION, ACCOUNT)).toEqual([
      { action: 'dynamodb:PartiQLSelect', resource: `${TABLE}/users-local` },
      { action: 'dynamodb:PartiQLInsert', resource: `${TABLE}/orders-local` },
    ]);
  });

  it("authorizes a transaction's statements with dynamodb:EnclosingOperation, its EXISTS check as a select", () => {
    const input = {
      TransactStatements: [
        { Statement: 'EXISTS(SELECT * FROM "users-local" WHERE id = ?)' },
        { Statement: 'UPDATE "orders-local" SET total = ? WHERE id = ?' },
      ],
    };
    const context = { 'dynamodb:EnclosingOperation': 'ExecuteTransaction' };
    expect(dynamodbAuthorizations('ExecuteTransaction', input, REGION, ACCOUNT)).toEqual([
      { action: 'dynamodb:PartiQLSelect', resource: `${TABLE}/users-local`, context },
      { action: 'dynamodb:PartiQLUpdate', resource: `${TABLE}/orders-local`, context },
    ]);
  });

  it('refuses a statement it cannot parse with the ValidationException DynamoDB sends', () => {
    for (const text of [
      'DROP TABLE "users-local"',
      'SELECT * WHERE id = 1',
      'INSERT "t" VALUE {}',
      'SELECT * FROM "unterminated',
    ]) {
      expect(() => statement(text)).toThrow(
        expect.objectContaining({
          status: 400,
          errorType: 'ValidationException',
          message: expect.stringMatching(/^Statement wasn't well formed/),
        }),
      );
    }
    expect(() => dynamodbAuthorizations('ExecuteStatement', {}, REGION, ACCOUNT)).toThrow("at 'statement'");
    expect(() =>
      dynamodbAuthorizations('BatchExecuteStatement', { Statements: [] }, REGION, ACCOUNT),
    ).toThrow("at 'statements'");
  });

  it('refuses a PartiQL table ARN of another region', () => {
    expect(() => statement(`SELECT * FROM "arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/users"`)).toThrow(
      'Invalid AWS region',
    );
  });
});
