import { AccessDeniedError, AwsError } from '../errors';
import { decide, type RequestToAuthorize } from '../iam';
import type { Role } from '../identity/key-ring';
import { firstHeader, splitTarget } from '../sigv4/raw-request';
import type { Principal, ReceivedRequest } from '../types';
import type { Answer } from './answers';
import { authenticate, contextOf, decideOrRefuse, type GuardDeps } from './guard';
import { trustDecision } from './role-trust';

// STS on the AWS Query protocol: form-encoded parameters (`Action=…&Version=2011-06-15`), answers in
// XML (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html,
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html,
// https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html).

export interface StsDeps extends GuardDeps {
  accountId: string;
  /** Roles by ARN: those AssumeRole can hand out. */
  roles?: ReadonlyMap<string, Role>;
}

const VERSION = '2011-06-15';
const NAMESPACE = `https://sts.amazonaws.com/doc/${VERSION}/`;
const XML = { 'Content-Type': 'text/xml' };
/** STS actions this stage does not answer; any other name is not an STS action at all. */
const OTHER_ACTIONS = new Set([
  'AssumeRoleWithSAML',
  'AssumeRoleWithWebIdentity',
  'AssumeRoot',
  'DecodeAuthorizationMessage',
  'GetAccessKeyInfo',
  'GetFederationToken',
  'GetSessionToken',
]);
/** AssumeRole parameters that would narrow or tag the session: refused rather than ignored. */
const UNSUPPORTED_PARAMETERS = [
  'Policy',
  'PolicyArns',
  'Tags',
  'TransitiveTagKeys',
  'SerialNumber',
  'TokenCode',
  'ProvidedContexts',
];
/** DurationSeconds bounds, and a role's MaxSessionDuration when it sets none. */
const MIN_DURATION = 900;
const MAX_DURATION = 43_200;
const DEFAULT_MAX_SESSION = 3_600;
const DEFAULT_DURATION = 3_600;
const SESSION_NAME = /^[\w+=,.@-]*$/;

/**
 * Whether a request is an STS call: the Query protocol at the endpoint's root, with its parameters in
 * the query string or a form-encoded POST body. (Every API call has an API id in its path.)
 *
 * @example isStsRequest('POST', '/', 'application/x-www-form-urlencoded; charset=utf-8') // true
 */
export function isStsRequest(method: string, target: string, contentType: string | undefined): boolean {
  const { path, query } = splitTarget(target);
  if (path !== '/') return false;
  if (isFormPost(method, contentType)) return true;
  return (method === 'GET' || method === 'POST') && /(?:^|&)Action=/.test(query);
}

/** The Action a request names, if any: for the request line. */
export function stsAction(request: ReceivedRequest): string | undefined {
  return parametersOf(request).get('Action') ?? undefined;
}

/**
 * Answers one STS call: GetCallerIdentity for any signed caller (it needs no permission), AssumeRole
 * for a role whose trust policy lets the caller in and whose ARN the caller's identity policies allow
 * `sts:AssumeRole` on. The local developer is trusted by every role (a deviation: on AWS, only roles
 * whose trust policy names it); an explicit Deny in the trust policy still refuses it.
 *
 * @example
 * const answer = await handleSts(request, requestId, deps); // 200 text/xml <GetCallerIdentityResponse …>
 */
export async function handleSts(request: ReceivedRequest, requestId: string, deps: StsDeps): Promise<Answer> {
  try {
    const params = parametersOf(request);
    const { principal } = authenticate(request, 'sts', deps);
    const action = checkedAction(params);
    const result =
      action === 'GetCallerIdentity'
        ? callerIdentity(principal)
        : assumeRole(params, principal, request, deps);
    return { statusCode: 200, headers: XML, body: Buffer.from(response(action, result, requestId)) };
  } catch (error) {
    return stsErrorAnswer(error, requestId);
  }
}

/**
 * Any failure as STS answers it: `<ErrorResponse>` with the Query protocol's code (`AccessDenied`,
 * `SignatureDoesNotMatch`, `InvalidClientTokenId`, …), its status and message.
 */
export function stsErrorAnswer(error: unknown, requestId: string): Answer {
  const refusal = asQueryError(error);
  const type = refusal.status >= 500 ? 'Receiver' : 'Sender';
  // The Query protocol's name for it; the refusal keeps its own type, and what was denied.
  const code = refusal instanceof AccessDeniedError ? 'AccessDenied' : refusal.errorType;
  const body =
    `<ErrorResponse xmlns="${NAMESPACE}">\n` +
    `  <Error>\n    <Type>${type}</Type>\n    <Code>${escapeXml(code)}</Code>\n` +
    `    <Message>${escapeXml(refusal.message)}</Message>\n  </Error>\n` +
    `  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`;
  return { statusCode: refusal.status, headers: XML, body: Buffer.from(body), refusal };
}

