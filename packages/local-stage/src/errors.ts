/**
 * The local stage's one error hierarchy.
 *
 * `AwsError` is an answer: the front door renders it in the protocol of the service that was called
 * (REST JSON for execute-api, `__type` JSON for ssm and dynamodb) with the status, `x-amzn-ErrorType`
 * and message that AWS sends. Every other `LocalStageError` is a problem with the stage itself
 * (a template it cannot provision, a service that is not packaged) and stops it with a message.
 */
export class LocalStageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class AwsError extends LocalStageError {
  /**
   * @param status HTTP status AWS answers with, e.g. 403
   * @param errorType AWS's error type, e.g. `InvalidSignatureException`
   * @param message AWS's message, word for word where AWS's is known
   */
  constructor(
    readonly status: number,
    readonly errorType: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A template construct the local stage does not provision; names where it stands. */
export class TemplateError extends LocalStageError {
  constructor(
    readonly stackName: string,
    readonly logicalId: string | undefined,
    readonly propertyPath: string | undefined,
    problem: string,
  ) {
    const where = [logicalId, propertyPath].filter(Boolean).join('.');
    super(`Stack ${stackName}${where ? `, ${where}` : ''}: ${problem}`);
  }
}
