/**
 * An error whose status and JSON body reach the caller as they are. Throw one (or a subclass) from
 * a handler wrapped by `jsonHandler`; anything else becomes a 500.
 *
 * @example
 * throw new HttpError(418, 'I am a teapot', { brew: 'tea' });
 */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly details?: Record<string, unknown>;

  constructor(
    statusCode: number,
    message: string,
    details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
    this.statusCode = statusCode;
    this.details = details;
  }

  /** The JSON body sent to the caller: the message first, then the details (which cannot replace it). */
  toBody(): Record<string, unknown> {
    const body: Record<string, unknown> = { message: this.message, ...this.details };
    body.message = this.message;
    return body;
  }
}

type Details = Record<string, unknown>;
type Options = { cause?: unknown };

/** 400: the request is malformed or fails validation. @example throw new BadRequestError('Invalid request body', { fields }); */
export class BadRequestError extends HttpError {
  constructor(message: string, details?: Details, options?: Options) {
    super(400, message, details, options);
  }
}

/** 404: the resource does not exist. @example throw new NotFoundError(`User ${id} not found`); */
export class NotFoundError extends HttpError {
  constructor(message: string, details?: Details, options?: Options) {
    super(404, message, details, options);
  }
}

/** 409: the request conflicts with the current state. @example throw new ConflictError('Email already registered'); */
export class ConflictError extends HttpError {
  constructor(message: string, details?: Details, options?: Options) {
    super(409, message, details, options);
  }
}

/** 413: the body is larger than the route accepts. @example throw new PayloadTooLargeError('Body over 64 KiB'); */
export class PayloadTooLargeError extends HttpError {
  constructor(message: string, details?: Details, options?: Options) {
    super(413, message, details, options);
  }
}

/** 415: the body's Content-Type is not one the route reads. @example throw new UnsupportedMediaTypeError('Send JSON'); */
export class UnsupportedMediaTypeError extends HttpError {
  constructor(message: string, details?: Details, options?: Options) {
    super(415, message, details, options);
  }
}

/** 422: well-formed, but refers to something that does not exist or cannot be used. @example throw new UnprocessableEntityError('User 42 does not exist'); */
export class UnprocessableEntityError extends HttpError {
  constructor(message: string, details?: Details, options?: Options) {
    super(422, message, details, options);
  }
}

/**
 * 500 with a reason: this service cannot do its work as deployed, and the fault is its own
 * configuration (its AWS credentials cannot be loaded, its role lacks a permission, a variable or a
 * table is missing), not the request and not the service it calls. The message names the problem,
 * so the answer is never an unexplained 500.
 *
 * @example throw new MisconfiguredServiceError('This service cannot load its AWS credentials', { fault: 'caller' });
 */
export class MisconfiguredServiceError extends HttpError {
  constructor(message: string, details?: Details, options?: Options) {
    super(500, message, details, options);
  }
}

/** 502: an upstream service refused or failed. @example throw new BadGatewayError('users failed', { upstream }); */
export class BadGatewayError extends HttpError {
  constructor(message: string, details?: Details, options?: Options) {
    super(502, message, details, options);
  }
}

/** 503: an upstream service cannot be reached or found. @example throw new ServiceUnavailableError('users unreachable'); */
export class ServiceUnavailableError extends HttpError {
  constructor(message: string, details?: Details, options?: Options) {
    super(503, message, details, options);
  }
}

/** 504: an upstream service did not answer in time. @example throw new GatewayTimeoutError('users timed out'); */
export class GatewayTimeoutError extends HttpError {
  constructor(message: string, details?: Details, options?: Options) {
    super(504, message, details, options);
  }
}
