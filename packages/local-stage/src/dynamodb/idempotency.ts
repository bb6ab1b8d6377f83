import { createHash } from 'node:crypto';
import { idempotentParameterMismatch } from './dynamodb-errors';

/**
 * "A client request token is valid for 10 minutes after the first request that uses it is completed."
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html#DDB-TransactWriteItems-request-ClientRequestToken
 */
export const IDEMPOTENCY_WINDOW_MS = 10 * 60 * 1000;

interface Completed {
  fingerprint: string;
  output: Record<string, unknown>;
  completedAt: number;
}

/**
 * The ClientRequestTokens of transactions that completed: the same token with the same request
 * within the window gets the first answer again and writes nothing; with a different request,
 * IdempotentParameterMismatchException. A cancelled transaction leaves no token behind (it wrote
 * nothing, so running it again is safe), as DynamoDB Local behaves. Kept in memory: a restarted
 * stage has forgotten them.
 *
 * @example
 * const tokens = new IdempotencyTokens();
 * tokens.recall('t1', request) ?? tokens.remember('t1', request, await run(request));
 */
export class IdempotencyTokens {
  private readonly completed = new Map<string, Completed>();
  private readonly now: () => number;

  constructor(options: { now?: () => number } = {}) {
    this.now = options.now ?? Date.now;
  }

  /** The answer of an earlier request with this token, if it is still remembered. */
  recall(token: string, request: Record<string, unknown>): Record<string, unknown> | undefined {
    this.forgetExpired();
    const earlier = this.completed.get(token);
    if (!earlier) return undefined;
    if (earlier.fingerprint !== fingerprintOf(request)) throw idempotentParameterMismatch();
    return earlier.output;
  }

  remember(
    token: string,
    request: Record<string, unknown>,
    output: Record<string, unknown>,
  ): Record<string, unknown> {
    this.completed.set(token, { fingerprint: fingerprintOf(request), output, completedAt: this.now() });
    return output;
  }

  private forgetExpired(): void {
    const oldest = this.now() - IDEMPOTENCY_WINDOW_MS;
    // A Map iterates in insertion order, which is completion order: stop at the first one still valid.
    for (const [token, { completedAt }] of this.completed) {
      if (completedAt > oldest) break;
      this.completed.delete(token);
    }
  }
}

/**
 * What must be the same for a retry to count as the same request: everything but the token and the
 * capacity report, whose answer DynamoDB says may differ between identical calls.
 */
function fingerprintOf(request: Record<string, unknown>): string {
  const { ClientRequestToken: _token, ReturnConsumedCapacity: _capacity, ...rest } = request;
  // A digest, so ten minutes of remembered tokens under load stay small.
  return createHash('sha256').update(canonicalJson(rest)).digest('base64');
}

/** JSON with object keys sorted, so the order an SDK happens to send members in does not matter. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
