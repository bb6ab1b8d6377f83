import type { IssuedKey, NamedPolicy, PolicyDocument, Principal } from '../types';
import { awsId, secretKey, sessionToken } from './ids';

/** An IAM role as the stage provisioned it from a template. */
export interface Role {
  roleName: string;
  /** `arn:aws:iam::{account}:role{path}{name}` */
  arn: string;
  roleId: string;
  /** Inline policies and the managed policies attached to the role. */
  policies: NamedPolicy[];
  /** `PermissionsBoundary`: the managed policy that caps what `policies` grant. */
  permissionsBoundary?: NamedPolicy;
  /** `Tags`, by key: the `aws:PrincipalTag/{key}` condition keys of the role's sessions. */
  tags?: Readonly<Record<string, string>>;
  /** Who may assume the role (its `AssumeRolePolicyDocument`): STS AssumeRole checks it. */
  trustPolicy?: PolicyDocument;
  /** `MaxSessionDuration` in seconds; AWS's default is 3600. */
  maxSessionDuration?: number;
}

export interface KeyRingOptions {
  /** The clock that stamps temporary credentials with their issue time (`aws:TokenIssueTime`). */
  now?: () => Date;
}

export const DEVELOPER_USER = 'local-developer';

/** Allows everything: the developer's tools and tests act as an administrator would. */
const ADMINISTRATOR_ACCESS: NamedPolicy = {
  name: 'AdministratorAccess',
  document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};

/**
 * The stage's access keys: one long-term key for the developer (an IAM user allowed everything) and
 * temporary keys, with session tokens, for role sessions (what Lambda gives each function).
 *
 * @example
 * const ring = new KeyRing('000000000000');
 * ring.lookup(ring.developer.accessKeyId)?.principal.arn // 'arn:aws:iam::000000000000:user/local-developer'
 */
export class KeyRing {
  readonly developer: IssuedKey;
  private readonly keys = new Map<string, IssuedKey>();
  private readonly sessions = new Map<string, IssuedKey>();

  private readonly now: () => Date;

  constructor(
    readonly accountId: string,
    options: KeyRingOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.developer = this.add({
      accessKeyId: awsId('AKIA'),
      secretAccessKey: secretKey(),
      principal: {
        arn: `arn:aws:iam::${accountId}:user/${DEVELOPER_USER}`,
        userId: awsId('AIDA'),
        accountId,
        policies: [ADMINISTRATOR_ACCESS],
      },
    });
  }

  /** The key the stage issued under this id, if any. */
  lookup(accessKeyId: string): IssuedKey | undefined {
    return this.keys.get(accessKeyId);
  }

  /**
   * Temporary credentials of a role session, as STS AssumeRole returns them. One key per role and
   * session name, so a function keeps its credentials while the stage runs; they record when they were
   * issued, as STS does.
   */
  roleSession(role: Role, sessionName: string): IssuedKey {
    const id = `${role.arn}|${sessionName}`;
    const existing = this.sessions.get(id);
    if (existing) return existing;
    const principal: Principal = {
      ...rolePrincipal(role, this.accountId),
      arn: `arn:aws:sts::${this.accountId}:assumed-role/${role.roleName}/${sessionName}`,
      userId: `${role.roleId}:${sessionName}`,
      tokenIssueTime: this.now(),
    };
    const key = this.add({
      accessKeyId: awsId('ASIA'),
      secretAccessKey: secretKey(),
      sessionToken: sessionToken(),
      principal,
    });
    this.sessions.set(id, key);
    return key;
  }

  /** Every principal a key was issued to: the developer and each role session. */
  principals(): Principal[] {
    return [...this.keys.values()].map((key) => key.principal);
  }

  private add(key: IssuedKey): IssuedKey {
    this.keys.set(key.accessKeyId, key);
    return key;
  }
}

/**
 * A role as a principal, for reports that list every role whether it was called or not: its policies
 * (shared by reference, so policies attached to the role later apply to sessions already issued), its
 * boundary and its tags. A session adds its own ARN, user id and issue time.
 *
 * @example
 * rolePrincipal(role, '000000000000').roleArn; // 'arn:aws:iam::000000000000:role/orders-local-us-east-1-lambdaRole'
 */
export function rolePrincipal(role: Role, accountId: string): Principal {
  return {
    arn: role.arn,
    userId: role.roleId,
    accountId,
    roleName: role.roleName,
    roleArn: role.arn,
    policies: role.policies,
    ...(role.permissionsBoundary ? { permissionsBoundary: role.permissionsBoundary } : {}),
    ...(role.tags ? { tags: role.tags } : {}),
  };
}
