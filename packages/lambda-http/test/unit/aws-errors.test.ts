import {
  awsErrorToHttp,
  type HttpError,
  MisconfiguredServiceError,
  NotFoundError,
  ServiceUnavailableError,
} from '../../src';

/** An error shaped as the AWS SDK v3 throws it. */
function sdkError(name: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} message`), {
    name,
    $metadata: { httpStatusCode: 400, requestId: 'REQ-1' },
    ...extra,
  });
}

function answerFor(error: unknown): unknown {
  try {
    awsErrorToHttp('store the order')(error);
  } catch (thrown) {
    return thrown;
  }
  throw new Error('awsErrorToHttp returned');
}

describe('awsErrorToHttp', () => {
  it.each([
    ['CredentialsProviderError', 'its own AWS credentials'],
    ['UnrecognizedClientException', 'its own AWS credentials'],
    ['ExpiredTokenException', 'its own AWS credentials'],
    ['AccessDeniedException', 'its own role or resources'],
    ['ResourceNotFoundException', 'its own role or resources'],
  ])('answers %s with a 500 naming the caller’s own configuration', (name, what) => {
    const cause = sdkError(name);
    const answer = answerFor(cause) as HttpError;

    expect(answer).toBeInstanceOf(MisconfiguredServiceError);
    expect(answer.cause).toBe(cause);
    expect(answer.toBody()).toEqual({
      message: `This service cannot store the order: ${what} are at fault (${name})`,
      fault: 'caller',
      errorType: name,
      requestId: 'REQ-1',
    });
  });

  it.each([
    sdkError('ProvisionedThroughputExceededException'),
    sdkError('ThrottlingException'),
    sdkError('InternalServerError', { $fault: 'server', $metadata: { httpStatusCode: 500 } }),
    sdkError('Error', { code: 'ECONNREFUSED', $metadata: { attempts: 3 } }),
    sdkError('TimeoutError', { $metadata: {} }),
    sdkError('TransactionConflictException'),
    sdkError('TransactionCanceledException', {
      CancellationReasons: [{ Code: 'None' }, { Code: 'ThrottlingError' }],
    }),
    sdkError('TransactionCanceledException', {
      CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'TransactionConflict' }],
    }),
  ])('answers AWS being busy, failing or unreachable (%s) with a 503', (cause) => {
    const answer = answerFor(cause) as HttpError;
    expect(answer).toBeInstanceOf(ServiceUnavailableError);
    expect(answer.toBody()).toMatchObject({ fault: 'aws', errorType: cause.name });
  });

  it('rethrows HttpErrors, other SDK errors (a bug, such as a ValidationException) and plain errors', () => {
    const invalidTransaction = sdkError('TransactionCanceledException', {
      CancellationReasons: [{ Code: 'ValidationError' }, { Code: 'ThrottlingError' }],
    });
    const conditionsOnly = sdkError('TransactionCanceledException', {
      CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
    });
    const errors = [new NotFoundError('x'), sdkError('ValidationException'), new TypeError('bug')];
    for (const error of [...errors, invalidTransaction, conditionsOnly]) {
      expect(answerFor(error)).toBe(error);
    }
  });
});
