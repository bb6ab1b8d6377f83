export { createSignedClient, type SignedClientOptions } from './create-signed-client';
export {
  CredentialsError,
  type HttpStatusDetails,
  HttpStatusError,
  NetworkError,
  type RequestContext,
  RequestTimeoutError,
  SignedClientConfigError,
  SignedClientError,
} from './errors';
export { regionFromEnv, regionFromHost } from './region';
export type { RetryOptions } from './retry';
export { type AwsCredentials, type RequestToSign, type SignOptions, signRequest } from './sign-request';
export { DEFAULT_RESERVE_MS, MIN_ATTEMPT_MS, type TimeBudgetOptions } from './time-budget';
