// dynalite ships no types; these are the parts of it the stage uses. The stage calls dynalite's own
// validations and actions in-process (no HTTP server), so the internal modules are typed here too;
// `dynalite-internals.test.ts` pins the behaviour the stage relies on.

declare module 'dynalite/db' {
  /** A DynamoDB attribute value in its wire shape (`{"S": "x"}`, `{"M": {…}}`, …). */
  export type AttributeValue = Record<string, unknown>;
  export type Item = Record<string, AttributeValue>;

  export interface TableDescription {
    TableName: string;
    TableStatus: string;
    KeySchema: Array<{ AttributeName: string; KeyType: 'HASH' | 'RANGE' }>;
    AttributeDefinitions: Array<{ AttributeName: string; AttributeType: string }>;
    LocalSecondaryIndexes?: unknown[];
    GlobalSecondaryIndexes?: unknown[];
  }

  export type Callback<T = unknown> = (err: (Error & DynaliteFailure) | null | undefined, value?: T) => void;

  /** The shape of an error dynalite answers a request with. */
  export interface DynaliteFailure {
    statusCode?: number;
    body?: { __type: string; message?: string; Message?: string };
  }

  /** `release(done)` gives a function that frees the key(s) and then calls `done`. */
  export type Release = (done?: (...args: unknown[]) => void) => (...args: unknown[]) => void;

  /** One table's items (or one index's entries), keyed by the strings `createKey` builds. */
  export interface SubDb {
    get(key: string, cb: Callback<Item>): void;
    put(key: string, value: unknown, cb: Callback): void;
    del(key: string, cb: Callback): void;
    batch(operations: unknown[], cb: Callback): void;
    lock(key: string | string[], exec: (release: Release) => void): void;
    [other: string]: unknown;
  }

  export interface BatchOperation {
    type: 'put' | 'del';
    key: string;
    value?: unknown;
  }

  export interface Store {
    options: { maxItemSize: number; [option: string]: unknown };
    db: { batch(operations: BatchOperation[], cb: Callback): void };
    tableDb: SubDb;
    getTable(
      name: string,
      checkStatus: boolean | Callback<TableDescription>,
      cb?: Callback<TableDescription>,
    ): void;
    getItemDb(tableName: string): SubDb;
    getIndexDb(indexType: string, tableName: string, indexName: string): SubDb;
    getTagDb(tableName: string): SubDb;
    lifecycleManager?: {
      gracefulClose(cb: (err?: Error) => void): void;
      forceClose(cb: (err?: Error) => void): void;
    };
    [other: string]: unknown;
  }

  export function create(options: {
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
  }): Store;
  export function createKey(item: Item, table: TableDescription): string;
  export function validateKey(
    key: Item,
    table: TableDescription,
  ): (Error & DynaliteFailure) | null | undefined;
  export function validateItem(
    item: Item,
    table: TableDescription,
  ): (Error & DynaliteFailure) | null | undefined;
}

declare module 'dynalite/validations' {
  import type { Store } from 'dynalite/db';

  export interface ActionValidation {
    types: Record<string, unknown>;
    custom?: (data: Record<string, unknown>, store?: Store) => string | undefined;
  }
  export function checkTypes(
    data: Record<string, unknown>,
    types: Record<string, unknown>,
  ): Record<string, unknown>;
  export function checkValidations(
    data: Record<string, unknown>,
    types: Record<string, unknown>,
    custom: ActionValidation['custom'],
    store: Store,
  ): void;
}

declare module 'dynalite/actions/*' {
  import type { Callback, Store } from 'dynalite/db';

  /** One DynamoDB operation on validated input. */
  const action: (store: Store, data: Record<string, unknown>, cb: Callback<Record<string, unknown>>) => void;
  export = action;
}

declare module 'dynalite/validations/*' {
  import type { ActionValidation } from 'dynalite/validations';

  const validation: ActionValidation;
  export = validation;
}
