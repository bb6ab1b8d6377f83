import type {
  BatchOperation,
  Callback,
  DynaliteFailure,
  Item,
  Release,
  Store,
  SubDb,
  TableDescription,
} from 'dynalite/db';
import type { ActionValidation } from 'dynalite/validations';
import { DynamoDbError, internalServerError } from './dynamodb-errors';
import { useLinearTimeExpressionParsers } from './expression-parsers';

import db = require('dynalite/db');
import validations = require('dynalite/validations');
import batchGetItem = require('dynalite/actions/batchGetItem');
import batchWriteItem = require('dynalite/actions/batchWriteItem');
import createTable = require('dynalite/actions/createTable');
import deleteItem = require('dynalite/actions/deleteItem');
import deleteTable = require('dynalite/actions/deleteTable');
import describeTable = require('dynalite/actions/describeTable');
import describeTimeToLive = require('dynalite/actions/describeTimeToLive');
import getItem = require('dynalite/actions/getItem');
import listTables = require('dynalite/actions/listTables');
import listTagsOfResource = require('dynalite/actions/listTagsOfResource');
import putItem = require('dynalite/actions/putItem');
import query = require('dynalite/actions/query');
import scan = require('dynalite/actions/scan');
import tagResource = require('dynalite/actions/tagResource');
import untagResource = require('dynalite/actions/untagResource');
import updateItem = require('dynalite/actions/updateItem');
import updateTable = require('dynalite/actions/updateTable');
import batchGetItemRules = require('dynalite/validations/batchGetItem');
import batchWriteItemRules = require('dynalite/validations/batchWriteItem');
import createTableRules = require('dynalite/validations/createTable');
import deleteItemRules = require('dynalite/validations/deleteItem');
import deleteTableRules = require('dynalite/validations/deleteTable');
import describeTableRules = require('dynalite/validations/describeTable');
import describeTimeToLiveRules = require('dynalite/validations/describeTimeToLive');
import getItemRules = require('dynalite/validations/getItem');
import listTablesRules = require('dynalite/validations/listTables');
import listTagsOfResourceRules = require('dynalite/validations/listTagsOfResource');
import putItemRules = require('dynalite/validations/putItem');
import queryRules = require('dynalite/validations/query');
import scanRules = require('dynalite/validations/scan');
import tagResourceRules = require('dynalite/validations/tagResource');
import untagResourceRules = require('dynalite/validations/untagResource');
import updateItemRules = require('dynalite/validations/updateItem');
import updateTableRules = require('dynalite/validations/updateTable');

type Action = (store: Store, data: Record<string, unknown>, cb: Callback<Record<string, unknown>>) => void;

/** Every operation dynalite implements: its action and its input validation. */
const OPERATIONS: Record<string, { action: Action; rules: ActionValidation }> = {
  BatchGetItem: { action: batchGetItem, rules: batchGetItemRules },
  BatchWriteItem: { action: batchWriteItem, rules: batchWriteItemRules },
  CreateTable: { action: createTable, rules: createTableRules },
  DeleteItem: { action: deleteItem, rules: deleteItemRules },
  DeleteTable: { action: deleteTable, rules: deleteTableRules },
  DescribeTable: { action: describeTable, rules: describeTableRules },
  DescribeTimeToLive: { action: describeTimeToLive, rules: describeTimeToLiveRules },
  GetItem: { action: getItem, rules: getItemRules },
  ListTables: { action: listTables, rules: listTablesRules },
  ListTagsOfResource: { action: listTagsOfResource, rules: listTagsOfResourceRules },
  PutItem: { action: putItem, rules: putItemRules },
  Query: { action: query, rules: queryRules },
  Scan: { action: scan, rules: scanRules },
  TagResource: { action: tagResource, rules: tagResourceRules },
  UntagResource: { action: untagResource, rules: untagResourceRules },
  UpdateItem: { action: updateItem, rules: updateItemRules },
  UpdateTable: { action: updateTable, rules: updateTableRules },
};

export type { Item, TableDescription };

/**
 * dynalite, in this process: its validations and actions called directly on its LevelDB store, with
 * no HTTP server, so nothing but the stage can reach the data. Every failure inside dynalite, thrown
 * at once or later in one of its callbacks, becomes that call's error; item locks it held are freed.
 *
 * @example
 * const engine = DynaliteEngine.open({});
 * await engine.run('ListTables', {});
 */
export class DynaliteEngine {
  private constructor(readonly store: Store) {}

  /** In memory, or in LevelDB files under `path`. Tables are ACTIVE at once (provisioning need not poll). */
  static open(options: { path?: string }): DynaliteEngine {
    useLinearTimeExpressionParsers();
    return new DynaliteEngine(
      db.create({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...options }),
    );
  }

