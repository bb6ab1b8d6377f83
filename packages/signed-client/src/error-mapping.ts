import {
  type AxiosError,
  AxiosHeaders,
  type AxiosResponse,
  isAxiosError,
  isCancel,
  type RawAxiosHeaders,
} from 'axios';
import {
  HttpStatusError,
  NetworkError,
  type RequestContext,
  RequestTimeoutError,
  SignedClientError,
} from './errors';
import { redactUrl } from './request-url';

// One line of advice for the errors API Gateway's IAM authorizer answers with.
const HINTS: Record<string, string> = {
  AccessDeniedException: "the caller's IAM policy must allow execute-api:Invoke on this stage, verb and path",
  InvalidSignatureException: 'the signature did not match: check the region, the service name and the clock',
  IncompleteSignatureException: 'the Authorization header is malformed or misses a required signed header',
  MissingAuthenticationTokenException:
    'API Gateway says this for an unknown path or verb, as for an unsigned call',
  ExpiredTokenException:
    'the temporary credentials expired: they are resolved per request, so check the provider',
  UnrecognizedClientException: 'the access key is unknown to AWS (or to the local stage)',
};

/**
 * Turns what axios rejects with into this package's error hierarchy. Cancellations pass through
 * untouched (the caller asked for them), and so do errors that already belong to the hierarchy.
 *
 * The AxiosError is deliberately not kept as `cause`: its config and request hold the signed headers,
 * session token included, and errors get logged.
 *
 * @example
 * client.interceptors.response.use(undefined, (error) => Promise.reject(toSignedClientError(error, 'users')));
 */
export function toSignedClientError(error: unknown, callee: string | undefined): unknown {
  if (error instanceof SignedClientError || isCancel(error) || !isAxiosError(error)) return error;
  const context: RequestContext = {
    method: error.config?.method?.toUpperCase(),
    url: redactUrl(error.config?.url),
    callee,
  };
  // Only the underlying Node error is kept as cause (address and port, nothing signed).
  const options = { cause: error.cause };
  if (error.response && isRejectedStatus(error, error.response))
    return httpStatusError(error.response, context);
  if (isTimeout(error)) {
    return new RequestTimeoutError(`${describe(context)} timed out (${error.message})`, context, options);
  }
  if (error.response || AXIOS_REQUEST_CODES.has(error.code ?? '')) {
    return new SignedClientError(`${describe(context)} failed: ${error.message}`, context, options);
  }
  const code = error.code ?? (error.cause as { code?: string } | undefined)?.code;
  return new NetworkError(`${describe(context)} failed: ${error.message || code}`, context, code, options);
}

// Codes axios uses for a request it refused to send or a response it could not read: not the network.
const AXIOS_REQUEST_CODES = new Set([
  'ERR_BAD_OPTION',
  'ERR_BAD_OPTION_VALUE',
  'ERR_BAD_REQUEST',
  'ERR_BAD_RESPONSE',
  'ERR_INVALID_URL',
  'ERR_NOT_SUPPORT',
  'ERR_DEPRECATED',
  'ERR_FR_TOO_MANY_REDIRECTS',
]);

/** A status validateStatus refuses, as opposed to a good response axios failed to parse. */
function isRejectedStatus(error: AxiosError, response: AxiosResponse): boolean {
  const validateStatus = error.config?.validateStatus;
  return validateStatus ? !validateStatus(response.status) : response.status < 200 || response.status >= 300;
}

function httpStatusError(response: AxiosResponse, context: RequestContext): HttpStatusError {
  const errorType = headerText(response, 'x-amzn-errortype')?.split(':')[0]?.trim() || undefined;
  const details = {
    status: response.status,
    errorType,
    requestId: headerText(response, 'x-amzn-requestid'),
    awsMessage: awsMessageOf(response.data),
    body: response.data,
  };
  const parts = [`${describe(context)} returned ${details.status}`, errorType, details.awsMessage]
    .filter(Boolean)
    .join(': ');
  const hint = errorType && HINTS[errorType] ? ` (${HINTS[errorType]})` : '';
  const requestId = details.requestId ? ` [request id ${details.requestId}]` : '';
  return new HttpStatusError(parts + hint + requestId, context, details);
}

/**
 * Whether axios gave up waiting: its own `timeout` (ECONNABORTED, or ETIMEDOUT with
 * `transitional.clarifyTimeoutError`), or the attempt timer.
 *
 * @example
 * if (isTimeout(error)) return new RequestTimeoutError(…);
 */
export function isTimeout(error: AxiosError): boolean {
  return error.code === 'ETIMEDOUT' || (error.code === 'ECONNABORTED' && /timeout/i.test(error.message));
}

function describe(context: RequestContext): string {
  const target = `${context.method ?? 'request'} ${context.url ?? ''}`.trim();
  return context.callee ? `${context.callee}: ${target}` : target;
}

function headerText(response: AxiosResponse, name: string): string | undefined {
  // AxiosHeaders looks names up case-insensitively: API Gateway writes x-amzn-ErrorType.
  const value = AxiosHeaders.from(response.headers as RawAxiosHeaders).get(name);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function awsMessageOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { message, Message } = body as { message?: unknown; Message?: unknown };
  const text = message ?? Message;
  return typeof text === 'string' ? text : undefined;
}
