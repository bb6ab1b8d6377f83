import { HttpError, MisconfiguredServiceError, ServiceUnavailableError } from './errors';

/** The fields of an AWS SDK v3 service exception that say who is at fault. */
interface SdkError {
  name: string;
  message: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; requestId?: string };
  /** DynamoDB's TransactionCanceledException: one reason per item of the transaction. */
  CancellationReasons?: Array<{ Code?: string }>;
}

// The function's own credentials: the SDK could not load them, or AWS does not accept them.
const CREDENTIALS_ERRORS = new Set([
  'CredentialsProviderError',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'MissingAuthenticationTokenException',
]);
// The function's role or environment: a permission, a table or a region that is not there.
const CONFIGURATION_ERRORS = new Set([
  'AccessDeniedException',
  'ResourceNotFoundException',
  'UnauthorizedException',
]);
// AWS asks the caller to slow down or try later (DynamoDB, SSM and others use these names).
const BUSY_ERRORS = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'LimitExceededException',
  'ServiceUnavailable',
  'InternalServerError',
  'TimeoutError',
  // DynamoDB: a write met a transaction in progress on its item, or a token's transaction still runs.
  'TransactionConflictException',
  'TransactionInProgressException',
]);
// Why DynamoDB cancels a transaction when it is busy rather than the request wrong: throttled, or
// another transaction on an item ("TransactWriteItems", Errors, Amazon DynamoDB API Reference).
const BUSY_CANCELLATION_CODES = new Set([
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'TransactionConflict',
]);
// Reasons that say nothing against retrying: the item was fine, or its condition failed (a retry may
// then answer the conflict the service maps it to).
const NEUTRAL_CANCELLATION_CODES = new Set(['None', 'ConditionalCheckFailed']);

/**
 * For handlers: a `.catch` step that turns an AWS SDK error from the service's own resources (its
 * table, its parameters) into an answer that names the party at fault, instead of an unexplained
 * 500. The function's credentials or configuration (a missing permission or table) → 500
 * MisconfiguredServiceError `{ fault: 'caller' }`; AWS throttling, failing or unreachable, or a
 * DynamoDB transaction cancelled because it was throttled or met another one → 503 `{ fault: 'aws' }`. Both carry the AWS error type and request id; HttpErrors and anything else
 * (a bug) are rethrown unchanged.
 *
 * @example
 * const order = await orders.placeOrder(input).catch(usersErrorToHttp).catch(awsErrorToHttp('store the order'));
 */
export function awsErrorToHttp(action: string): (error: unknown) => never {
  return (error) => {
    if (error instanceof HttpError || !isSdkError(error)) throw error;
    const details = { errorType: error.name, requestId: error.$metadata?.requestId };
    if (CREDENTIALS_ERRORS.has(error.name) || CONFIGURATION_ERRORS.has(error.name)) {
      const what = CREDENTIALS_ERRORS.has(error.name)
        ? 'its own AWS credentials'
        : 'its own role or resources';
      const message = `This service cannot ${action}: ${what} are at fault (${error.name})`;
      throw new MisconfiguredServiceError(message, { fault: 'caller', ...details }, { cause: error });
    }
    if (
      BUSY_ERRORS.has(error.name) ||
      error.$fault === 'server' ||
      isNetworkError(error) ||
      isBusyCancellation(error)
    ) {
      const message = `This service cannot ${action} now: AWS did not serve the request (${error.name})`;
      throw new ServiceUnavailableError(message, { fault: 'aws', ...details }, { cause: error });
    }
    throw error;
  };
}

function isSdkError(error: unknown): error is SdkError {
  return error instanceof Error && ('$metadata' in error || error.name === 'CredentialsProviderError');
}

// No HTTP answer at all: the SDK gives up with Node's network error codes.
function isNetworkError(error: SdkError): boolean {
  return error.$metadata?.httpStatusCode === undefined && /^E[A-Z]+$/.test(error.code ?? '');
}

function isBusyCancellation(error: SdkError): boolean {
  if (error.name !== 'TransactionCanceledException') return false;
  const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
  return (
    codes.some((code) => BUSY_CANCELLATION_CODES.has(code)) &&
    codes.every((code) => BUSY_CANCELLATION_CODES.has(code) || NEUTRAL_CANCELLATION_CODES.has(code))
  );
}
