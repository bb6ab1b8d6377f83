import type { RestApiDefinition } from '../apigateway';
import { AccessDeniedError, AwsError } from '../errors';
import {
  type AccessRecorder,
  ANONYMOUS,
  accessDeniedMessage,
  decide,
  type RequestContext,
  type RequestToAuthorize,
  type ResourcePolicy,
  requestContext,
} from '../iam';
import type { KeyRing } from '../identity/key-ring';
import { type VerifiedRequest, verifyRequest } from '../sigv4';
import { firstHeader } from '../sigv4/raw-request';
import type { Principal, ReceivedRequest } from '../types';

export interface GuardDeps {
  region: string;
  keys: KeyRing;
  recorder: AccessRecorder;
  now: () => Date;
  /**
   * Told of each request refused for its signature, before it is answered (the stage explains it);
   * may answer the explanation's summary.
   */
  onSignatureRefused?: (request: ReceivedRequest, service: string, error: AwsError) => string | undefined;
}

/** What is being called, beyond the actions: a REST API's resource policy and endpoint type. */
export interface AuthorizationTarget {
  resourcePolicy?: ResourcePolicy;
  /** A `PRIVATE` REST API is reached through VPC endpoints, so `aws:SourceVpc(e)` could be set. */
  privateApi?: boolean;
}

/**
 * SigV4 as AWS checks it: the signature over what was received, the ±5 minute window, the credential
 * scope and the session token. Every AWS service but S3 signs the path encoded once more.
 */
export function authenticate(request: ReceivedRequest, service: string, deps: GuardDeps): VerifiedRequest {
  try {
    return verifyRequest(request, {
      service,
      region: deps.region,
      lookupKey: (accessKeyId) => deps.keys.lookup(accessKeyId),
      now: deps.now,
      doubleEncodePath: true,
    });
  } catch (error) {
    if (error instanceof AwsError) deps.onSignatureRefused?.(request, service, error);
    throw error;
  }
}

/**
 * Decides, with the stage's one IAM engine, each action the call needs: the principal's identity
 * policies, its permissions boundary and, for a REST API, the API's resource policy, in the request
 * context AWS would build. Records every decision for the access report and refuses the call at the
 * first one not allowed, with AWS's status, error type and message.
 */
export function authorize(
  principal: Principal,
  needed: RequestToAuthorize[],
  request: ReceivedRequest,
  deps: GuardDeps,
  style: 'execute-api' | 'json',
  target: AuthorizationTarget = {},
): void {
  const service = needed[0]?.action.split(':')[0] ?? '';
  const base = contextOf(request, service, deps, target, principal);
  for (const item of needed) decideOrRefuse(principal, item, base, deps, style, target);
}

/**
 * A call without a signature to a method without authorization: API Gateway lets it through unless
 * the API has a resource policy, which must then allow it explicitly ("How API Gateway resource
 * policies affect authorization workflow", resource policy only). Refused as API Gateway refuses it:
 * `User: anonymous is not authorized to perform: execute-api:Invoke on resource: {arn}`.
 */
export function authorizeAnonymous(
  resources: string[],
  request: ReceivedRequest,
  deps: GuardDeps,
  target: AuthorizationTarget,
): void {
  if (!target.resourcePolicy) return;
  const base = contextOf(request, 'execute-api', deps, target);
  const anonymous = { ...ANONYMOUS, policies: [] };
  for (const resource of resources) {
    const item = { action: 'execute-api:Invoke', resource };
    decideOrRefuse(anonymous, item, base, deps, 'execute-api', target);
  }
}

/** The request context AWS builds for the call; without a principal, that of an unsigned caller. */
export function contextOf(
  request: ReceivedRequest,
  service: string,
  deps: GuardDeps,
  target: AuthorizationTarget,
  principal?: Principal,
): RequestContext {
  return requestContext({
    ...(principal ? { principal } : {}),
    service,
    region: deps.region,
    sourceIp: request.sourceIp,
    now: deps.now(),
    userAgent: firstHeader(request, 'user-agent'),
    referer: firstHeader(request, 'referer'),
    privateApi: target.privateApi ?? false,
  });
}

/** One action, decided in the call's context (and any keys of its own), recorded, refused unless allowed. */
export function decideOrRefuse(
  principal: Principal,
  item: RequestToAuthorize,
  base: RequestContext,
  deps: GuardDeps,
  style: 'execute-api' | 'json',
  target: AuthorizationTarget,
): void {
  const withContext: RequestToAuthorize = {
    ...item,
    // Read only: the call's own context serves every action that adds no keys of its own.
    context: item.context ? { ...base.values, ...item.context } : base.values,
    absentKeys: item.absentKeys ? [...base.absentKeys, ...item.absentKeys] : base.absentKeys,
  };
  const decision = decide({ principal, request: withContext, resourcePolicy: target.resourcePolicy });
  deps.recorder.record(principal, item, decision, {
    request: withContext,
    resourcePolicy: target.resourcePolicy,
  });
  if (decision.effect !== 'Allow') {
    throw new AccessDeniedError(
      accessDeniedMessage(principal.arn, item.action, item.resource, decision, style),
      { principal: principal.arn, action: item.action, resource: item.resource },
    );
  }
}

/**
 * What API Gateway authorizes a call to a REST API against besides the caller's policies: the API's
 * resource policy (owned by the API's account) and whether the API is private.
 *
 * @example
 * authorize(principal, [{ action: 'execute-api:Invoke', resource }], request, deps, 'execute-api', restApiTarget(api, '000000000000'));
 */
export function restApiTarget(api: RestApiDefinition, defaultAccountId: string): AuthorizationTarget {
  const privateApi = api.endpointTypes?.includes('PRIVATE') ?? false;
  if (!api.resourcePolicy) return { privateApi };
  return {
    privateApi,
    resourcePolicy: {
      name: `${api.name} (REST API ${api.apiId})`,
      document: api.resourcePolicy,
      ownerAccountId: api.accountId ?? defaultAccountId,
    },
  };
}
