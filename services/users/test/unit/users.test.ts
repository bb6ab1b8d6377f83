import { ConflictError, HttpError, NotFoundError } from '@internal-apis/lambda-http';
import { createUsers } from '../../src/users';
import type { UsersStore } from '../../src/users-store';
import { clock, InMemoryUsersStore, sequentialIds } from './fakes';

function setup() {
  const store = new InMemoryUsersStore();
  const time = clock();
  const users = createUsers({ store, now: time.now, newId: sequentialIds() });
  return { store, time, users };
}

const ada = { email: 'ada@example.com', name: 'Ada' };
const UNKNOWN_ID = '00000000-0000-4000-8000-999999999999';

async function rejection(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (error instanceof HttpError) return error;
  throw new Error(`expected an HttpError, got ${String(error)}`);
}

/** Both tables agree: every claim names a user with that email, every user holds its claim. */
function expectTablesAgree(store: InMemoryUsersStore): void {
  for (const [email, claim] of store.claims) expect(store.users.get(claim.userId)?.email).toBe(email);
  for (const user of store.users.values()) expect(store.claims.get(user.email)?.userId).toBe(user.id);
}

describe('users.create', () => {
  it('stores the user with an id and timestamps, and claims its email, in one write', async () => {
    const { users, store } = setup();
    const user = await users.create(ada);
    expect(user).toEqual({
      id: '00000000-0000-4000-8000-000000000001',
      ...ada,
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-01T00:00:00.000Z',
    });
    expect(store.users.get(user.id)).toEqual(user);
    expect(store.claims.get(ada.email)).toEqual({
      email: ada.email,
      userId: user.id,
      claimedAt: user.createdAt,
    });
    expect(store.calls).toEqual(['createUser']);
  });

  it('rejects a duplicate email with 409 naming the field, and writes nothing', async () => {
    const { users, store } = setup();
    await users.create(ada);
    const error = await rejection(users.create({ ...ada, name: 'Other' }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.toBody()).toEqual({
      message: 'Email ada@example.com is already registered',
      fields: [{ path: 'email', message: 'Email is already registered' }],
    });
    expect(store.users.size).toBe(1);
  });

  it('lets exactly one of two concurrent creates with one email succeed', async () => {
    const { users } = setup();
    const results = await Promise.allSettled([users.create(ada), users.create({ ...ada, name: 'Twin' })]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('writes nothing when the write fails, so the email stays usable at once', async () => {
    const { users, store } = setup();
    store.failNext('createUser');
    await expect(users.create(ada)).rejects.toThrow('createUser failed');
    expect(store.users.size + store.claims.size).toBe(0);
    await expect(users.create(ada)).resolves.toMatchObject(ada);
  });
});

describe('users.get', () => {
  it('returns a stored user', async () => {
    const { users } = setup();
    const user = await users.create(ada);
    await expect(users.get(user.id)).resolves.toEqual(user);
  });

  it('rejects an unknown id with 404', async () => {
    const { users } = setup();
    const error = await rejection(users.get(UNKNOWN_ID));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe(`User ${UNKNOWN_ID} not found`);
  });

  it('answers a malformed id with 404 without reading the table', async () => {
    const { users, store } = setup();
    expect((await rejection(users.get('x'.repeat(5000)))).statusCode).toBe(404);
    expect(store.calls).toEqual([]);
  });
});

describe('users.findByEmail', () => {
  it('finds a user right after it was created', async () => {
    const { users } = setup();
    const user = await users.create(ada);
    await expect(users.findByEmail(ada.email)).resolves.toEqual(user);
  });

  it('rejects an unknown email with 404', async () => {
    const { users } = setup();
    expect((await rejection(users.findByEmail('nobody@example.com'))).statusCode).toBe(404);
  });

  it('ignores a claim its user does not hold (a row written before transactions)', async () => {
    const { users, store } = setup();
    const user = await users.create(ada);
    store.claims.set('old@example.com', { email: 'old@example.com', userId: user.id, claimedAt: 'x' });
    expect((await rejection(users.findByEmail('old@example.com'))).statusCode).toBe(404);
  });
});

describe('users.update', () => {
  it('changes the name and the update time', async () => {
    const { users, time } = setup();
    const user = await users.create(ada);
    time.advance(1000);
    await expect(users.update(user.id, { name: 'Countess' })).resolves.toEqual({
      ...user,
      name: 'Countess',
      updatedAt: '2025-01-01T00:00:01.000Z',
    });
  });

  it('moves the user and its claim to the new address together, freeing the old one', async () => {
    const { users, store } = setup();
    const user = await users.create(ada);
    const updated = await users.update(user.id, { email: 'countess@example.com' });
    expect(updated).toMatchObject({ id: user.id, email: 'countess@example.com', name: 'Ada' });
    expect([...store.claims.keys()]).toEqual(['countess@example.com']);
    expectTablesAgree(store);
    await expect(users.create(ada)).resolves.toMatchObject(ada);
  });

  it('rejects a change to a taken email with 409 and leaves both users as they were', async () => {
    const { users, store } = setup();
    const first = await users.create(ada);
    const second = await users.create({ email: 'grace@example.com', name: 'Grace' });
    expect((await rejection(users.update(second.id, { email: ada.email }))).statusCode).toBe(409);
    expect(store.users.get(second.id)).toEqual(second);
    expect(store.claims.get(ada.email)?.userId).toBe(first.id);
    expectTablesAgree(store);
  });

  it('accepts the current email without moving anything', async () => {
    const { users, store } = setup();
    const user = await users.create(ada);
    await expect(users.update(user.id, { email: ada.email, name: 'A.' })).resolves.toMatchObject({
      name: 'A.',
    });
    expect(store.calls).not.toContain('changeEmail');
  });

  it('reads the user again when its email changed meanwhile, and moves it from there', async () => {
    const { users, store } = setup();
    const user = await users.create(ada);
    // Another request moves the user between this update's read and its transaction, once.
    const change = store.changeEmail.bind(store);
    let raced = false;
    store.changeEmail = async (...args: Parameters<UsersStore['changeEmail']>) => {
      if (!raced) {
        raced = true;
        await change(user, 'raced@example.com', { updatedAt: user.updatedAt });
      }
      return change(...args);
    };
    await expect(users.update(user.id, { email: 'new@example.com' })).resolves.toMatchObject({
      email: 'new@example.com',
    });
    expect([...store.claims.keys()]).toEqual(['new@example.com']);
    expectTablesAgree(store);
  });

  it('answers 409 when the user keeps changing under it', async () => {
    const { users, store } = setup();
    const user = await users.create(ada);
    store.changeEmail = async () => 'user-changed';
    expect((await rejection(users.update(user.id, { email: 'new@example.com' }))).statusCode).toBe(409);
  });

  it('answers 404 when the user was deleted meanwhile', async () => {
    const { users, store } = setup();
    const user = await users.create(ada);
    const change = store.changeEmail.bind(store);
    store.changeEmail = async (...args: Parameters<UsersStore['changeEmail']>) => {
      await users.delete(user.id);
      return change(...args);
    };
    expect((await rejection(users.update(user.id, { email: 'new@example.com' }))).statusCode).toBe(404);
    expect(store.claims.size).toBe(0);
  });

  it('rejects an unknown id with 404', async () => {
    const { users } = setup();
    expect((await rejection(users.update(UNKNOWN_ID, { name: 'x' }))).statusCode).toBe(404);
  });
});

describe('users.delete', () => {
  it('deletes the user and frees its email together', async () => {
    const { users, store } = setup();
    const user = await users.create(ada);
    await users.delete(user.id);
    expect(store.users.size).toBe(0);
    expect(store.claims.size).toBe(0);
    expect(store.calls).toEqual(['createUser', 'getUser', 'deleteUser']);
  });

  it('rejects an unknown or malformed id with 404', async () => {
    const { users } = setup();
    expect((await rejection(users.delete(UNKNOWN_ID))).statusCode).toBe(404);
    expect((await rejection(users.delete('not-a-uuid'))).statusCode).toBe(404);
  });

  it('deletes a user whose email changed between its read and its delete, with its new claim', async () => {
    const { users, store } = setup();
    const user = await users.create(ada);
    const remove = store.deleteUser.bind(store);
    let raced = false;
    store.deleteUser = async (seen) => {
      if (!raced) {
        raced = true;
        await store.changeEmail(user, 'moved@example.com', { updatedAt: user.updatedAt });
      }
      return remove(seen);
    };
    await users.delete(user.id);
    expect(store.users.size + store.claims.size).toBe(0);
  });
});

describe('an interruption at any store call', () => {
  // Each operation, failed at each of its store calls in turn (the call rejects having written
  // nothing, as a DynamoDB call cut short does), leaves both tables agreeing and the email usable.
  const operations = {
    create: async (users: ReturnType<typeof createUsers>) => {
      await users.create({ email: 'new@example.com', name: 'New' });
    },
    'change email': async (users: ReturnType<typeof createUsers>, id: string) => {
      await users.update(id, { email: 'new@example.com' });
    },
    delete: async (users: ReturnType<typeof createUsers>, id: string) => {
      await users.delete(id);
    },
  };
  const steps = {
    create: ['createUser'],
    'change email': ['getUser', 'changeEmail', 'getUser'],
    delete: ['getUser', 'deleteUser'],
  } as const;
  const cases = Object.entries(steps).flatMap(([operation, methods]) =>
    [...new Set(methods)].flatMap((method) =>
      [false, true].map((afterWriting) => [operation, method, afterWriting ? 'after' : 'before'] as const),
    ),
  );

  it.each(cases)('%s, interrupted at %s, %s it writes', async (operation, method, when) => {
    const { users, store } = setup();
    const existing = await users.create(ada);
    store.failNext(method, undefined, { afterWriting: when === 'after' });

    await operations[operation as keyof typeof operations](users, existing.id).catch(() => undefined);

    expectTablesAgree(store);
    // Whichever email is not in use can be taken at once.
    for (const email of ['new@example.com', ada.email]) {
      if (!store.claims.has(email))
        await expect(users.create({ email, name: 'Next' })).resolves.toBeDefined();
    }
    expectTablesAgree(store);
  });
});
