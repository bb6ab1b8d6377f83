import axios, {
  type AxiosAdapter,
  AxiosError,
  AxiosHeaders,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { sendWithin } from './attempt-timer';
import {
  CredentialsError,
  type RequestContext,
  RequestTimeoutError,
  SignedClientConfigError,
} from './errors';
import { toWireBody } from './request-body';
import { toSignableHeaders } from './request-headers';
import { redactUrl, requestUrl } from './request-url';
import { backoffDelay, type Outcome, type RetryPolicy, shouldRetry } from './retry';
import { type AwsCredentials, signRequest } from './sign-request';
import { attemptTimeoutMs, type Deadline, fitsAnotherAttempt, type TimeBudget } from './time-budget';

/** Everything the adapter needs besides the request itself. */
export interface SigningContext {
  service: string;
  /** The region to sign for, given the final URL; throws a SignedClientConfigError when unknown. */
  regionFor: (url: string) => string;
  credentials: () => Promise<AwsCredentials>;
  retry: RetryPolicy;
  /** How long a request may take in all, from the caller's remaining time. */
  budget: TimeBudget;
  callee?: string;
  now?: () => Date;
}

/** The request as it goes on the wire, minus the signature. */
interface WireRequest {
  method: string;
  url: string;
  region: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
}

/**
 * Wraps an axios adapter so that every attempt is signed just before it is sent. Running as the
 * adapter means axios has already merged `baseURL`, `params`, the per-method header groups and the
 * transformed body, so what is signed is what is sent. Idempotent requests that fail transiently are
 * retried with backoff, each attempt with fresh credentials and a fresh date, as long as the backoff
 * and another attempt fit in the caller's time budget; each attempt's timeout is cut to what is left,
 * so the whole request ends before the deadline.
 *
 * @example
 * config.adapter = signingAdapter(axios.getAdapter('http'), context);
 */
export function signingAdapter(inner: AxiosAdapter, context: SigningContext): AxiosAdapter {
  return async (config) => {
    const deadline = context.budget.start();
    const request = await toWireRequest(config, context);
    for (let attempt = 0; ; attempt++) {
      const outcome = await sendSigned(inner, config, request, context, deadline);
      const unsigned = { ...config, url: request.url, baseURL: undefined, params: undefined };
      if (config.signal?.aborted || !shouldRetry(request.method, outcome, attempt, context.retry)) {
        return settle(outcome, unsigned);
      }
      const delay = backoffDelay(attempt, context.retry);
      if (!fitsAnotherAttempt(deadline, delay)) return settle(outcome, unsigned);
      await context.retry.sleep(delay);
    }
  };
}

async function toWireRequest(
  config: InternalAxiosRequestConfig,
  context: SigningContext,
): Promise<WireRequest> {
  const method = (config.method ?? 'get').toUpperCase();
  try {
    const url = requestUrl(config);
    // A copy: serializing FormData sets its multipart Content-Type.
    const headers = AxiosHeaders.from(config.headers);
    const body = await toWireBody(config.data, headers);
    return { method, url, region: context.regionFor(url), headers: toSignableHeaders(headers), body };
  } catch (error) {
    throw withRequestContext(error, { method, url: redactUrl(uriOf(config)), callee: context.callee });
  }
}

async function sendSigned(
  inner: AxiosAdapter,
  config: InternalAxiosRequestConfig,
  request: WireRequest,
  context: SigningContext,
  deadline: Deadline,
): Promise<Outcome> {
  // Only the first attempt can get here without time left: retries are checked before the backoff.
  if (!fitsAnotherAttempt(deadline)) throw noTimeLeft(request, context, deadline);
  const credentials = await resolveCredentials(request, context);
  const signOptions = { service: context.service, region: request.region, now: context.now };
  const headers = signRequest(request, credentials, signOptions);
  const signedConfig: InternalAxiosRequestConfig = {
    ...config,
    url: request.url,
    // Already part of the URL; `auth` would make the http adapter drop our Authorization header.
    baseURL: undefined,
    params: undefined,
    auth: undefined,
    headers: AxiosHeaders.from(headers),
    data: request.body,
  };
  const timeoutMs = attemptTimeoutMs(config.timeout, deadline);
  const limitedBy =
    timeoutMs < (config.timeout || Number.POSITIVE_INFINITY) ? deadline.description : undefined;
  return sendWithin(inner, signedConfig, timeoutMs, limitedBy);
}

function noTimeLeft(request: WireRequest, context: SigningContext, deadline: Deadline): RequestTimeoutError {
  const where = { method: request.method, url: redactUrl(request.url), callee: context.callee };
  const left = Math.max(0, Math.floor(deadline.left()));
  return new RequestTimeoutError(
    `${describe(where)} was not sent: ${left} ms left of ${deadline.description}, too little for an attempt`,
    where,
  );
}

async function resolveCredentials(request: WireRequest, context: SigningContext): Promise<AwsCredentials> {
  const where = { method: request.method, url: redactUrl(request.url), callee: context.callee };
  const credentials = await context.credentials().catch((cause: unknown) => {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const message = `Could not load AWS credentials to sign ${describe(where)}: ${reason}`;
    throw new CredentialsError(message, where, { cause });
  });
  if (!credentials?.accessKeyId || !credentials.secretAccessKey) {
    const message = `The credentials provider returned no access key to sign ${describe(where)}`;
    throw new CredentialsError(message, where);
  }
  return credentials;
}

/**
 * The last outcome, judged as axios's own adapters do (a status that validateStatus refuses rejects),
 * and handed back with the caller's unsigned config, absolute URL included, instead of the signed one.
 */
function settle(outcome: Outcome, config: InternalAxiosRequestConfig): AxiosResponse {
  if ('error' in outcome) throw outcome.error;
  const response = { ...outcome.response, config };
  if (!config.validateStatus || config.validateStatus(response.status)) return response;
  const code = response.status >= 500 ? AxiosError.ERR_BAD_RESPONSE : AxiosError.ERR_BAD_REQUEST;
  throw new AxiosError(
    `Request failed with status code ${response.status}`,
    code,
    config,
    response.request,
    response,
  );
}

function uriOf(config: InternalAxiosRequestConfig): string | undefined {
  try {
    return axios.getUri(config);
  } catch {
    return config.url;
  }
}

function withRequestContext(error: unknown, where: RequestContext): unknown {
  if (!(error instanceof SignedClientConfigError) || error.method !== undefined) return error;
  return new SignedClientConfigError(`${describe(where)}: ${error.message}`, where, { cause: error.cause });
}

function describe(where: RequestContext): string {
  const target = `${where.method} ${where.url ?? ''}`.trim();
  return where.callee ? `${where.callee}: ${target}` : target;
}
