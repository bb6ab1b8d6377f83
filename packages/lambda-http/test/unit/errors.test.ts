import {
  BadGatewayError,
  BadRequestError,
  ConflictError,
  GatewayTimeoutError,
  HttpError,
  MisconfiguredServiceError,
  NotFoundError,
  PayloadTooLargeError,
  requiredEnv,
  ServiceUnavailableError,
  UnprocessableEntityError,
  UnsupportedMediaTypeError,
} from '../../src';
import { caught } from '../../src/testing';

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

describe('requiredEnv', () => {
  it('returns a variable that is set', () => {
    expect(requiredEnv('ORDERS_TABLE', { ORDERS_TABLE: 'orders-dev' })).toBe('orders-dev');
  });

  it.each([{}, { ORDERS_TABLE: '' }])('answers a missing or empty one with a 500 naming it (%p)', (env) => {
    const error = caught(() => requiredEnv('ORDERS_TABLE', env));
    expect(error).toBeInstanceOf(MisconfiguredServiceError);
    expect(error.toBody()).toEqual({
      message: 'This service is not configured: its ORDERS_TABLE variable is not set',
      fault: 'caller',
    });
  });
});
