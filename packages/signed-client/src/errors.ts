/**
 * Which request failed. `url` never carries a query string, user info or credentials, so an error can
 * be logged as it is.
 */
export interface RequestContext {
  method?: string;
  url?: string;
  callee?: string;
}

/** Base of every error this package throws: `err instanceof SignedClientError` catches them all. */
export class SignedClientError extends Error {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly callee: string | undefined;

  constructor(message: string, context: RequestContext = {}, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = new.target.name;
    this.method = context.method;
    this.url = context.url;
    this.callee = context.callee;
  }
}

/** The client cannot work as configured (no region, a body that cannot be signed, a malformed URL…). */
export class SignedClientConfigError extends SignedClientError {}

/** The credentials provider failed or returned no usable key pair. */
export class CredentialsError extends SignedClientError {}

/** What AWS says about a failed request, read from the response. */
export interface HttpStatusDetails {
  status: number;
  /** `x-amzn-ErrorType` without its `:http://internal.amazon.com/…` suffix, e.g. `AccessDeniedException`. */
  errorType?: string;
  /** `x-amzn-RequestId`: quote it when asking AWS (or the callee's team) about the request. */
  requestId?: string;
  /** `message` or `Message` of the JSON body, as API Gateway and AWS services send it. */
  awsMessage?: string;
  /** The response body after axios's transforms (parsed JSON when it was JSON). */
  body?: unknown;
}

/**
 * The callee answered with a status that `validateStatus` rejects (by default anything but 2xx).
 * A caller detects a missing resource with `err instanceof HttpStatusError && err.status === 404`.
 */
export class HttpStatusError extends SignedClientError {
  readonly status: number;
  readonly errorType: string | undefined;
  readonly requestId: string | undefined;
  readonly awsMessage: string | undefined;
  readonly body: unknown;

  constructor(message: string, context: RequestContext, details: HttpStatusDetails) {
    super(message, context);
    this.status = details.status;
    this.errorType = details.errorType;
    this.requestId = details.requestId;
    this.awsMessage = details.awsMessage;
    this.body = details.body;
  }
}

/** No HTTP response at all: connection refused or reset, DNS failure… `code` is Node's, e.g. `ECONNREFUSED`. */
export class NetworkError extends SignedClientError {
  readonly code: string | undefined;

  constructor(
    message: string,
    context: RequestContext,
    code: string | undefined,
    options: { cause?: unknown },
  ) {
    super(message, context, options);
    this.code = code;
  }
}

/** No response within `timeoutMs` (for the last attempt, after any retries). */
export class RequestTimeoutError extends SignedClientError {}
