/** Shapes shared by the local stage's modules. */

/** A request exactly as it arrived, before any decoding, so signatures are checked on what was sent. */
export interface ReceivedRequest {
  method: string;
  /** The raw request-target: path and query string, percent-encoding untouched. */
  target: string;
  /** Raw header pairs in arrival order (Node's `req.rawHeaders`, paired up). */
  headers: Array<[name: string, value: string]>;
  body: Buffer;
  sourceIp: string;
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** `Principal`/`NotPrincipal` of a resource-based policy: `"*"`, or principals by type (`AWS`, `Service`, …). */
export type PolicyPrincipal = '*' | Record<string, string | string[]>;

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  /** Only in resource-based policies. */
  Principal?: PolicyPrincipal;
  NotPrincipal?: PolicyPrincipal;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version?: string;
  Statement: Statement | Statement[];
}

/** An identity policy with a name that reports can show, e.g. `orders-local-lambda`. */
export interface NamedPolicy {
  name: string;
  document: PolicyDocument;
}

/** Who signed a request: what the access key maps to. */
export interface Principal {
  /** `arn:aws:sts::{account}:assumed-role/{role}/{session}` or `arn:aws:iam::{account}:user/{name}`. */
  arn: string;
  /** What API Gateway puts in `identity.caller` and `identity.user`: `AROA…:{session}` or `AIDA…`. */
  userId: string;
  accountId: string;
  /** Set for a role's session; reports group by it. */
  roleName?: string;
  /** The session's role, path included: what `aws:PrincipalArn` and a resource policy's role principal name. */
  roleArn?: string;
  /** Identity-based policies: inline, and managed ones attached to the role or user. */
  policies: NamedPolicy[];
  /** The role's permissions boundary: the most its identity-based policies may grant. */
  permissionsBoundary?: NamedPolicy;
  /** The role's (or user's) tags, the `aws:PrincipalTag/{key}` condition keys. */
  tags?: Readonly<Record<string, string>>;
  /** When temporary credentials were issued (`aws:TokenIssueTime`); absent for long-term keys. */
  tokenIssueTime?: Date;
}

/** A key the stage issued, with the principal it maps to. */
export interface IssuedKey extends Credentials {
  principal: Principal;
}
