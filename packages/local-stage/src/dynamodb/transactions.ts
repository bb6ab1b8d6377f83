import type { BatchOperation } from 'dynalite/db';
import { type DynaliteEngine, type Item, keyOf, type TableDescription } from './dynalite-engine';
import {
  type CancellationReason,
  DynamoDbError,
  transactionCanceled,
  validationException,
} from './dynamodb-errors';
import { IdempotencyTokens } from './idempotency';

/** At most 100 actions per transaction (DynamoDB service quotas, "Transactions"). */
export const MAX_TRANSACTION_ITEMS = 100;

/**
 * Each TransactWriteItems member kind, and the single-item operation whose input validation and
 * semantics it shares. A ConditionCheck runs as a DeleteItem whose write is thrown away.
 */
const WRITE_KINDS = {
  Put: { operation: 'PutItem', keyFrom: 'Item', apiName: 'put' },
  Update: { operation: 'UpdateItem', keyFrom: 'Key', apiName: 'update' },
  Delete: { operation: 'DeleteItem', keyFrom: 'Key', apiName: 'delete' },
  ConditionCheck: { operation: 'DeleteItem', keyFrom: 'Key', apiName: 'conditionCheck' },
} as const;

type WriteKind = keyof typeof WRITE_KINDS;

interface Member {
  kind: WriteKind | 'Get';
  tableName: string;
  data: Record<string, unknown>;
  returnOldItem: boolean;
}

interface Located extends Member {
  table: TableDescription;
  key: string;
}

/**
 * TransactWriteItems and TransactGetItems on dynalite, with DynamoDB's semantics
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html):
 * every condition is checked against the data as it was before the transaction, and either every
 * write is stored or none (one LevelDB batch). Transactions run one at a time, and each holds
 * dynalite's item locks on every item it touches, the locks PutItem, UpdateItem and DeleteItem hold
 * from reading an item to writing it, so no other write to those items can come between the checks
 * and the writes: serializable with respect to every other write, as DynamoDB's isolation levels
 * promise. A GetItem meanwhile reads the item before or after, never a write that is undone.
 *
 * @example
 * const transactions = new Transactions({ engine });
 * await transactions.write({ TransactItems: [{ Put: { TableName: 'users', Item, ConditionExpression: 'attribute_not_exists(id)' } }] });
 */
export class Transactions {
  private readonly engine: DynaliteEngine;
  private readonly tokens: IdempotencyTokens;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: { engine: DynaliteEngine; now?: () => number }) {
    this.engine = options.engine;
    this.tokens = new IdempotencyTokens({ now: options.now });
  }

  /** TransactWriteItems: `{}` when every write is stored, TransactionCanceledException otherwise. */
  async write(input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const token = clientRequestToken(input);
    const members = transactItems(input, 'TransactWriteItems').map((member, index) =>
      writeMember(member, index, this.engine),
    );
    return this.oneAtATime(async () => {
      const earlier = token === undefined ? undefined : this.tokens.recall(token, input);
      if (earlier) return earlier;
      const output = await this.withItemsLocked(members, (located) => this.apply(located));
      return token === undefined ? output : this.tokens.remember(token, input, output);
    });
  }

  /** TransactGetItems: each item as it was at one moment, in request order (`{}` for a missing one). */
  async get(input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const members = transactItems(input, 'TransactGetItems').map((member, index) =>
      getMember(member, index, this.engine),
    );
    return this.oneAtATime(() =>
      this.withItemsLocked(members, async (located) => {
        const responses = [];
        for (const member of located) {
          const { Item } = await this.engine.perform('GetItem', member.data);
          responses.push(Item ? { Item } : {});
        }
        return { Responses: responses };
      }),
    );
  }

  /** Checks every member against the stored data, then stores all their writes at once. */
  private async apply(members: Located[]): Promise<Record<string, unknown>> {
    const staged: BatchOperation[] = [];
    const reasons: CancellationReason[] = [];
    for (const member of members) {
      const writes: BatchOperation[] = [];
      const operation = WRITE_KINDS[member.kind as WriteKind].operation;
      try {
        await this.engine.perform(operation, member.data, this.engine.staging(writes));
        if (member.kind !== 'ConditionCheck') staged.push(...writes);
        reasons.push({ Code: 'None' });
      } catch (error) {
        reasons.push(await this.reasonFor(error, member));
      }
    }
    if (reasons.some((reason) => reason.Code !== 'None')) throw transactionCanceled(reasons);
    await this.engine.commit(staged);
    return {};
  }

  /** What a member that failed reports: a failed condition, or a write the item cannot take. */
  private async reasonFor(error: unknown, member: Located): Promise<CancellationReason> {
    if (!(error instanceof DynamoDbError) || error.status >= 500) throw error;
    if (error.errorType === 'ConditionalCheckFailedException') {
      const item = member.returnOldItem ? await this.engine.read(member.tableName, member.key) : undefined;
      return {
        Code: 'ConditionalCheckFailed',
        Message: 'The conditional request failed',
        ...(item && { Item: item }),
      };
    }
    return { Code: 'ValidationError', Message: error.message };
  }

  /**
   * Finds each member's table and item key, refuses two members on one item, and runs `work` while
   * holding the item locks of every member.
   */
  private async withItemsLocked<T>(members: Member[], work: (located: Located[]) => Promise<T>): Promise<T> {
    const located: Located[] = [];
    const seen = new Set<string>();
    for (const member of members) {
      const table = await this.engine.table(member.tableName);
      const kind =
        member.kind === 'Get' ? 'key' : WRITE_KINDS[member.kind].keyFrom === 'Item' ? 'item' : 'key';
      const attributes = (kind === 'item' ? member.data.Item : member.data.Key) as Item;
      const key = keyOf(table, attributes, kind);
      const itemId = JSON.stringify([member.tableName, key]);
      if (seen.has(itemId)) {
        throw validationException('Transaction request cannot include multiple operations on one item');
      }
      seen.add(itemId);
      located.push({ ...member, table, key });
    }
    const releases: Array<() => void> = [];
    try {
      // One table after another, in name order; other writers hold one item lock at a time.
      for (const tableName of [...new Set(located.map((member) => member.tableName))].sort()) {
        const keys = located.filter((member) => member.tableName === tableName).map((member) => member.key);
        releases.push(await this.engine.lock(tableName, keys));
      }
      return await work(located);
    } finally {
      for (const release of releases) release();
    }
  }

  private oneAtATime<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function writeMember(member: Record<string, unknown>, index: number, engine: DynaliteEngine): Member {
  const kinds = Object.keys(member).filter((kind) => member[kind] !== undefined && member[kind] !== null);
  if (kinds.length === 0) {
    throw validationException(
      'Invalid Request: TransactWriteRequest should contain Delete or Put or Update request',
    );
  }
  if (kinds.length > 1 || !Object.hasOwn(WRITE_KINDS, kinds[0] as string)) {
    throw validationException('TransactItems can only contain one of Check, Put, Update or Delete');
  }
  const kind = kinds[0] as WriteKind;
  const body = bodyOf(member, kind, index);
  const path = `transactItems.${index + 1}.member.${WRITE_KINDS[kind].apiName}`;
  if (kind === 'ConditionCheck' && typeof body.ConditionExpression !== 'string') {
    throw validationException(
      `1 validation error detected: Value null at '${path}.conditionExpression' failed to satisfy constraint: Member must not be null`,
    );
  }
  const { ReturnValuesOnConditionCheckFailure: returnValues, ...single } = body;
  if (returnValues !== undefined && returnValues !== 'ALL_OLD' && returnValues !== 'NONE') {
    throw validationException(
      `1 validation error detected: Value '${String(returnValues)}' at '${path}.returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]`,
    );
  }
  const data = engine.validate(WRITE_KINDS[kind].operation, single);
  return { kind, tableName: String(data.TableName), data, returnOldItem: returnValues === 'ALL_OLD' };
}

