export { awsErrorToHttp } from './aws-errors';
export {
  BadGatewayError,
  BadRequestError,
  ConflictError,
  GatewayTimeoutError,
  HttpError,
  MisconfiguredServiceError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  UnprocessableEntityError,
  UnsupportedMediaTypeError,
} from './errors';
export { type InvocationClock, remainingInvocationTimeMs, withinInvocation } from './invocation-time';
export { type HttpResult, jsonHandler, type RequestContext, type RouteHandler } from './json-handler';
export { childLogger, createJsonLogger, type JsonLoggerOptions, type Logger } from './logger';
export { parseInput } from './parse-input';
export { DEFAULT_MAX_BODY_BYTES, parseJsonBody } from './parse-json-body';
export { requiredEnv } from './required-env';
export { isWellFormedText, NOT_WELL_FORMED } from './well-formed-text';
export { type FieldError, toFieldErrors } from './zod-fields';