/** The verifier's JSON-protocol errors under the names and statuses the Query protocol gives them. */
function asQueryError(error: unknown): AwsError {
  if (!(error instanceof AwsError)) {
    return new AwsError(
      500,
      'InternalFailure',
      'The request processing has failed because of an unknown error, exception or failure.',
      { cause: error },
    );
  }
  if (error instanceof AccessDeniedError) return error;
  const renamed: Record<string, [number, string]> = {
    MissingAuthenticationTokenException: [403, 'MissingAuthenticationToken'],
    IncompleteSignatureException: [400, 'IncompleteSignature'],
    InvalidSignatureException: [403, 'SignatureDoesNotMatch'],
    UnrecognizedClientException: [403, 'InvalidClientTokenId'],
  };
  const [status, code] = renamed[error.errorType] ?? [error.status, error.errorType];
  return status === error.status && code === error.errorType
    ? error
    : new AwsError(status, code, error.message, { cause: error });
}

/** The Query protocol's parameters sent as a form-encoded POST body. */
function isFormPost(method: string, contentType: string | undefined): boolean {
  return method === 'POST' && /^application\/x-www-form-urlencoded\b/i.test(contentType ?? '');
}

/** The query string's parameters, then a form body's (which win): the Query protocol takes either. */
function parametersOf(request: ReceivedRequest): URLSearchParams {
  const params = new URLSearchParams(splitTarget(request.target).query);
  if (isFormPost(request.method, firstHeader(request, 'content-type'))) {
    for (const [name, value] of new URLSearchParams(request.body.toString('utf8'))) params.set(name, value);
  }
  return params;
}

function checkedAction(params: URLSearchParams): 'GetCallerIdentity' | 'AssumeRole' {
  const action = params.get('Action');
  if (!action) throw new AwsError(400, 'MissingAction', 'Missing Action');
  const version = params.get('Version') ?? 'NO_VERSION_SPECIFIED';
  const known = action === 'GetCallerIdentity' || action === 'AssumeRole';
  if (version !== VERSION || !(known || OTHER_ACTIONS.has(action))) {
    throw new AwsError(400, 'InvalidAction', `Could not find operation ${action} for version ${version}`);
  }
  if (!known) {
    throw new AwsError(
      400,
      'InvalidAction',
      `[local stage] The local stage's STS answers GetCallerIdentity and AssumeRole, not ${action}.`,
    );
  }
  return action;
}

type Result = Array<[name: string, value: string | Result]>;

function callerIdentity(principal: Principal): Result {
  return [
    ['Arn', principal.arn],
    ['UserId', principal.userId],
    ['Account', principal.accountId],
  ];
}

