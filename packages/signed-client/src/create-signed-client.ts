import { fromEnv } from '@aws-sdk/credential-provider-env';
import axios, { type AxiosInstance, type AxiosRequestTransformer, type CreateAxiosDefaults } from 'axios';
import { toSignedClientError } from './error-mapping';
import { SignedClientConfigError } from './errors';
import { regionFromEnv, regionFromHost } from './region';
import { viewsToBuffers } from './request-body';
import { redactUrl } from './request-url';
import { type RetryOptions, retryPolicy } from './retry';
import type { AwsCredentials } from './sign-request';
import { type SigningContext, signingAdapter } from './signing-adapter';
import { timeBudget } from './time-budget';

export interface SignedClientOptions {
  baseURL?: string;
  /** The SigV4 service name. Default `execute-api` (API Gateway). */
  service?: string;
  /**
   * Default: read from the host (`{id}.execute-api.{region}.amazonaws.com`,
   * `{service}.{region}.amazonaws.com`), else AWS_REGION / AWS_DEFAULT_REGION.
   */
  region?: string;
  /**
   * Default: `fromEnv()` (what Lambda provides). Called on every attempt, so rotated credentials are
   * used; a developer can pass `fromNodeProviderChain()` for profiles and SSO.
   */
  credentials?: () => Promise<AwsCredentials>;
  /** Per attempt, cut to what is left of the time budget. Default 5000. */
  timeoutMs?: number;
  /** Retries of idempotent requests on network errors, timeouts, 429 and 5xx, within the time budget. */
  retry?: RetryOptions;
  /**
   * The time budget: how long the caller can still wait, in ms, read as each request starts. All
   * attempts of a request and the backoff between them end within it, less `reserveMs`; an attempt is
   * cut short, and no retry is started that would not fit. In a Lambda function pass
   * `remainingInvocationTimeMs` from lambda-http (the invocation's `getRemainingTimeInMillis()`).
   * Default: no budget, only `timeoutMs` per attempt.
   */
  remainingTimeMs?: () => number | undefined;
  /** Kept out of the time budget, so the caller has time to answer after a failed call. Default 1000. */
  reserveMs?: number;
  /** For tests: the monotonic clock (ms) the time budget is measured with. Default `performance.now`. */
  clock?: () => number;
  /** A name for errors, e.g. `users`. */
  callee?: string;
  /** Anything else axios accepts, `adapter` included (tests inject a fake transport there). */
  axiosConfig?: CreateAxiosDefaults;
  /** For tests: the clock signatures are dated with. */
  now?: () => Date;
}

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * An axios instance that signs every request with SigV4 for an IAM-protected API (API Gateway
 * `authorizer: aws_iam` by default), retries idempotent requests that fail transiently within the
 * caller's time budget, and rejects with the errors of this package (`HttpStatusError`, `NetworkError`…).
 *
 * @example
 * const users = createSignedClient({ baseURL: 'https://abc123.execute-api.eu-west-1.amazonaws.com/dev', callee: 'users' });
 * const { data } = await users.get('/users/42');
 */
export function createSignedClient(options: SignedClientOptions = {}): AxiosInstance {
  const axiosConfig = options.axiosConfig ?? {};
  const baseURL = options.baseURL ?? axiosConfig.baseURL;
  const context = signingContext(options, baseURL);
  const instance = axios.create({
    ...axiosConfig,
    baseURL,
    timeout: timeoutOf(options, axiosConfig),
    // A redirect would carry the signed headers (session token included) to another URL.
    maxRedirects: axiosConfig.maxRedirects ?? 0,
    transformRequest: [
      viewsToBuffers,
      ...asList(axiosConfig.transformRequest ?? axios.defaults.transformRequest),
    ],
  });
  // Wrap whichever adapter each request ends up with, so a per-request `adapter` is signed too.
  instance.interceptors.request.use((config) => {
    config.adapter = signingAdapter(
      axios.getAdapter(config.adapter ?? axios.defaults.adapter, config),
      context,
    );
    return config;
  });
  instance.interceptors.response.use(undefined, (error) =>
    Promise.reject(toSignedClientError(error, options.callee)),
  );
  return instance;
}

function signingContext(options: SignedClientOptions, baseURL: string | undefined): SigningContext {
  const regionFor = regionResolver(options);
  if (baseURL !== undefined) regionFor(absoluteBaseUrl(baseURL, options.callee));
  return {
    service: options.service ?? 'execute-api',
    regionFor,
    credentials: options.credentials ?? fromEnv(),
    retry: retryPolicy(options.retry, { callee: options.callee }),
    budget: timeBudget(options, { callee: options.callee }),
    callee: options.callee,
    now: options.now,
  };
}

/** Explicit option, else the region in the host, else the environment (read once, at construction). */
function regionResolver(options: SignedClientOptions): (url: string) => string {
  const fromEnvironment = regionFromEnv();
  return (url) => {
    const region = options.region ?? regionFromHost(new URL(url).hostname) ?? fromEnvironment;
    if (region) return region;
    throw new SignedClientConfigError(
      `No AWS region for ${redactUrl(url)}: the host names none, so pass the \`region\` option or set AWS_REGION`,
      { url: redactUrl(url), callee: options.callee },
    );
  };
}

function absoluteBaseUrl(baseURL: string, callee: string | undefined): string {
  if (URL.canParse(baseURL)) return baseURL;
  throw new SignedClientConfigError(`baseURL must be an absolute URL, got "${redactUrl(baseURL)}"`, {
    url: redactUrl(baseURL),
    callee,
  });
}

function timeoutOf(options: SignedClientOptions, axiosConfig: CreateAxiosDefaults): number {
  const timeout = options.timeoutMs ?? axiosConfig.timeout ?? DEFAULT_TIMEOUT_MS;
  if (Number.isFinite(timeout) && timeout >= 0) return timeout;
  throw new SignedClientConfigError(`timeoutMs must be a number >= 0, got ${timeout}`, {
    callee: options.callee,
  });
}

function asList(
  transform: AxiosRequestTransformer | AxiosRequestTransformer[] | undefined,
): AxiosRequestTransformer[] {
  if (transform === undefined) return [];
  return Array.isArray(transform) ? transform : [transform];
}
