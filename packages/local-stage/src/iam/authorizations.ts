import { AwsError } from '../errors';
import { assertRegionServed, parameterArn, parseReference, referenceArn } from '../ssm/parameter-names';
import { memberError, requireString } from '../ssm/validation';
import { parseArn } from './arns';
import type { RequestToAuthorize } from './evaluate';
import { partiqlTarget } from './partiql';

/**
 * What IAM authorizes for a call: the action, and the resource ARN it acts on, per service. Resources
 * are checked as the caller named them ("Actions, resources, and condition keys" for each service):
 * an ARN of another account is authorized on that ARN, which IAM refuses without a resource-based
 * policy of that account, and never re-derived into this one.
 */

/** The stage's region and account: what a plain name resolves into. */
export interface ServiceHome {
  region: string;
  accountId: string;
}

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
 * the path's ARN; GetParameters once per name. Operations that name no parameter act on `*`. A name
 * given as a parameter ARN is authorized on that ARN; one of another region is refused, as that
 * region's parameters are not served here. A missing name is refused as AWS refuses it, with a
 * ValidationException. A call carrying `Tags` sets `aws:RequestTag/{key}` and `aws:TagKeys`.
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
  const home = { region, accountId };
  const tags = requestTags(input);
  const onName = (name: string) => ({ action, resource: ssmResource(name, home), ...tags });
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
      return [{ action, resource: '*', ...tags }];
  }
}

