import type {
  APIGatewayEventIdentity,
  APIGatewayEventRequestContext,
  APIGatewayProxyEvent,
} from 'aws-lambda';
import type { Principal } from '../types';
import { lambdaIntegrationTarget } from './integration-uri';
import { deploymentIdFor, type RequestIds, requestIdsFor } from './request-ids';
import type { MatchedRoute, RestApiDefinition } from './types';

/** `requestContext.identity` as API Gateway REST sends it: without `apiKey`, `apiKeyId` and `clientCert` unless used. */
export type ProxyEventIdentity = Omit<
  APIGatewayEventIdentity,
  'apiKey' | 'apiKeyId' | 'clientCert' | 'vpcId' | 'vpceId'
>;

/**
 * The Lambda proxy integration event (payload 1.0) exactly as API Gateway REST sends it, which is
 * `APIGatewayProxyEvent` minus what a plain IAM or open method leaves out (`authorizer`, API key and
 * client certificate fields) plus `requestContext.deploymentId`.
 */
export type RestApiProxyEvent = Omit<APIGatewayProxyEvent, 'requestContext'> & {
  requestContext: Omit<APIGatewayEventRequestContext, 'identity' | 'authorizer'> & {
    deploymentId: string;
    identity: ProxyEventIdentity;
  };
};

export interface ProxyEventInput {
  api: RestApiDefinition;
  route: MatchedRoute;
  method: string;
  /**
   * The path after the stage, e.g. `/users/42`, as `gatewayPath` accepted it. API Gateway passes it
   * (and path parameters) undecoded, a trailing slash included.
   */
  path: string;
  /** The query string without `?`, as received. */
  rawQuery: string;
  /** Header pairs as received, original case, in order. */
  headers: Array<[string, string]>;
  body: Buffer;
  sourceIp: string;
  /** Who signed the request, for an `AWS_IAM` method. */
  principal?: Principal;
  accessKeyId?: string;
  /** The Host the request was sent to, e.g. `127.0.0.1:4566`. */
  domainName: string;
  requestId: string;
  /** The request's other ids, when already derived (the response carries them too). */
  ids?: RequestIds;
  now: Date;
}

/** Headers API Gateway does not pass on to the integration. */
const DROPPED_HEADERS = new Set(['content-length', 'connection']);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Builds the event API Gateway REST passes to an `AWS_PROXY` Lambda integration (payload 1.0).
 *
 * @example
 * const event = buildProxyEvent({ api, route, method: 'GET', path: '/users/42', rawQuery: '', headers,
 *   body: Buffer.alloc(0), sourceIp: '127.0.0.1', principal, accessKeyId, domainName: '127.0.0.1:4566',
 *   requestId: randomUUID(), now: new Date() });
 * event.requestContext.identity.userArn; // 'arn:aws:sts::000000000000:assumed-role/orders-local-role/orders-local-createOrder'
 */
export function buildProxyEvent(input: ProxyEventInput): RestApiProxyEvent {
  const ids = input.ids ?? requestIdsFor(input.requestId);
  const headers = proxyHeaders(input, ids);
  const query = queryParameters(input.rawQuery);
  const body = proxyBody(input, headers.single);
  return {
    resource: input.route.resourcePath,
    path: input.path,
    httpMethod: input.method,
    headers: headers.single,
    multiValueHeaders: headers.multi,
    queryStringParameters: query.single,
    multiValueQueryStringParameters: query.multi,
    pathParameters: input.route.pathParameters,
    stageVariables: null,
    requestContext: requestContext(input, headers.single, ids),
    body: body.text,
    isBase64Encoded: body.isBase64Encoded,
  };
}

function requestContext(
  input: ProxyEventInput,
  headers: Record<string, string>,
  ids: RequestIds,
): RestApiProxyEvent['requestContext'] {
  const { api, route, now } = input;
  return {
    accountId: api.accountId ?? lambdaIntegrationTarget(route.method.integration.uri).accountId,
    apiId: api.apiId,
    deploymentId: deploymentIdFor(api.apiId, api.stageName),
    domainName: input.domainName,
    domainPrefix: input.domainName.split('.')[0] ?? input.domainName,
    extendedRequestId: ids.extendedRequestId,
    httpMethod: input.method,
    identity: identity(input, headerNamed(headers, 'user-agent')),
    path: `/${api.stageName}${input.path}`,
    protocol: 'HTTP/1.1',
    requestId: input.requestId,
    requestTime: requestTime(now),
    requestTimeEpoch: now.getTime(),
    resourceId: route.method.resourceId,
    resourcePath: route.resourcePath,
    stage: api.stageName,
  };
}

/** For an IAM-authorized call API Gateway names the caller; otherwise only the source IP and user agent. */
function identity(input: ProxyEventInput, userAgent: string | undefined): ProxyEventIdentity {
  const { principal } = input;
  return {
    accessKey: principal ? (input.accessKeyId ?? null) : null,
    accountId: principal?.accountId ?? null,
    caller: principal?.userId ?? null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp: input.sourceIp,
    user: principal?.userId ?? null,
    userAgent: userAgent ?? null,
    userArn: principal?.arn ?? null,
  };
}

