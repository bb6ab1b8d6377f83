import type { InvokeResult } from '../lambda/types';
import { matchesBinaryMediaType } from './proxy-event';
import { type ProxyResponse, readProxyResponse } from './proxy-response-schema';
import { type RequestIds, requestIdsFor } from './request-ids';

/** API Gateway's own timeout for an integration; past it the client gets 504 whatever the function does. */
export const INTEGRATION_TIMEOUT_MS = 29_000;

/** API Gateway gave up waiting for the function (the function may still be running). */
export interface IntegrationTimeout {
  ok: false;
  kind: 'integration-timeout';
  durationMs: number;
}

export type IntegrationResult = InvokeResult | IntegrationTimeout;

export interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string[]>;
  body: Buffer;
}

/**
 * Maps a Lambda result to API Gateway REST's HTTP answer: a valid proxy response becomes the answer;
 * a function error, crash, malformed response or a function timeout within API Gateway's 29 s is
 * 502 `{"message": "Internal server error"}` ("Execution failed due to configuration error: Malformed
 * Lambda proxy response" in API Gateway's log); API Gateway's own 29 s timeout is 504
 * `{"message": "Endpoint request timed out"}`. Every answer carries `x-amzn-RequestId` and `x-amz-apigw-id`.
 *
 * @example
 * toHttpResponse({ ok: true, payload: { statusCode: 200, body: '{"id":"42"}' }, durationMs: 3 }, requestId);
 * // { statusCode: 200, headers: { 'Content-Type': ['application/json'], 'x-amzn-RequestId': [requestId], … }, body }
 */
export function toHttpResponse(
  result: IntegrationResult,
  requestId: string,
  options: AnswerOptions = {},
): HttpAnswer {
  const ids = options.ids ?? requestIdsFor(requestId);
  if (!result.ok) {
    return result.kind === 'integration-timeout'
      ? gatewayError(504, 'Endpoint request timed out', requestId, ids)
      : gatewayError(502, 'Internal server error', requestId, ids);
  }
  const response = readProxyResponse(result.payload);
  // `{}` is rejected although each field is optional: API Gateway needs at least one.
  if (!response || Object.keys(response).length === 0) {
    return gatewayError(502, 'Internal server error', requestId, ids);
  }
  return proxyAnswer(response, requestId, ids, options);
}

interface AnswerOptions {
  binaryMediaTypes?: string[];
  accept?: string;
  /** The request's other ids, when already derived (the event carries them too). */
  ids?: RequestIds;
}

function proxyAnswer(
  response: ProxyResponse,
  requestId: string,
  ids: RequestIds,
  options: AnswerOptions,
): HttpAnswer {
  const headers = mergeHeaders(response);
  if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = ['application/json'];
  }
  const text = response.body ?? '';
  // A base64 body is decoded only when the client accepts one of the API's binary media types;
  // otherwise API Gateway passes the base64 text through.
  const decode =
    response.isBase64Encoded === true && matchesBinaryMediaType(options.accept, options.binaryMediaTypes);
  return {
    statusCode: response.statusCode ?? 200,
    headers: { ...headers, ...requestIdHeaders(requestId, ids) },
    body: Buffer.from(text, decode ? 'base64' : 'utf8'),
  };
}

/**
 * `headers` and `multiValueHeaders` merged; for a name in both, the multi-valued list wins. Names
 * are data (a Map), so a header named `__proto__` is kept like any other.
 */
function mergeHeaders(response: ProxyResponse): Record<string, string[]> {
  const merged = new Map<string, string[]>();
  const print = (value: string | boolean) => String(value);
  for (const [name, value] of Object.entries(response.headers ?? {})) merged.set(name, [print(value)]);
  for (const [name, values] of Object.entries(response.multiValueHeaders ?? {})) {
    for (const existing of merged.keys()) {
      if (existing.toLowerCase() === name.toLowerCase()) merged.delete(existing);
    }
    merged.set(name, values.map(print));
  }
  return Object.fromEntries(merged);
}

function gatewayError(statusCode: number, message: string, requestId: string, ids: RequestIds): HttpAnswer {
  return {
    statusCode,
    headers: {
      'Content-Type': ['application/json'],
      'x-amzn-ErrorType': ['InternalServerErrorException'],
      ...requestIdHeaders(requestId, ids),
    },
    // API Gateway writes these two with a space after the colon.
    body: Buffer.from(JSON.stringify({ message }).replace('":"', '": "')),
  };
}

function requestIdHeaders(requestId: string, ids: RequestIds): Record<string, string[]> {
  return {
    'x-amzn-RequestId': [requestId],
    'x-amz-apigw-id': [ids.extendedRequestId],
    'X-Amzn-Trace-Id': [ids.traceId],
  };
}
