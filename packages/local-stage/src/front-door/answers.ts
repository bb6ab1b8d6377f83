import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { AwsError } from '../errors';

export interface Answer {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
  /** Set when the stage refused the request itself: the error it answered with. */
  refusal?: AwsError;
  /** For an API call: the function invoked and, when it failed, Lambda's error type. */
  invocation?: { functionName: string; errorType?: string };
}

/** How the body is framed on the wire: the front door's to decide, whatever a function answered. */
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

/** Writes an answer with the request id header every AWS endpoint sends. */
export function send(res: ServerResponse, answer: Answer, requestId: string): void {
  res.statusCode = answer.statusCode;
  for (const [name, value] of Object.entries(answer.headers)) {
    if (!FRAMING_HEADERS.has(name.toLowerCase())) res.setHeader(name, value);
  }
  if (!res.hasHeader('x-amzn-RequestId')) res.setHeader('x-amzn-RequestId', requestId);
  res.setHeader('Content-Length', answer.body.length);
  res.end(answer.body);
}

export function newRequestId(): string {
  return randomUUID();
}

/**
 * API Gateway's answer to a request it refuses: `{"message": …}` and `x-amzn-ErrorType`.
 * An IAM denial alone spells the key `Message`, as API Gateway does.
 */
export function restErrorAnswer(error: AwsError): Answer {
  const key = error.errorType === 'AccessDeniedException' ? 'Message' : 'message';
  return {
    statusCode: error.status,
    headers: { 'Content-Type': 'application/json', 'x-amzn-ErrorType': error.errorType },
    body: Buffer.from(JSON.stringify({ [key]: error.message })),
    refusal: error,
  };
}

/**
 * Authentication and authorization failures that JSON-protocol services (SSM, DynamoDB) answer with
 * 400 and a `com.amazon.coral.service#` type, where API Gateway answers 403.
 */
const CORAL_AUTH_ERRORS = new Set([
  'AccessDeniedException',
  'IncompleteSignatureException',
  'InvalidSignatureException',
  'MissingAuthenticationTokenException',
  'UnrecognizedClientException',
]);

/** An AWS JSON 1.0/1.1 error: `{"__type": …, "message": …}`. */
export function jsonErrorAnswer(error: AwsError, contentType: string): Answer {
  const isAuth = CORAL_AUTH_ERRORS.has(error.errorType);
  return {
    statusCode: isAuth ? 400 : error.status,
    headers: { 'Content-Type': contentType },
    body: Buffer.from(
      JSON.stringify({
        __type: isAuth ? `com.amazon.coral.service#${error.errorType}` : error.errorType,
        message: error.message,
      }),
    ),
    refusal: error,
  };
}

export function jsonAnswer(output: unknown, contentType: string): Answer {
  return {
    statusCode: 200,
    headers: { 'Content-Type': contentType },
    body: Buffer.from(JSON.stringify(output)),
  };
}

/** Any error as an AwsError: one the stage did not expect becomes a 500 with its message. */
export function asAwsError(error: unknown): AwsError {
  if (error instanceof AwsError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AwsError(500, 'InternalFailure', message, { cause: error });
}