/** A name may be given as a parameter ARN, and may carry a `:version` selector IAM does not see. */
function ssmResource(given: string, home: ServiceHome): string {
  const reference = parseReference(given);
  assertRegionServed(reference, home);
  return referenceArn(reference, home);
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

/**
 * `aws:RequestTag/{key}` and `aws:TagKeys` of a call that carries `Tags: [{Key, Value}]` (PutParameter,
 * CreateTable, TagResource…); without tags both keys are absent, as the request context builder says.
 */
function requestTags(input: Record<string, unknown>): Pick<RequestToAuthorize, 'context'> {
  const tags = input.Tags;
  if (!Array.isArray(tags)) return {};
  const context: Record<string, string | string[]> = {};
  const keys: string[] = [];
  for (const tag of tags) {
    const { Key: key, Value: value } = (tag ?? {}) as { Key?: unknown; Value?: unknown };
    if (typeof key !== 'string') continue;
    keys.push(key);
    context[`aws:RequestTag/${key}`] = typeof value === 'string' ? value : '';
  }
  context['aws:TagKeys'] = keys;
  return { context };
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
 * Operations that run in a transaction: IAM sees `dynamodb:EnclosingOperation` on each item (the
 * request context builder declares the key absent for every other DynamoDB call).
 */
const TRANSACTIONS = new Set(['TransactGetItems', 'TransactWriteItems', 'ExecuteTransaction']);

/**
 * DynamoDB's authorization ("Actions, resources, and condition keys for Amazon DynamoDB"):
 * `dynamodb:{Operation}` on the table ARN (`arn:aws:dynamodb:{region}:{account}:table/{TableName}`),
 * on the index ARN for a Query or Scan with `IndexName`; BatchGetItem and BatchWriteItem once per table
 * (each its own IAM action on the table); TransactGetItems and TransactWriteItems as the
 * GetItem/PutItem/UpdateItem/DeleteItem/ConditionCheckItem of each item; PartiQL (ExecuteStatement,
 * BatchExecuteStatement, ExecuteTransaction) as `dynamodb:PartiQLSelect`/`Insert`/`Update`/`Delete` on
 * the table or index each statement names ("IAM security policies with PartiQL for DynamoDB");
 * ListTables on `*`. A `TableName` may be a table ARN: authorized on that ARN; one of another region
 * is refused as DynamoDB refuses it.
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
  const home = { region, accountId };
  const table = (name: string) => tableArn(name, home);
  if (DYNAMODB_ACCOUNT_ACTIONS.has(operation)) return [{ action, resource: '*' }];
  const items = ((): RequestToAuthorize[] => {
    switch (operation) {
      case 'BatchGetItem':
      case 'BatchWriteItem':
        return Object.keys(requestItems(input)).map((name) => ({ action, resource: table(name) }));
      case 'TransactGetItems':
      case 'TransactWriteItems':
        return transactItems(input).map(({ kind, tableName }) =>
          transactAuthorization(kind, table(tableName)),
        );
      case 'ExecuteStatement':
        return [partiqlAuthorization(requireString(input, 'Statement'), home)];
      case 'BatchExecuteStatement':
      case 'ExecuteTransaction':
        return partiqlStatements(input, operation).map((statement) => partiqlAuthorization(statement, home));
      case 'Query':
      case 'Scan': {
        const tableResource = table(requireString(input, 'TableName'));
        const index = typeof input.IndexName === 'string' ? `/index/${input.IndexName}` : '';
        return [{ action, resource: `${tableResource}${index}` }];
      }
      default:
        return [{ action, resource: table(requireString(input, 'TableName')), ...requestTags(input) }];
    }
  })();
  if (!TRANSACTIONS.has(operation)) return unique(items);
  // "IAM security policies with PartiQL for DynamoDB": a transaction's items carry the operation.
  const context = { 'dynamodb:EnclosingOperation': operation };
  return unique(items).map((item) => ({ ...item, context: { ...item.context, ...context } }));
}

const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;

/**
 * The ARN a `TableName` is authorized on. DynamoDB accepts a table ARN wherever it takes a table name;
 * an ARN of another region is refused with DynamoDB's ValidationException, and anything that is not a
 * table's ARN (an index or stream ARN) is not a table name.
 */
function tableArn(name: string, home: ServiceHome): string {
  if (!name.startsWith('arn:')) return `arn:aws:dynamodb:${home.region}:${home.accountId}:table/${name}`;
  const arn = parseArn(name);
  const tableName = arn?.resource.startsWith('table/') ? arn.resource.slice('table/'.length) : '';
  const isTableArn =
    arn?.service === 'dynamodb' && TABLE_NAME.test(tableName) && /^\d{12}$/.test(arn.account);
  if (!arn || !isTableArn) {
    throw new AwsError(
      400,
      'ValidationException',
      `1 validation error detected: Value '${name}' at 'tableName' failed to satisfy constraint: Member must be a table name or the ARN of a table`,
    );
  }
  if (arn.region !== home.region) {
    throw new AwsError(
      400,
      'ValidationException',
      `1 validation error detected: Invalid AWS region in '${name}'`,
    );
  }
  return name;
}

function partiqlAuthorization(statement: string, home: ServiceHome): RequestToAuthorize {
  const target = partiqlTarget(statement);
  const index = target.index === undefined ? '' : `/index/${target.index}`;
  return { action: target.action, resource: `${tableArn(target.table, home)}${index}` };
}

/** BatchExecuteStatement's `Statements` and ExecuteTransaction's `TransactStatements`, each `{ Statement }`. */
function partiqlStatements(input: Record<string, unknown>, operation: string): string[] {
  const member = operation === 'ExecuteTransaction' ? 'TransactStatements' : 'Statements';
  const list = input[member];
  const name = member.charAt(0).toLowerCase() + member.slice(1);
  if (!Array.isArray(list)) throw memberError(name, list, 'Member must not be null');
  if (list.length === 0) throw memberError(name, list, 'Member must have length greater than or equal to 1');
  return list.map((entry: unknown) => requireString((entry ?? {}) as Record<string, unknown>, 'Statement'));
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
  const action =
    kind === 'Get'
      ? 'dynamodb:GetItem'
      : Object.hasOwn(TRANSACT_WRITE_ACTIONS, kind)
        ? TRANSACT_WRITE_ACTIONS[kind]
        : undefined;
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
