import {
  BadGatewayError,
  GatewayTimeoutError,
  MisconfiguredServiceError,
  ServiceUnavailableError,
  UnprocessableEntityError,
} from '@internal-apis/lambda-http';

/** Why the users API could not answer: it refused, failed, could not be reached, timed out, or could not be found. */
export type UsersUnavailableKind = 'denied' | 'failed' | 'unreachable' | 'timeout' | 'discovery';

/** What the users API (or API Gateway in front of it) said about a failed call. */
export interface UpstreamDetails {
  status?: number;
  /** `x-amzn-ErrorType`, e.g. `AccessDeniedException` when the caller's role may not invoke the route. */
  errorType?: string;
  /** `x-amzn-RequestId`: quote it to find the call in the users API's logs. */
  requestId?: string;
}

/** Base of every error the users client throws. `callee` is always `'users'`. */
export class UsersClientError extends Error {
  readonly callee = 'users';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** 404: no user has this id (or email). */
export class UserNotFoundError extends UsersClientError {
  constructor(
    readonly lookup: { id: string } | { email: string },
    options?: { cause?: unknown },
  ) {
    super('id' in lookup ? `User ${lookup.id} not found` : `No user with email ${lookup.email}`, options);
  }
}

/** 409: another user already has this email. */
export class EmailTakenError extends UsersClientError {}

/** 400: the users API rejected the input; `fields` names each field at fault. */
export class UserValidationError extends UsersClientError {
  constructor(
    message: string,
    readonly fields: Array<{ path: string; message: string }>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The users API could not serve the call; `kind` says why, the rest is what AWS reported. */
export class UsersUnavailableError extends UsersClientError {
  readonly status?: number;
  readonly errorType?: string;
  readonly requestId?: string;

  constructor(
    readonly kind: UsersUnavailableKind,
    message: string,
    details: UpstreamDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.status = details.status;
    this.errorType = details.errorType;
    this.requestId = details.requestId;
  }
}

/** What in the calling service's own set-up is wrong: its AWS credentials, or its configuration. */
export type CallerConfigurationKind = 'credentials' | 'configuration';

/**
 * The calling service itself cannot call users, whatever users would say: its AWS credentials
 * cannot be loaded (`credentials`), or it lacks a stage, a region or a sendable request
 * (`configuration`). Nothing was sent to users; the message names the problem to fix.
 */
export class CallerConfigurationError extends UsersClientError {
  constructor(
    readonly kind: CallerConfigurationKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Who a failed call is down to: this service, finding users (SSM), or the users API. */
export type Fault = 'caller' | 'discovery' | 'callee';

// What a caller answers when users is unavailable: 502 when users answered badly (or refused), 503
// when it could not be reached or located, 504 when it did not answer in time.
const HTTP_ERROR_FOR_KIND: Record<
  UsersUnavailableKind,
  { errorClass: typeof BadGatewayError; message: string; fault: Fault }
> = {
  denied: { errorClass: BadGatewayError, message: 'The users service refused the request', fault: 'callee' },
  failed: { errorClass: BadGatewayError, message: 'The users service failed', fault: 'callee' },
  unreachable: {
    errorClass: ServiceUnavailableError,
    message: 'The users service is unreachable',
    fault: 'callee',
  },
  discovery: {
    errorClass: ServiceUnavailableError,
    message: 'The users service could not be located',
    fault: 'discovery',
  },
  timeout: {
    errorClass: GatewayTimeoutError,
    message: 'The users service did not answer in time',
    fault: 'callee',
  },
};

// This service's own problem: a 500 that says what to fix (the details are in the error log line).
const MESSAGE_FOR_CALLER_FAULT: Record<CallerConfigurationKind, string> = {
  credentials: 'This service cannot call users: its own AWS credentials could not be loaded',
  configuration: 'This service cannot call users: it is not configured to (see its error log)',
};

/**
 * For callers' handlers: turns users client errors into the HTTP errors the caller should answer
 * with, each naming the party at fault in `upstream.fault`. UserNotFoundError → 422 (the caller's
 * input names a user that does not exist); UsersUnavailableError → 502 (users denied or failed), 503
 * (unreachable, or users could not be located: `fault: 'discovery'`) or 504 (timeout), with
 * `{ upstream: { callee, fault, kind, status, errorType, requestId } }`; CallerConfigurationError →
 * 500 saying this service's own credentials or configuration are at fault (`fault: 'caller'`).
 * Anything else is rethrown.
 *
 * @example
 * const user = await users.getUser(input.userId).catch(usersErrorToHttp);
 */
export function usersErrorToHttp(error: unknown): never {
  if (error instanceof UserNotFoundError) {
    const subject = 'id' in error.lookup ? error.lookup.id : `with email ${error.lookup.email}`;
    throw new UnprocessableEntityError(`User ${subject} does not exist`, undefined, { cause: error });
  }
  if (error instanceof UsersUnavailableError) {
    const { callee, kind, status, errorType, requestId } = error;
    const { errorClass: HttpErrorClass, message, fault } = HTTP_ERROR_FOR_KIND[kind];
    const upstream = { callee, fault, kind, status, errorType, requestId };
    throw new HttpErrorClass(message, { upstream }, { cause: error });
  }
  if (error instanceof CallerConfigurationError) {
    const upstream = { callee: error.callee, fault: 'caller', kind: error.kind };
    throw new MisconfiguredServiceError(MESSAGE_FOR_CALLER_FAULT[error.kind], { upstream }, { cause: error });
  }
  throw error;
}
