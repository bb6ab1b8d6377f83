export {
  BadGatewayError,
  BadRequestError,
  ConflictError,
  GatewayTimeoutError,
  HttpError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  UnprocessableEntityError,
  UnsupportedMediaTypeError,
} from './errors';
export { type HttpResult, jsonHandler, type RequestContext, type RouteHandler } from './json-handler';
export { childLogger, createJsonLogger, type JsonLoggerOptions, type Logger } from './logger';
export { parseInput } from './parse-input';
export { DEFAULT_MAX_BODY_BYTES, parseJsonBody } from './parse-json-body';
export { type FieldError, toFieldErrors } from './zod-fields';
