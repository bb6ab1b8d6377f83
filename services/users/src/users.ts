import { randomUUID } from 'node:crypto';
import { ConflictError, createJsonLogger, type Logger, NotFoundError } from '@internal-apis/lambda-http';
import { isUserId, type NewUser, type User, type UserPatch } from './user';
import type { EmailClaim, UsersStore } from './users-store';

/**
 * The users domain. Inputs are already parsed by the schemas in `./user` (emails lower-cased).
 * Unknown users reject with NotFoundError (404), a taken email with ConflictError (409).
 */
export interface Users {
  create(input: NewUser): Promise<User>;
  get(id: string): Promise<User>;
  findByEmail(email: string): Promise<User>;
  update(id: string, patch: UserPatch): Promise<User>;
  delete(id: string): Promise<void>;
}

export interface UsersOptions {
  store: UsersStore;
  /** Default: the system clock. */
  now?: () => Date;
  /** Default: `crypto.randomUUID`. */
  newId?: () => string;
  /** Where a claim that could not be released is reported. Default: JSON lines on stdout. */
  log?: Logger;
}

/**
 * A claim older than this whose user does not hold the email is abandoned: its writer crashed
 * between its two writes. Far above the 10 s function timeout and API Gateway's 29 s limit, so the
 * writer that made it can no longer be running.
 */
export const ABANDONED_CLAIM_MS = 5 * 60 * 1000;

/**
 * Creates the users domain. Email uniqueness rests on the emails table: an email is claimed with a
 * conditional PutItem (`attribute_not_exists(email)`) BEFORE the user is written, so two concurrent
 * requests for one email cannot both succeed (no read-then-write race). DynamoDB transactions would
 * do it in one call, but the local stage's DynamoDB (dynalite) has no TransactWriteItems.
 *
 * @example
 * const users = createUsers({ store: createUsersStore({ documentClient, usersTable, emailsTable }) });
 * const ada = await users.create({ email: 'ada@example.com', name: 'Ada' });
 */
export function createUsers(options: UsersOptions): Users {
  const { store } = options;
  const now = options.now ?? (() => new Date());
  const newId = options.newId ?? randomUUID;
  const log = options.log ?? createJsonLogger();
  const claims = emailClaims(store, now, log);

  async function get(id: string): Promise<User> {
    // A malformed id names no user; checking first also keeps oversized keys away from DynamoDB.
    const user = isUserId(id) ? await store.getUser(id) : undefined;
    if (!user) throw userNotFound(id);
    return user;
  }

  return {
    get,
    async create(input) {
      const timestamp = now().toISOString();
      const user: User = { id: newId(), ...input, createdAt: timestamp, updatedAt: timestamp };
      await claims.claim(user.email, user.id);
      await claims.releasingOnFailure(user.email, user.id, () => store.putNewUser(user));
      return user;
    },
    async findByEmail(email) {
      // The claims table, read strongly consistent, sees a user created a moment ago; the byEmail
      // GSI is only eventually consistent and could miss it.
      const claim = await store.getEmailClaim(email);
      const user = claim && (await store.getUser(claim.userId));
      if (!user || user.email !== email) throw new NotFoundError(`No user with email ${email}`);
      return user;
    },
    async update(id, patch) {
      const current = await get(id);
      const updatedAt = now().toISOString();
      if (patch.email === undefined || patch.email === current.email) {
        const updated = await store.updateUser(id, { name: patch.name, updatedAt });
        if (!updated) throw userNotFound(id);
        return updated;
      }
      return changeEmail(current, { email: patch.email, name: patch.name, updatedAt });
    },
    async delete(id) {
      const removed = isUserId(id) ? await store.deleteUser(id) : undefined;
      if (!removed) throw userNotFound(id);
      await claims.release(removed.email, id);
    },
  };

  // Claim the new address, move the user to it only if its email is still the one read, then free
  // the old address. A failure at any step leaves at most a claim the user does not hold.
  async function changeEmail(current: User, changes: { email: string; name?: string; updatedAt: string }) {
    await claims.claim(changes.email, current.id);
    const updated = await claims.releasingOnFailure(changes.email, current.id, () =>
      store.updateUser(current.id, changes, current.email),
    );
    if (!updated) {
      await claims.release(changes.email, current.id);
      if (await store.getUser(current.id)) {
        throw new ConflictError(`User ${current.id} was modified concurrently; retry`);
      }
      throw userNotFound(current.id);
    }
    await claims.release(current.email, current.id);
    return updated;
  }
}

// A malformed id is not echoed back: it may be arbitrarily long, and it names no user anyway.
function userNotFound(id: string): NotFoundError {
  return new NotFoundError(isUserId(id) ? `User ${id} not found` : 'User not found');
}

function emailTaken(email: string): ConflictError {
  return new ConflictError(`Email ${email} is already registered`, {
    fields: [{ path: 'email', message: 'Email is already registered' }],
  });
}

/** Claiming and releasing emails in the claims table, with recovery of abandoned claims. */
function emailClaims(store: UsersStore, now: () => Date, log: Logger) {
  async function isAbandoned(claim: EmailClaim): Promise<boolean> {
    if (now().getTime() - Date.parse(claim.claimedAt) < ABANDONED_CLAIM_MS) return false;
    const holder = await store.getUser(claim.userId);
    return holder?.email !== claim.email;
  }

  async function release(email: string, userId: string): Promise<void> {
    try {
      await store.releaseEmail(email, userId);
    } catch (error) {
      // Not fatal: the user does not hold this email, so a later claim recovers it once abandoned.
      log.error('email claim not released', { userId, error });
    }
  }

  return {
    release,
    async claim(email: string, userId: string): Promise<void> {
      const claim = { email, userId, claimedAt: now().toISOString() };
      if (await store.claimEmail(claim)) return;
      const held = await store.getEmailClaim(email);
      if (held?.userId === userId) return;
      if (held === undefined && (await store.claimEmail(claim))) return;
      if (held && (await isAbandoned(held)) && (await store.claimEmail(claim, held))) return;
      throw emailTaken(email);
    },
    async releasingOnFailure<T>(email: string, userId: string, write: () => Promise<T>): Promise<T> {
      try {
        return await write();
      } catch (error) {
        await release(email, userId);
        throw error;
      }
    },
  };
}
