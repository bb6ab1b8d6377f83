import { DynaliteEngine } from './dynalite-engine';
import { DynamoDbError, internalServerError } from './dynamodb-errors';
import { assertExpressionsWithinLimits } from './expression-limits';
import { assertNestingWithinLimits } from './nesting';
import { type TableScope, withTableNames } from './table-names';
import { Transactions } from './transactions';

export interface DynamoDbAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface DynaliteBackendOptions extends Partial<TableScope> {
  /** LevelDB files here; in memory when absent. */
  path?: string;
  /** Where a failure of the stage itself (an InternalServerError) is reported. */
  log?: (line: string) => void;
  /** For the idempotency window of transactions. Default: the system clock. */
  now?: () => number;
}

/**
 * DynamoDB on this machine: dynalite, in memory or in LevelDB files under `path`, called in-process.
 * It listens on no port: the front door, having authenticated and authorized a call, is the only
 * way in. On top of dynalite: TransactWriteItems and TransactGetItems, table ARNs as table names,
 * and DynamoDB's limits that dynalite does not check (32 levels of nested attributes, 4 KB
 * expressions), checked before dynalite's recursive code sees the request.
 */
export class DynaliteBackend {
  private constructor(
    private readonly engine: DynaliteEngine,
    private readonly transactions: Transactions,
    private readonly scope: TableScope,
    private readonly log: (line: string) => void,
  ) {}

  /** @example const db = await DynaliteBackend.start({ path: '.local-stage/data/dynamodb' }) */
  static async start(options: DynaliteBackendOptions = {}): Promise<DynaliteBackend> {
    const engine = DynaliteEngine.open(options.path ? { path: options.path } : {});
    await engine.run('ListTables', {}); // opens LevelDB now: a locked or unreadable folder fails the start
    return new DynaliteBackend(
      engine,
      new Transactions({ engine, now: options.now }),
      { region: options.region ?? 'us-east-1', accountId: options.accountId ?? '000000000000' },
      options.log ?? ((line) => console.error(line)),
    );
  }

  /**
   * Runs one DynamoDB JSON 1.0 call (already authenticated and authorized) and answers as DynamoDB
   * does. Never rejects: any failure is this call's error answer. `inputOwned`: the input is the
   * call's own (a body just parsed) and is never read again, so validation may change it in place.
   *
   * @example await db.handle('GetItem', { TableName: 'users-local', Key: { id: { S: '42' } } })
   */
  async handle(
    operation: string,
    input: Record<string, unknown>,
    options: { inputOwned?: boolean } = {},
  ): Promise<DynamoDbAnswer> {
    try {
      return answer(200, await this.output(operation, input, options));
    } catch (error) {
      const failure = error instanceof DynamoDbError ? error : internalServerError(error);
      if (failure.status >= 500) {
        this.log(
          `dynamodb: ${operation} failed inside the stage: ${String((error as Error)?.stack ?? error)}`,
        );
      }
      return answer(failure.status, failure.body());
    }
  }

  /** Calls DynamoDB directly, for provisioning tables. */
  async call(
    operation: string,
    input: unknown,
  ): Promise<{ statusCode: number; output: Record<string, unknown> }> {
    const { statusCode, body } = await this.handle(operation, input as Record<string, unknown>);
    return { statusCode, output: JSON.parse(body.toString('utf8')) };
  }

  async stop(): Promise<void> {
    await this.engine.close();
  }

  private async output(
    operation: string,
    given: Record<string, unknown>,
    options: { inputOwned?: boolean },
  ): Promise<Record<string, unknown>> {
    assertNestingWithinLimits(given);
    assertExpressionsWithinLimits(given);
    const { input, renameOutput } = withTableNames(given, this.scope);
    if (operation === 'TransactWriteItems') return this.transactions.write(input);
    if (operation === 'TransactGetItems') return this.transactions.get(input);
    const output = await this.engine.run(operation, input, options);
    if (operation === 'CreateTable') await this.untilActive(String(input.TableName));
    return renameOutput(output);
  }

  /** dynalite makes a new table ACTIVE on its next timer tick; answer once it is, as if at once. */
  private async untilActive(tableName: string): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      if (
        await this.engine.table(tableName).then(
          () => true,
          () => false,
        )
      )
        return;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
}

function answer(statusCode: number, output: unknown): DynamoDbAnswer {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/x-amz-json-1.0' },
    body: Buffer.from(JSON.stringify(output)),
  };
}
