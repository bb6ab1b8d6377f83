import type { User } from '../../src/user';
import type { EmailClaim, UserChanges, UsersStore } from '../../src/users-store';

type StoreMethod = keyof UsersStore;

/**
 * An in-memory UsersStore with the semantics of the DynamoDB one: each call is atomic and every
 * write is conditional the same way. `failNext` makes one call of a method reject.
 */
export class InMemoryUsersStore implements UsersStore {
  readonly users = new Map<string, User>();
  readonly claims = new Map<string, EmailClaim>();
  readonly calls: StoreMethod[] = [];
  private readonly failures = new Map<StoreMethod, Error>();

  failNext(method: StoreMethod, error = new Error(`${method} failed`)): void {
    this.failures.set(method, error);
  }

  async getUser(id: string) {
    this.enter('getUser');
    const user = this.users.get(id);
    return user && { ...user };
  }

  async putNewUser(user: User) {
    this.enter('putNewUser');
    if (this.users.has(user.id)) throw conditionFailed();
    this.users.set(user.id, { ...user });
  }

  async updateUser(id: string, changes: UserChanges, expectedEmail?: string) {
    this.enter('updateUser');
    const user = this.users.get(id);
    if (!user || (expectedEmail !== undefined && user.email !== expectedEmail)) return undefined;
    const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    const updated = { ...user, ...defined };
    this.users.set(id, updated);
    return { ...updated };
  }

  async deleteUser(id: string) {
    this.enter('deleteUser');
    const user = this.users.get(id);
    this.users.delete(id);
    return user;
  }

  async getEmailClaim(email: string) {
    this.enter('getEmailClaim');
    const claim = this.claims.get(email);
    return claim && { ...claim };
  }

  async claimEmail(claim: EmailClaim, replacing?: EmailClaim) {
    this.enter('claimEmail');
    const held = this.claims.get(claim.email);
    const free = replacing
      ? held?.userId === replacing.userId && held.claimedAt === replacing.claimedAt
      : held === undefined;
    if (free) this.claims.set(claim.email, { ...claim });
    return free;
  }

  async releaseEmail(email: string, userId: string) {
    this.enter('releaseEmail');
    if (this.claims.get(email)?.userId === userId) this.claims.delete(email);
  }

  private enter(method: StoreMethod): void {
    this.calls.push(method);
    const failure = this.failures.get(method);
    if (failure) {
      this.failures.delete(method);
      throw failure;
    }
  }
}

/** DynamoDB's answer to a failed ConditionExpression, as the SDK names it. */
export function conditionFailed(): Error {
  const error = new Error('The conditional request failed');
  error.name = 'ConditionalCheckFailedException';
  return error;
}

/** A fixed, movable clock. */
export function clock(start = '2025-01-01T00:00:00.000Z') {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    advance: (ms: number) => {
      current += ms;
    },
  };
}

/** Ids as crypto.randomUUID returns them, but predictable. */
export function sequentialIds() {
  let next = 0;
  return () => {
    next += 1;
    return `00000000-0000-4000-8000-${String(next).padStart(12, '0')}`;
  };
}
