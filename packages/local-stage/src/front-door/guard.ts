import { AwsError } from '../errors';
import { type AccessRecorder, accessDeniedMessage, evaluate, type RequestToAuthorize } from '../iam';
import type { KeyRing } from '../identity/key-ring';
import { type VerifiedRequest, verifyRequest } from '../sigv4';
import type { Principal, ReceivedRequest } from '../types';

export interface GuardDeps {
  region: string;
  keys: KeyRing;
  recorder: AccessRecorder;
  now: () => Date;
}

/**
 * SigV4 as AWS checks it: the signature over what was received, the ±5 minute window, the credential
 * scope and the session token. Every AWS service but S3 signs the path encoded once more.
 */
export function authenticate(request: ReceivedRequest, service: string, deps: GuardDeps): VerifiedRequest {
  return verifyRequest(request, {
    service,
    region: deps.region,
    lookupKey: (accessKeyId) => deps.keys.lookup(accessKeyId),
    now: deps.now,
    doubleEncodePath: true,
  });
}

/**
 * Evaluates the principal's identity policies for each action the call needs, records every
 * decision for the access report, and refuses the call at the first one not allowed.
 */
export function authorize(
  principal: Principal,
  needed: RequestToAuthorize[],
  request: ReceivedRequest,
  deps: GuardDeps,
  style: 'execute-api' | 'json',
): void {
  const context = conditionContext(principal, request, deps);
  for (const item of needed) {
    const withContext = { ...item, context: { ...context, ...item.context } };
    const decision = evaluate(principal.policies, withContext);
    deps.recorder.record(principal, withContext, decision);
    if (decision.effect !== 'Allow') {
      throw new AwsError(
        403,
        'AccessDeniedException',
        accessDeniedMessage(principal.arn, item.action, item.resource, decision, style),
      );
    }
  }
}

/** The global condition keys IAM sets on every request that the stage can know. */
function conditionContext(
  principal: Principal,
  request: ReceivedRequest,
  deps: GuardDeps,
): Record<string, string> {
  const now = deps.now();
  return {
    'aws:CurrentTime': now.toISOString(),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
    'aws:PrincipalArn': principalArnForConditions(principal),
    'aws:PrincipalAccount': principal.accountId,
    'aws:PrincipalType': principal.roleName ? 'AssumedRole' : 'User',
    'aws:userid': principal.userId,
    'aws:RequestedRegion': deps.region,
    'aws:SecureTransport': 'false',
    'aws:SourceIp': request.sourceIp,
  };
}

/** `aws:PrincipalArn` names the role, not the session, for an assumed role. */
function principalArnForConditions(principal: Principal): string {
  if (!principal.roleName) return principal.arn;
  return `arn:aws:iam::${principal.accountId}:role/${principal.roleName}`;
}