/**
 * The received headers plus those API Gateway adds, single-valued (last value wins) and multi-valued.
 * Header names are data: they are collected in a Map, so `__proto__` or `constructor` is a header like
 * any other, and reach the function as own properties of the event.
 */
function proxyHeaders(
  input: ProxyEventInput,
  ids: RequestIds,
): {
  single: Record<string, string>;
  multi: Record<string, string[]>;
} {
  const multi = new Map<string, string[]>();
  const nameOf = new Map<string, string>();
  const add = (name: string, value: string) => {
    const lower = name.toLowerCase();
    const key = nameOf.get(lower);
    if (key === undefined) {
      nameOf.set(lower, name);
      multi.set(name, [value]);
    } else {
      multi.get(key)?.push(value);
    }
  };
  for (const [name, value] of input.headers) {
    if (!DROPPED_HEADERS.has(name.toLowerCase())) add(name, value);
  }
  for (const [name, value] of addedHeaders(input, nameOf, ids)) add(name, value);
  return { single: lastValues(multi), multi: Object.fromEntries(multi) };
}

/** API Gateway's own request headers: a trace id and the X-Forwarded-* trio (it appends to X-Forwarded-For). */
function addedHeaders(
  input: ProxyEventInput,
  received: Map<string, string>,
  ids: RequestIds,
): Array<[string, string]> {
  const added: Array<[string, string]> = [];
  if (!received.has('x-amzn-trace-id')) added.push(['X-Amzn-Trace-Id', ids.traceId]);
  const forwardedFor = input.headers.find(([name]) => name.toLowerCase() === 'x-forwarded-for')?.[1];
  if (!forwardedFor) added.push(['X-Forwarded-For', input.sourceIp]);
  if (!received.has('x-forwarded-port')) added.push(['X-Forwarded-Port', portOf(input.domainName)]);
  if (!received.has('x-forwarded-proto')) added.push(['X-Forwarded-Proto', 'http']);
  return added;
}

function portOf(domainName: string): string {
  return /:(\d+)$/.exec(domainName)?.[1] ?? '80';
}

/**
 * Query parameters decoded as a form (`+` is a space), last value wins in the single-valued map; null
 * when none. Names are data, as for headers.
 */
function queryParameters(rawQuery: string): {
  single: Record<string, string> | null;
  multi: Record<string, string[]> | null;
} {
  if (rawQuery === '') return { single: null, multi: null };
  const multi = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(rawQuery)) {
    const values = multi.get(name);
    if (values) values.push(value);
    else multi.set(name, [value]);
  }
  if (multi.size === 0) return { single: null, multi: null };
  return { single: lastValues(multi), multi: Object.fromEntries(multi) };
}

/** `Object.fromEntries` defines own properties, so even a `__proto__` name stays an ordinary key. */
function lastValues(multi: Map<string, string[]>): Record<string, string> {
  const entries: Array<[string, string]> = [];
  for (const [name, values] of multi) entries.push([name, values.at(-1) ?? '']);
  return Object.fromEntries(entries);
}

/**
 * The body as API Gateway REST passes it: null when empty, base64 when its Content-Type is one of the
 * API's binary media types, otherwise text as is.
 */
function proxyBody(
  input: ProxyEventInput,
  headers: Record<string, string>,
): { text: string | null; isBase64Encoded: boolean } {
  if (input.body.length === 0) return { text: null, isBase64Encoded: false };
  if (matchesBinaryMediaType(headerNamed(headers, 'content-type'), input.api.binaryMediaTypes)) {
    return { text: input.body.toString('base64'), isBase64Encoded: true };
  }
  return { text: input.body.toString('utf8'), isBase64Encoded: false };
}

/**
 * Whether a Content-Type or Accept value matches one of an API's binary media types (`*` wildcards allowed).
 *
 * @example
 * matchesBinaryMediaType('image/png; q=1', ['image/*']); // true
 */
export function matchesBinaryMediaType(
  mediaType: string | undefined,
  binaryMediaTypes: string[] = [],
): boolean {
  const type = mediaType?.split(/[;,]/)[0]?.trim().toLowerCase();
  if (!type) return false;
  return binaryMediaTypes.some((pattern) => {
    const [patternType, patternSubtype] = pattern.toLowerCase().split('/');
    const [actualType, actualSubtype] = type.split('/');
    return (
      (patternType === '*' || patternType === actualType) &&
      (patternSubtype === '*' || patternSubtype === actualSubtype)
    );
  });
}

function headerNamed(headers: Record<string, string>, name: string): string | undefined {
  for (const key in headers) {
    if (Object.hasOwn(headers, key) && key.length === name.length && key.toLowerCase() === name)
      return headers[key];
  }
  return undefined;
}

/** `25/Nov/2026:03:54:51 +0000`, API Gateway's `requestTime`. */
function requestTime(now: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  const date = `${pad(now.getUTCDate())}/${MONTHS[now.getUTCMonth()]}/${now.getUTCFullYear()}`;
  return `${date}:${pad(now.getUTCHours())}:${pad(now.getUTCMinutes())}:${pad(now.getUTCSeconds())} +0000`;
}