function getMember(member: Record<string, unknown>, index: number, engine: DynaliteEngine): Member {
  const kinds = Object.keys(member).filter((kind) => member[kind] !== undefined && member[kind] !== null);
  if (kinds.length !== 1 || kinds[0] !== 'Get') {
    throw validationException(
      `1 validation error detected: Value null at 'transactItems.${index + 1}.member.get' failed to satisfy constraint: Member must not be null`,
    );
  }
  const data = engine.validate('GetItem', bodyOf(member, 'Get', index));
  return { kind: 'Get', tableName: String(data.TableName), data, returnOldItem: false };
}

function bodyOf(member: Record<string, unknown>, kind: string, index: number): Record<string, unknown> {
  const body = member[kind];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new DynamoDbError(
      400,
      'SerializationException',
      `Start of structure or map found where not expected at transactItems.${index + 1}.member.${kind}`,
      {
        namespace: 'com.amazon.coral.service#',
      },
    );
  }
  return body as Record<string, unknown>;
}

/** TransactItems: a list of 1 to 100 members, each an object. */
function transactItems(input: Record<string, unknown>, operation: string): Array<Record<string, unknown>> {
  const items = input.TransactItems;
  if (items === undefined || items === null) {
    throw validationException(
      "1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member must not be null",
    );
  }
  if (
    !Array.isArray(items) ||
    items.some((item) => typeof item !== 'object' || item === null || Array.isArray(item))
  ) {
    throw new DynamoDbError(
      400,
      'SerializationException',
      `${operation}: TransactItems must be a list of structures`,
      {
        namespace: 'com.amazon.coral.service#',
      },
    );
  }
  if (items.length === 0) {
    throw validationException(
      "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  }
  if (items.length > MAX_TRANSACTION_ITEMS) {
    throw validationException(
      `1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TRANSACTION_ITEMS}`,
    );
  }
  return items as Array<Record<string, unknown>>;
}

/** ClientRequestToken: 1 to 36 characters when present. */
function clientRequestToken(input: Record<string, unknown>): string | undefined {
  const token = input.ClientRequestToken;
  if (token === undefined || token === null) return undefined;
  if (typeof token !== 'string' || token.length < 1 || token.length > 36) {
    throw validationException(
      `1 validation error detected: Value at 'clientRequestToken' failed to satisfy constraint: Member must have length ${typeof token === 'string' && token.length > 36 ? 'less than or equal to 36' : 'greater than or equal to 1'}`,
    );
  }
  return token;
}
