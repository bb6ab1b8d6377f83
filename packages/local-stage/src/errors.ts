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

/** What an IAM denial refused, for the stage's terminal and its access report. */
export interface AccessDenial {
  /** The principal refused, e.g. `arn:aws:sts::000000000000:assumed-role/orders-role/session`. */
  principal: string;
  action: string;
  resource: string;
  /** Why, in a sentence, when the stage can say more than AWS's message does. */
  explanation?: string;
}

/** AWS's `AccessDeniedException` (403), carrying what was refused. */
export class AccessDeniedError extends AwsError {
  constructor(
    message: string,
    readonly denial: AccessDenial,
    options?: { cause?: unknown },
  ) {
    super(403, 'AccessDeniedException', message, options);
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