  static isOperation(operation: string): boolean {
    return Object.hasOwn(OPERATIONS, operation);
  }

  /**
   * Validates `input` as dynalite does for `operation`; the result carries the parsed expressions.
   * Validation only reads the input, so an exception of its own (a TypeError on `null` where a map
   * belongs) means a member DynamoDB could not deserialize: 400 SerializationException, not a 500.
   * `inputOwned`: the caller hands the input over and never reads it again, so it is not copied first.
   */
  validate(
    operation: string,
    input: Record<string, unknown>,
    { inputOwned = false }: { inputOwned?: boolean } = {},
  ): Record<string, unknown> {
    const { rules } = operationOf(operation);
    try {
      // dynalite's type checks delete members from what they are given: a copy, unless no one else holds the input.
      const data = validations.checkTypes(inputOwned ? input : structuredClone(input), rules.types);
      validations.checkValidations(data, rules.types, rules.custom, this.store);
      return data;
    } catch (error) {
      const failure = asDynamoDbError(error);
      if (failure.status < 500) throw failure;
      throw new DynamoDbError(
        400,
        'SerializationException',
        `[local stage] A member of the request has a type DynamoDB does not accept there (${(error as Error)?.message})`,
        { namespace: 'com.amazon.coral.service#', cause: error },
      );
    }
  }

  /** Runs validated `data` on `store`: the real one, or a staging view of it for a transaction. */
  perform(
    operation: string,
    data: Record<string, unknown>,
    store: Store = this.store,
  ): Promise<Record<string, unknown>> {
    const { action } = operationOf(operation);
    return new Promise((resolve, reject) => {
      const call = new GuardedCall(resolve, reject);
      try {
        action(call.store(store), data, (error, output) => call.settle(error, output));
      } catch (error) {
        call.settle(error);
      }
    });
  }

  /** Validates and runs one operation; `inputOwned` as for `validate`. */
  run(
    operation: string,
    input: Record<string, unknown>,
    options: { inputOwned?: boolean } = {},
  ): Promise<Record<string, unknown>> {
    return this.perform(operation, this.validate(operation, input, options));
  }

  /** An ACTIVE table's description; ResourceNotFoundException if there is none. */
  table(name: string): Promise<TableDescription> {
    return callback<TableDescription>((cb) => this.store.getTable(name, true, cb));
  }

  /** The stored item under `key` (a key string from `keyOf`), if any. */
  async read(tableName: string, key: string): Promise<Item | undefined> {
    return (
      (await callback<Item | undefined>((cb) => this.store.getItemDb(tableName).get(key, cb))) ?? undefined
    );
  }

  /**
   * Takes dynalite's own item locks on `keys` of one table: the ones its PutItem, UpdateItem and
   * DeleteItem hold from reading an item to writing it. Resolves to the function that frees them.
   */
  lock(tableName: string, keys: string[]): Promise<() => void> {
    return new Promise((resolve) => {
      this.store.getItemDb(tableName).lock(keys, (release: Release) => resolve(release(noop)));
    });
  }

  /**
   * A view of the store for one transaction: reads see the stored data, writes (items and index
   * entries) are collected into `staged` instead, and item locks are taken as already held.
   */
  staging(staged: BatchOperation[]): Store {
    const store = this.store;
    return {
      ...store,
      getItemDb: (name: string) => stagingDb(store.getItemDb(name), `item-${name}~`, staged),
      getIndexDb: (indexType: string, tableName: string, indexName: string) =>
        stagingDb(
          store.getIndexDb(indexType, tableName, indexName),
          `index-${indexType.toLowerCase()}~${tableName}~${indexName}~`,
          staged,
        ),
    };
  }

  /** Writes what `staging` collected as one LevelDB batch: all of it is stored, or none. */
  commit(staged: BatchOperation[]): Promise<void> {
    if (staged.length === 0) return Promise.resolve();
    return callback<unknown>((cb) => this.store.db.batch(staged, cb)).then(() => undefined);
  }

  async close(): Promise<void> {
    const lifecycle = this.store.lifecycleManager;
    if (lifecycle) await new Promise<void>((resolve) => lifecycle.gracefulClose(() => resolve()));
  }
}

/** The key string dynalite stores an item under, or the ValidationException for a key that does not fit the table. */
export function keyOf(table: TableDescription, attributes: Item, whole: 'item' | 'key'): string {
  const invalid = whole === 'item' ? db.validateItem(attributes, table) : db.validateKey(attributes, table);
  if (invalid) throw asDynamoDbError(invalid);
  return db.createKey(attributes, table);
}

