import { AwsError } from '../errors';

/** The `__type` namespaces DynamoDB's JSON 1.0 errors use. */
const VALIDATE = 'com.amazon.coral.validate#';
const SERVICE = 'com.amazonaws.dynamodb.v20120810#';

/**
 * An error DynamoDB answers with: AWS's status, `__type` and message, plus the members some errors
 * carry (`CancellationReasons` of a cancelled transaction).
 */
export class DynamoDbError extends AwsError {
  readonly members: Record<string, unknown>;
  private readonly namespace: string;

  /**
   * @param details.members further members of the error body, e.g. `CancellationReasons`
   * @param details.namespace the `__type` prefix, when not the one DynamoDB uses for `errorType`
   */
  constructor(
    status: number,
    errorType: string,
    message: string,
    details: { members?: Record<string, unknown>; namespace?: string; cause?: unknown } = {},
  ) {
    super(status, errorType, message, { cause: details.cause });
    this.members = details.members ?? {};
    this.namespace = details.namespace ?? (errorType === 'ValidationException' ? VALIDATE : SERVICE);
  }

  /**
   * The JSON body DynamoDB sends. `TransactionCanceledException` spells its message `Message`, as
   * DynamoDB does; the others `message`.
   *
   * @example validationException('x').body() // { __type: 'com.amazon.coral.validate#ValidationException', message: 'x' }
   */
  body(): Record<string, unknown> {
    const key = this.errorType === 'TransactionCanceledException' ? 'Message' : 'message';
    return { __type: `${this.namespace}${this.errorType}`, ...this.members, [key]: this.message };
  }
}

export function validationException(message: string): DynamoDbError {
  return new DynamoDbError(400, 'ValidationException', message);
}

/** DynamoDB's answer for a table that does not exist (in this account and region). */
export function resourceNotFound(): DynamoDbError {
  return new DynamoDbError(400, 'ResourceNotFoundException', 'Requested resource not found');
}

/** The stage failed on its own; AWS's `InternalServerError`, with no detail for the caller. */
export function internalServerError(cause: unknown): DynamoDbError {
  return new DynamoDbError(500, 'InternalServerError', 'Internal server error', { cause });
}

/** One item's outcome in a cancelled transaction (`CancellationReason` in the API reference). */
export interface CancellationReason {
  Code: 'None' | 'ConditionalCheckFailed' | 'ValidationError';
  Message?: string;
  Item?: Record<string, unknown>;
}

/**
 * TransactWriteItems' refusal: one reason per item, in request order, and the codes in the message.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html#API_TransactWriteItems_Errors
 *
 * @example transactionCanceled([{ Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' }, { Code: 'None' }])
 * // message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]'
 */
export function transactionCanceled(reasons: CancellationReason[]): DynamoDbError {
  const codes = reasons.map((reason) => reason.Code).join(', ');
  return new DynamoDbError(
    400,
    'TransactionCanceledException',
    `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes}]`,
    { members: { CancellationReasons: reasons } },
  );
}

/** Same ClientRequestToken, different request, within the idempotency window. */
export function idempotentParameterMismatch(): DynamoDbError {
  return new DynamoDbError(
    400,
    'IdempotentParameterMismatchException',
    'DynamoDB rejected the request because you retried a request with a different payload but with an idempotent token that was already used.',
  );
}
