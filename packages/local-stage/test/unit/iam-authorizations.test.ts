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
    expect(dynamodbAuthorizations('TransactWriteItems', input, REGION, ACCOUNT)).toEqual([
      { action: 'dynamodb:PutItem', resource: `${TABLE}/orders-local` },
      { action: 'dynamodb:UpdateItem', resource: `${TABLE}/users-local` },
      { action: 'dynamodb:ConditionCheckItem', resource: `${TABLE}/users-local` },
    ]);
    expect(
      dynamodbAuthorizations(
        'TransactGetItems',
        { TransactItems: [{ Get: { TableName: 'users-local' } }] },
        REGION,
        ACCOUNT,
      ),
    ).toEqual([{ action: 'dynamodb:GetItem', resource: `${TABLE}/users-local` }]);
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