function operationOf(operation: string) {
  const known = OPERATIONS[operation];
  if (!known || !Object.hasOwn(OPERATIONS, operation)) {
    throw new DynamoDbError(400, 'UnknownOperationException', `Unknown operation ${operation}`, {
      namespace: 'com.amazon.coral.service#',
    });
  }
  return known;
}

function stagingDb(real: SubDb, prefix: string, staged: BatchOperation[]): SubDb {
  return {
    ...real,
    lock: (_key: string | string[], exec: (release: Release) => void) =>
      exec(
        (done) =>
          (...args: unknown[]) =>
            done?.(...args),
      ),
    put: (key: string, value: unknown, cb: Callback) => {
      staged.push({ type: 'put', key: `${prefix}${key}`, value });
      setImmediate(cb, null);
    },
    del: (key: string, cb: Callback) => {
      staged.push({ type: 'del', key: `${prefix}${key}` });
      setImmediate(cb, null);
    },
  };
}

/**
 * One call on the store. The store it is given is the store as this call sees it: every callback
 * dynalite passes to storage, table look-ups or locks runs under a guard that turns a throw into the
 * call's failure (and frees the locks the call took), instead of an uncaught exception that would end
 * the stage. The call settles once, with the first outcome.
 */
class GuardedCall {
  private readonly held: Release[] = [];
  private settled = false;

  constructor(
    private readonly resolve: (output: Record<string, unknown>) => void,
    private readonly reject: (error: DynamoDbError) => void,
  ) {}

  settle(error: unknown, output?: Record<string, unknown>): void {
    if (this.settled) return;
    this.settled = true;
    if (error) this.reject(asDynamoDbError(error));
    else this.resolve(output ?? {});
  }

  /** The store, its methods guarded; views inherit the rest (options, db, …) from it. */
  store(store: Store): Store {
    const view: Store = Object.create(store);
    view.tableDb = this.db(store.tableDb);
    view.getTable = (
      name: string,
      checkStatus: boolean | Callback<TableDescription>,
      cb?: Callback<TableDescription>,
    ) =>
      typeof checkStatus === 'function'
        ? store.getTable(name, this.guard(checkStatus) as Callback<TableDescription>)
        : store.getTable(name, checkStatus, this.guard(cb) as Callback<TableDescription>);
    view.getItemDb = (name: string) => this.db(store.getItemDb(name));
    view.getIndexDb = (indexType: string, tableName: string, indexName: string) =>
      this.db(store.getIndexDb(indexType, tableName, indexName));
    view.getTagDb = (name: string) => this.db(store.getTagDb(name));
    return view;
  }

  private db(sub: SubDb): SubDb {
    const view: SubDb = Object.create(sub);
    view.get = (key: string, cb: Callback<Item>) => sub.get(key, this.guard(cb) as Callback<Item>);
    view.put = (key: string, value: unknown, cb: Callback) => sub.put(key, value, this.guard(cb) as Callback);
    view.del = (key: string, cb: Callback) => sub.del(key, this.guard(cb) as Callback);
    view.batch = (operations: unknown[], cb: Callback) => sub.batch(operations, this.guard(cb) as Callback);
    view.lock = (key: string | string[], exec: (release: Release) => void) =>
      sub.lock(key, (release: Release) => {
        this.held.push(release);
        this.guard(exec)?.(release);
      });
    return view;
  }

  private guard<A extends unknown[]>(fn: ((...args: A) => unknown) | undefined) {
    if (typeof fn !== 'function') return fn;
    return (...args: A) => {
      try {
        fn(...args);
      } catch (error) {
        // Freeing twice is harmless: `lock` ignores a release of a key already released.
        for (const release of this.held.splice(0)) release(noop)();
        this.settle(error ?? new Error('dynalite failed'));
      }
    };
  }
}

const noop = () => undefined;

function callback<T>(start: (cb: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    try {
      start((error, value) => (error ? reject(asDynamoDbError(error)) : resolve(value as T)));
    } catch (error) {
      reject(asDynamoDbError(error));
    }
  });
}

/**
 * dynalite's answer to a bad request (it carries `statusCode` and the body DynamoDB sends) as a
 * DynamoDbError; anything else is the stage's own failure, an InternalServerError.
 */
export function asDynamoDbError(error: unknown): DynamoDbError {
  if (error instanceof DynamoDbError) return error;
  const failure = error as Error & DynaliteFailure;
  if (!failure?.statusCode || !failure.body) return internalServerError(error);
  const [namespace, type] = splitType(failure.body.__type);
  const message = failure.body.message ?? failure.body.Message ?? '';
  return new DynamoDbError(failure.statusCode, type, message, { namespace, cause: error });
}

function splitType(type: string): [string, string] {
  const hash = type.indexOf('#');
  return hash < 0 ? ['', type] : [type.slice(0, hash + 1), type.slice(hash + 1)];
}
