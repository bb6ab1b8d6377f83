import {
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
} from '../../src';

describe('HttpError subclasses', () => {
  it.each([
    [BadRequestError, 400],
    [NotFoundError, 404],
    [ConflictError, 409],
    [PayloadTooLargeError, 413],
    [UnsupportedMediaTypeError, 415],
    [UnprocessableEntityError, 422],
    [BadGatewayError, 502],
    [ServiceUnavailableError, 503],
    [GatewayTimeoutError, 504],
  ])('%p carries status %p, its own name, details and cause', (ErrorClass, status) => {
    const cause = new Error('root');
    const error = new ErrorClass('msg', { extra: 1 }, { cause });
    expect(error).toBeInstanceOf(HttpError);
    expect(error.statusCode).toBe(status);
    expect(error.name).toBe(ErrorClass.name);
    expect(error.cause).toBe(cause);
    expect(error.toBody()).toEqual({ message: 'msg', extra: 1 });
  });
});
