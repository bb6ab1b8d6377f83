import { AwsError } from '../errors';
import { parameterArn, parseReference } from '../ssm/parameter-names';
import { memberError, requireString } from '../ssm/validation';
import type { RequestToAuthorize } from './evaluate';

/**
 * What IAM authorizes for a call: the action, and the resource ARN it acts on, per service.
 */

/**
 * The method ARN API Gateway authorizes `execute-api:Invoke` on:
 * `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path without leading slash}`,
 * with the path as requested (decoded). The root resource gives a trailing `/`, as on AWS.
 *
 * @example
 * executeApiArn({ region: 'us-east-1', accountId: '000000000000', apiId: 'abc123', stage: 'local', method: 'GET', path: '/users/42' });
 * // 'arn:aws:execute-api:us-east-1:000000000000:abc123/local/GET/users/42'
 */
export function executeApiArn(p: {
  region: string;
  accountId: string;
  apiId: string;
  stage: string;
  method: string;
  path: string;
}): string {
  return `arn:aws:execute-api:${p.region}:${p.accountId}:${p.apiId}/${p.stage}/${p.method.toUpperCase()}/${p.path.replace(/^\//, '')}`;
}

/**
 * SSM's authorization: `ssm:{Operation}` on each parameter ARN the call names; GetParametersByPath on
 * the path's ARN; GetParameters once per name. Operations that name no parameter act on `*`.
 * A missing name is refused as AWS refuses it, with a ValidationException.
 *
 * @example
 * ssmAuthorizations('GetParameter', { Name: '/local/users/url' }, 'us-east-1', '000000000000');
 * // [{ action: 'ssm:GetParameter', resource: 'arn:aws:ssm:us-east-1:000000000000:parameter/local/users/url' }]
 */
export function ssmAuthorizations(
  operation: string,
  input: Record<string, unknown>,
  region: string,
  accountId: string,
): RequestToAuthorize[] {
  const action = `ssm:${operation}`;
  const onName = (name: string) => ({ action, resource: ssmResource(name, region, accountId) });
  switch (operation) {
    case 'GetParameter':
    case 'PutParameter':
    case 'DeleteParameter':
    case 'GetParameterHistory':
    case 'LabelParameterVersion':
      return [onName(requireString(input, 'Name'))];
    case 'GetParametersByPath':
      return [{ action, resource: parameterArn(requireString(input, 'Path'), region, accountId) }];
    case 'GetParameters':
    case 'DeleteParameters':
      return unique(requireNames(input).map(onName));
    default:
      return [{ action, resource: '*' }];
  }
}

/** A name may be given as a parameter ARN, and may carry a `:version` selector IAM does not see. */
function ssmResource(given: string, region: string, accountId: string): string {
  return parameterArn(parseReference(given).name, region, accountId);
}

function requireNames(input: Record<string, unknown>): string[] {
  const names = input.Names;
  if (names === undefined || names === null) throw memberError('names', names, 'Member must not be null');
  if (!Array.isArray(names) || names.some((name) => typeof name !== 'string')) {
    throw new AwsError(400, 'SerializationException', 'Names must be a list of strings');
  }
  if (names.length === 0)
    throw memberError('names', names, 'Member must have length greater than or equal to 1');
  return names as string[];
}

/** TransactWriteItems is no IAM action: IAM checks each item's own action on its table. */
const TRANSACT_WRITE_ACTIONS: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

/** Operations without resource-level permissions: IAM authorizes them on `*`. */
const DYNAMODB_ACCOUNT_ACTIONS = new Set([
  'ListTables',
  'DescribeLimits',
  'DescribeEndpoints',
  'ListBackups',
  'ListGlobalTables',
]);

/**
 * DynamoDB's authorization: `dynamodb:{Operation}` on the table ARN
 * (`arn:aws:dynamodb:{region}:{account}:table/{TableName}`), on the index ARN for a Query or Scan with
 * `IndexName`; BatchGetItem and BatchWriteItem once per table (each its own IAM action on the table);
 * TransactGetItems and TransactWriteItems as the GetItem/PutItem/UpdateItem/DeleteItem/ConditionCheckItem
 * of each item, which is what IAM checks for transactions; ListTables on `*`.
 *
 * @example
 * dynamodbAuthorizations('Query', { TableName: 'users-local', IndexName: 'byEmail' }, 'us-east-1', '000000000000');
 * // [{ action: 'dynamodb:Query', resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/users-local/index/byEmail' }]
 */
export function dynamodbAuthorizations(
  operation: string,
  input: Record<string, unknown>,
  region: string,
  accountId: string,
): RequestToAuthorize[] {
  const action = `dynamodb:${operation}`;
  const table = (name: string) => tableArn(name, region, accountId);
  if (DYNAMODB_ACCOUNT_ACTIONS.has(operation)) return [{ action, resource: '*' }];
  switch (operation) {
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return Object.keys(requestItems(input)).map((name) => ({ action, resource: table(name) }));
    case 'TransactGetItems':
    case 'TransactWriteItems':
      return unique(
        transactItems(input).map(({ kind, tableName }) => transactAuthorization(kind, table(tableName))),
      );
    case 'Query':
    case 'Scan': {
      const tableResource = table(requireString(input, 'TableName'));
      const index = typeof input.IndexName === 'string' ? `/index/${input.IndexName}` : '';
      return [{ action, resource: `${tableResource}${index}` }];
    }
    default:
      return [{ action, resource: table(requireString(input, 'TableName')) }];
  }
}

/** DynamoDB accepts a table ARN wherever it takes a table name. */
function tableArn(name: string, region: string, accountId: string): string {
  return name.startsWith('arn:') ? name : `arn:aws:dynamodb:${region}:${accountId}:table/${name}`;
}

function requestItems(input: Record<string, unknown>): Record<string, unknown> {
  const items = input.RequestItems;
  if (items && typeof items === 'object' && !Array.isArray(items)) return items as Record<string, unknown>;
  throw memberError('requestItems', items, 'Member must not be null');
}

function transactItems(input: Record<string, unknown>): Array<{ kind: string; tableName: string }> {
  const items = input.TransactItems;
  if (!Array.isArray(items)) throw memberError('transactItems', items, 'Member must not be null');
  return items.flatMap((item: unknown) =>
    Object.entries((item ?? {}) as Record<string, unknown>).map(([kind, body]) => ({
      kind,
      tableName: requireString((body ?? {}) as Record<string, unknown>, 'TableName'),
    })),
  );
}

function transactAuthorization(kind: string, resource: string): RequestToAuthorize {
  const action = kind === 'Get' ? 'dynamodb:GetItem' : TRANSACT_WRITE_ACTIONS[kind];
  if (!action) throw new AwsError(400, 'ValidationException', `Unknown transaction item kind: ${kind}`);
  return { action, resource };
}

function unique(requests: RequestToAuthorize[]): RequestToAuthorize[] {
  const seen = new Set<string>();
  return requests.filter(({ action, resource }) => {
    const key = `${action} ${resource}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
