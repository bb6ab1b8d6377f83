import type { Principal } from '../types';

/** The condition keys of one request: those it carries, and those AWS leaves out of it. */
export interface RequestContext {
  values: Record<string, string | string[]>;
  /** Keys AWS does not set for this request; a family is written `prefix/*`. */
  absentKeys: string[];
}

export interface RequestContextInput {
  /** The signed caller; absent for an unsigned call to a method without authorization. */
  principal?: Principal;
  /** `execute-api`, `ssm`, `dynamodb`: the service the request is addressed to. */
  service: string;
  region: string;
  sourceIp: string;
  now: Date;
  /** The `User-Agent` and `Referer` headers, when sent. */
  userAgent?: string;
  referer?: string;
  /** For execute-api: the API's endpoint type is `PRIVATE` (reached only through VPC endpoints). */
  privateApi?: boolean;
}

/**
 * Keys AWS sets only when something the local stage never does happens: a service calling on the
 * principal's behalf (`aws:CalledVia`, `aws:SourceArn`), federation, EC2 instance credentials, MFA.
 * A request through the front door is always a principal's own direct call ("AWS global condition
 * context keys", each key's "Availability").
 */
const ABSENT_FROM_DIRECT_CALLS = [
  'aws:CalledVia',
  'aws:CalledViaFirst',
  'aws:CalledViaLast',
  'aws:SourceArn',
  'aws:SourceAccount',
  'aws:SourceOrgID',
  'aws:SourceOrgPaths',
  'aws:SourceIdentity',
  'aws:FederatedProvider',
  'aws:PrincipalServiceName',
  'aws:PrincipalServiceNamesList',
  'aws:Ec2InstanceSourceVpc',
  'aws:Ec2InstanceSourcePrivateIPv4',
  'aws:MultiFactorAuthAge',
  // Present only when the request itself carries tags; calls that do add them as values.
  'aws:RequestTag/*',
  'aws:TagKeys',
  // Present only for the principal's own tags, which are all set below.
  'aws:PrincipalTag/*',
];

/**
 * The global condition keys AWS sets for a principal's request to execute-api, SSM or DynamoDB, as far
 * as the local stage can know them ("AWS global condition context keys"; for REST APIs, "AWS condition
 * keys that can be used in API Gateway resource policies"). The front door stands for AWS's endpoints,
 * which are HTTPS-only, so `aws:SecureTransport` is `true`.
 *
 * Keys it cannot know are neither set nor declared absent, so a condition on them stays unevaluable:
 * the caller's organization (`aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`), the resource's
 * (`aws:ResourceAccount`, `aws:ResourceOrgID`, `aws:ResourceTag/…`), service-specific keys, and
 * whether an SSM or DynamoDB call came through a VPC endpoint (`aws:SourceVpc`, `aws:SourceVpce`,
 * `aws:VpcSourceIp`). A REST API that is not `PRIVATE` is reached through no VPC endpoint, so for
 * execute-api those three are absent.
 *
 * @example
 * requestContext({ principal, service: 'ssm', region: 'us-east-1', sourceIp: '127.0.0.1', now: new Date() })
 *   .values['aws:SecureTransport']; // 'true'
 */
export function requestContext(input: RequestContextInput): RequestContext {
  const { now } = input;
  const values: Record<string, string | string[]> = {
    'aws:CurrentTime': now.toISOString(),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
    'aws:RequestedRegion': input.region,
    'aws:SecureTransport': 'true',
    'aws:SourceIp': input.sourceIp,
  };
  const absentKeys = [...ABSENT_FROM_DIRECT_CALLS];
  if (input.userAgent !== undefined) values['aws:UserAgent'] = input.userAgent;
  else absentKeys.push('aws:UserAgent');
  if (input.referer !== undefined) values['aws:Referer'] = input.referer;
  else absentKeys.push('aws:Referer');
  if (input.service === 'execute-api' && !input.privateApi) {
    absentKeys.push('aws:SourceVpc', 'aws:SourceVpce', 'aws:VpcSourceIp');
  }
  // Set only on the items of a transaction ("Actions, resources, and condition keys for Amazon DynamoDB").
  if (input.service === 'dynamodb') absentKeys.push('dynamodb:EnclosingOperation');
  if (input.principal) addPrincipalKeys(input.principal, values, absentKeys);
  // API Gateway sets the principal keys only for authenticated callers ("Needs AuthN").
  else absentKeys.push(...PRINCIPAL_KEYS);
  return { values, absentKeys };
}

/** The keys that describe the signed caller. */
const PRINCIPAL_KEYS = [
  'aws:PrincipalArn',
  'aws:PrincipalAccount',
  'aws:PrincipalType',
  'aws:userid',
  'aws:username',
  'aws:PrincipalIsAWSService',
  'aws:ViaAWSService',
  'aws:TokenIssueTime',
  'aws:MultiFactorAuthPresent',
];

function addPrincipalKeys(
  principal: Principal,
  values: Record<string, string | string[]>,
  absentKeys: string[],
): void {
  const session = principal.roleName !== undefined;
  values['aws:PrincipalArn'] = principalArnForConditions(principal);
  values['aws:PrincipalAccount'] = principal.accountId;
  values['aws:PrincipalType'] = session ? 'AssumedRole' : 'User';
  values['aws:userid'] = principal.userId;
  values['aws:PrincipalIsAWSService'] = 'false';
  values['aws:ViaAWSService'] = 'false';
  for (const [key, value] of Object.entries(principal.tags ?? {})) values[`aws:PrincipalTag/${key}`] = value;
  if (session) {
    // Temporary credentials: issued at a time, and from AssumeRole without MFA.
    if (principal.tokenIssueTime) values['aws:TokenIssueTime'] = principal.tokenIssueTime.toISOString();
    values['aws:MultiFactorAuthPresent'] = 'false';
    absentKeys.push('aws:username');
  } else {
    values['aws:username'] = userNameOf(principal.arn);
    // Long-term access keys carry neither ("aws:TokenIssueTime", "aws:MultiFactorAuthPresent").
    absentKeys.push('aws:TokenIssueTime', 'aws:MultiFactorAuthPresent');
  }
}

/** `aws:PrincipalArn` names the role, path included, not the session, for an assumed role. */
function principalArnForConditions(principal: Principal): string {
  if (!principal.roleName) return principal.arn;
  return principal.roleArn ?? `arn:aws:iam::${principal.accountId}:role/${principal.roleName}`;
}

/** `arn:aws:iam::{account}:user/{path}{name}` → `{name}`: `aws:username` is the friendly name. */
function userNameOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}
