import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '@internal-apis/lambda-http';
import { isUserId, type NewUser, type User, type UserPatch } from './user';
import type { UsersStore } from './users-store';

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
}

/** A delete or email change that lost a race with another one is tried again this often. */
const ATTEMPTS = 3;

/**
 * Creates the users domain. Email uniqueness rests on the emails table (one row per email in use):
 * a user and the claim of its email are written in one DynamoDB transaction, each only if absent,
 * so two concurrent creates of one email cannot both succeed, and no interruption (a crash, a
 * timeout, a stopped stage) can leave a claim without its user or a user without its claim.
 *
 * @example
 * const users = createUsers({ store: createUsersStore({ documentClient, usersTable, emailsTable }) });
 * const ada = await users.create({ email: 'ada@example.com', name: 'Ada' });
 */
export function createUsers(options: UsersOptions): Users {
  const { store } = options;
  const now = options.now ?? (() => new Date());
  const newId = options.newId ?? randomUUID;

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
      if ((await store.createUser(user, timestamp)) === 'email-taken') throw emailTaken(user.email);
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
      const updatedAt = now().toISOString();
      for (let attempt = 1; ; attempt += 1) {
        const current = await get(id);
        if (patch.email === undefined || patch.email === current.email) {
          const updated = await store.updateUser(id, { name: patch.name, updatedAt });
          if (!updated) throw userNotFound(id);
          return updated;
        }
        const outcome = await store.changeEmail(current, patch.email, { name: patch.name, updatedAt });
        if (outcome === 'email-taken') throw emailTaken(patch.email);
        if (outcome === 'changed')
          return (await store.getUser(id)) ?? { ...current, ...defined(patch), updatedAt };
        // The user was deleted or moved meanwhile: read it again.
        if (attempt === ATTEMPTS) throw new ConflictError(`User ${id} was modified concurrently; retry`);
      }
    },
    async delete(id) {
      for (let attempt = 1; ; attempt += 1) {
        const current = await get(id);
        if ((await store.deleteUser(current)) === 'deleted') return;
        if (attempt === ATTEMPTS) throw new ConflictError(`User ${id} was modified concurrently; retry`);
      }
    },
  };
}

function defined<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
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