function assumeRole(
  params: URLSearchParams,
  principal: Principal,
  request: ReceivedRequest,
  deps: StsDeps,
): Result {
  const roleArn = required(params, 'RoleArn', 20, 2048);
  const sessionName = required(params, 'RoleSessionName', 2, 64);
  checkPattern(sessionName, 'roleSessionName');
  const sourceIdentity = params.get('SourceIdentity');
  if (sourceIdentity !== null) {
    checkLength(sourceIdentity, 'sourceIdentity', 2, 64);
    checkPattern(sourceIdentity, 'sourceIdentity');
  }
  for (const name of UNSUPPORTED_PARAMETERS) {
    if ([...params.keys()].some((key) => key === name || key.startsWith(`${name}.`))) {
      throw new AwsError(
        400,
        'ValidationError',
        `[local stage] AssumeRole with ${name} is not supported: the local stage would not apply it. Call without it.`,
      );
    }
  }
  const duration = durationOf(params);
  const role = deps.roles?.get(roleArn);
  const externalId = params.get('ExternalId');
  // The keys STS adds to the request context of AssumeRole ("Available keys for AWS STS").
  const stsKeys: Record<string, string> = {
    'sts:RoleSessionName': sessionName,
    ...(externalId !== null && { 'sts:ExternalId': externalId }),
    ...(sourceIdentity !== null && { 'sts:SourceIdentity': sourceIdentity }),
  };
  const asked: RequestToAuthorize = { action: 'sts:AssumeRole', resource: roleArn, context: stsKeys };
  // An unknown role is refused like one the caller may not assume: AWS does not say which it is.
  if (!role) throw denied(principal, roleArn, `no role ${roleArn} in this stage`);
  authorizeAssumeRole(role, principal, asked, request, deps);
  if (duration > (role.maxSessionDuration ?? DEFAULT_MAX_SESSION)) {
    throw new AwsError(
      400,
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  }
  const session = deps.keys.roleSession(role, sessionName);
  const expiration = new Date(deps.now().getTime() + duration * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return [
    ...(sourceIdentity !== null ? ([['SourceIdentity', sourceIdentity]] as Result) : []),
    [
      'AssumedRoleUser',
      [
        ['AssumedRoleId', session.principal.userId],
        ['Arn', session.principal.arn],
      ],
    ],
    [
      'Credentials',
      [
        ['AccessKeyId', session.accessKeyId],
        ['SecretAccessKey', session.secretAccessKey],
        ['SessionToken', session.sessionToken ?? ''],
        ['Expiration', expiration],
      ],
    ],
  ];
}

/**
 * Both sides must allow (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html):
 * the role's trust policy, and the caller's identity policies, unless the trust policy names the
 * caller itself. An explicit Deny on either side refuses.
 */
function authorizeAssumeRole(
  role: Role,
  principal: Principal,
  asked: RequestToAuthorize,
  request: ReceivedRequest,
  deps: StsDeps,
): void {
  const base = contextOf(request, 'sts', deps, {}, principal);
  const inContext = { ...asked, context: { ...base.values, ...asked.context }, absentKeys: base.absentKeys };
  const trust = trustDecision(role, principal, inContext);
  const isDeveloper = principal.arn === deps.keys.developer.principal.arn;
  const trusted = trust.effect === 'Allow' || (isDeveloper && trust.effect === 'ImplicitDeny');
  if (!trusted) {
    throw denied(
      principal,
      role.arn,
      `the trust policy of role ${role.roleName} does not allow ${principal.arn}`,
    );
  }
  if (!trust.namesCaller) {
    decideOrRefuse(principal, asked, base, deps, 'execute-api', {});
    return;
  }
  // Named by the trust policy itself: only an explicit Deny of the caller's own policies refuses.
  const decision = decide({ principal, request: inContext });
  deps.recorder.record(principal, asked, decision);
  if (decision.effect === 'ExplicitDeny') {
    throw denied(
      principal,
      role.arn,
      'an identity-based policy or permissions boundary denies it explicitly',
    );
  }
}

function denied(principal: Principal, roleArn: string, explanation: string): AccessDeniedError {
  return new AccessDeniedError(
    `User: ${principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    { principal: principal.arn, action: 'sts:AssumeRole', resource: roleArn, explanation },
  );
}

function required(params: URLSearchParams, name: string, min: number, max: number): string {
  const value = params.get(name);
  const member = name[0]?.toLowerCase() + name.slice(1);
  if (value === null)
    throw validationError(`Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  checkLength(value, member, min, max);
  return value;
}

function checkLength(value: string, member: string, min: number, max: number): void {
  if (value.length < min)
    throw validationError(
      `Value '${value}' at '${member}' failed to satisfy constraint: Member must have length greater than or equal to ${min}`,
    );
  if (value.length > max)
    throw validationError(
      `Value '${value}' at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
    );
}

function checkPattern(value: string, member: string): void {
  if (!SESSION_NAME.test(value))
    throw validationError(
      `Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
    );
}

function durationOf(params: URLSearchParams): number {
  const text = params.get('DurationSeconds');
  if (text === null) return DEFAULT_DURATION;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
    throw new AwsError(400, 'MalformedQueryString', `Invalid value for parameter DurationSeconds: ${text}`);
  }
  if (value < MIN_DURATION)
    throw validationError(
      `Value '${value}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to ${MIN_DURATION}`,
    );
  if (value > MAX_DURATION)
    throw validationError(
      `Value '${value}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to ${MAX_DURATION}`,
    );
  return value;
}

function validationError(detail: string): AwsError {
  return new AwsError(400, 'ValidationError', `1 validation error detected: ${detail}`);
}

/** `<{Action}Response xmlns=…><{Action}Result>…</{Action}Result><ResponseMetadata>…` as STS writes it. */
function response(action: string, result: Result, requestId: string): string {
  return (
    `<${action}Response xmlns="${NAMESPACE}">\n` +
    `  <${action}Result>\n${elements(result, 4)}  </${action}Result>\n` +
    `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n` +
    `</${action}Response>\n`
  );
}

function elements(result: Result, indent: number): string {
  const pad = ' '.repeat(indent);
  return result
    .map(([name, value]) =>
      typeof value === 'string'
        ? `${pad}<${name}>${escapeXml(value)}</${name}>\n`
        : `${pad}<${name}>\n${elements(value, indent + 2)}${pad}</${name}>\n`,
    )
    .join('');
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Text as XML carries it: the five entities, and what XML 1.0 cannot hold (controls, lone surrogates) replaced. */
function escapeXml(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const allowed =
      code === 0x9 ||
      code === 0xa ||
      code === 0xd ||
      (code >= 0x20 && code !== 0xfffe && code !== 0xffff && (code < 0xd800 || code > 0xdfff));
    out += allowed ? (ENTITIES[char] ?? char) : '\uFFFD';
  }
  return out;
}
