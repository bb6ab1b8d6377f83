import { resourceNotFound } from './dynamodb-errors';

/** Where the backend serves tables: this account, this region. */
export interface TableScope {
  region: string;
  accountId: string;
}

const TABLE_ARN = /^arn:aws[a-z-]*:dynamodb:([^:]*):([^:]*):table\/([^/]+)$/;

/**
 * The table a `TableName` names. DynamoDB accepts the table's ARN wherever it takes a name
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html#DDB-PutItem-request-TableName:
 * "You can also provide the Amazon Resource Name (ARN) of the table"); an ARN of another account or
 * region names no table here. Anything that is not an ARN is left for dynalite's name validation.
 *
 * @example tableNameOf('arn:aws:dynamodb:us-east-1:000000000000:table/users-local', scope) // 'users-local'
 */
export function tableNameOf(given: unknown, scope: TableScope): unknown {
  if (typeof given !== 'string' || !given.startsWith('arn:')) return given;
  const match = TABLE_ARN.exec(given);
  if (!match || match[1] !== scope.region || match[2] !== scope.accountId) throw resourceNotFound();
  return match[3];
}

/**
 * The request with every table ARN replaced by its name, and a function that puts the names the
 * caller used back as keys of a batch answer (`Responses`, `UnprocessedItems`, …), as DynamoDB
 * answers in the caller's terms.
 */
export function withTableNames(
  input: Record<string, unknown>,
  scope: TableScope,
): {
  input: Record<string, unknown>;
  renameOutput: (output: Record<string, unknown>) => Record<string, unknown>;
} {
  const named = { ...input };
  if ('TableName' in named) named.TableName = tableNameOf(named.TableName, scope);
  if (Array.isArray(named.TransactItems)) {
    named.TransactItems = named.TransactItems.map((member: unknown) => withMemberTableNames(member, scope));
  }
  const given = new Map<string, string>();
  if (isObject(named.RequestItems)) {
    named.RequestItems = Object.fromEntries(
      Object.entries(named.RequestItems).map(([name, request]) => {
        const table = String(tableNameOf(name, scope));
        if (table !== name) given.set(table, name);
        return [table, request];
      }),
    );
  }
  const renameOutput = (output: Record<string, unknown>) => {
    if (given.size === 0) return output;
    const renamed = { ...output };
    for (const member of ['Responses', 'UnprocessedKeys', 'UnprocessedItems', 'ItemCollectionMetrics']) {
      const byTable = renamed[member];
      if (!isObject(byTable)) continue;
      renamed[member] = Object.fromEntries(
        Object.entries(byTable).map(([table, value]) => [given.get(table) ?? table, value]),
      );
    }
    return renamed;
  };
  return { input: named, renameOutput };
}

function withMemberTableNames(member: unknown, scope: TableScope): unknown {
  if (!isObject(member)) return member;
  return Object.fromEntries(
    Object.entries(member).map(([kind, body]) => [
      kind,
      isObject(body) && 'TableName' in body
        ? { ...body, TableName: tableNameOf(body.TableName, scope) }
        : body,
    ]),
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
