import { ConflictError, createJsonLogger, HttpError, NotFoundError } from '@internal-apis/lambda-http';
import { ABANDONED_CLAIM_MS, createUsers } from '../../src/users';
import { clock, InMemoryUsersStore, sequentialIds } from './fakes';

function setup() {
  const store = new InMemoryUsersStore();
  const time = clock();
  const logLines: string[] = [];
  const users = createUsers({
    store,
    now: time.now,
    newId: sequentialIds(),
    log: createJsonLogger({ write: (line) => logLines.push(line) }),
  });
  return { store, time, users, logLines };
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

describe('users.create', () => {
  it('stores the user with an id and timestamps, and claims its email', async () => {
    const { users, store } = setup();
    const user = await users.create(ada);
    expect(user).toEqual({
      id: '00000000-0000-4000-8000-000000000001',
      ...ada,
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-01T00:00:00.000Z',
    });
    expect(store.users.get(user.id)).toEqual(user);
    expect(store.claims.get(ada.email)?.userId).toBe(user.id);
  });

  it('claims the email before writing the user', async () => {
    const { users, store } = setup();
    await users.create(ada);
    expect(store.calls.indexOf('claimEmail')).toBeLessThan(store.calls.indexOf('putNewUser'));
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
    const { users, store } = setup();
    const results = await Promise.allSettled([users.create(ada), users.create({ ...ada, name: 'Twin' })]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(store.users.size).toBe(1);
  });

  it('releases the claim when the user write fails, so the email stays usable', async () => {
    const { users, store } = setup();
    store.failNext('putNewUser', new Error('ProvisionedThroughputExceededException'));
    await expect(users.create(ada)).rejects.toThrow('ProvisionedThroughputExceededException');
    expect(store.claims.size).toBe(0);
    await expect(users.create(ada)).resolves.toMatchObject(ada);
  });

  it('takes over an abandoned claim (old, and its user does not hold the email)', async () => {
    const { users, store, time } = setup();
    store.claims.set(ada.email, {
      email: ada.email,
      userId: UNKNOWN_ID,
      claimedAt: time.now().toISOString(),
    });
    time.advance(ABANDONED_CLAIM_MS);
    const user = await users.create(ada);
    expect(store.claims.get(ada.email)?.userId).toBe(user.id);
  });

  it('does not take over a recent claim: its writer may still be running', async () => {
    const { users, store, time } = setup();
    store.claims.set(ada.email, {
      email: ada.email,
      userId: UNKNOWN_ID,
      claimedAt: time.now().toISOString(),
    });
    time.advance(ABANDONED_CLAIM_MS - 1);
    expect((await rejection(users.create(ada))).statusCode).toBe(409);
  });

  it('never takes over an old claim whose user holds the email', async () => {
    const { users, time } = setup();
    await users.create(ada);
    time.advance(ABANDONED_CLAIM_MS * 10);
    expect((await rejection(users.create(ada))).statusCode).toBe(409);
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

  it('ignores a claim its user no longer holds', async () => {
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

  it('moves the email claim to the new address and frees the old one', async () => {
    const { users, store } = setup();
    const user = await users.create(ada);
    const updated = await users.update(user.id, { email: 'countess@example.com' });
    expect(updated.email).toBe('countess@example.com');
    expect([...store.claims.keys()]).toEqual(['countess@example.com']);
    await expect(users.create(ada)).resolves.toMatchObject(ada);
  });

  it('rejects a change to a taken email with 409 and leaves both users as they were', async () => {
    const { users, store } = setup();
    const first = await users.create(ada);
    const second = await users.create({ email: 'grace@example.com', name: 'Grace' });
    expect((await rejection(users.update(second.id, { email: ada.email }))).statusCode).toBe(409);
    expect(store.users.get(second.id)).toEqual(second);
    expect(store.claims.get(ada.email)?.userId).toBe(first.id);
    expect(store.claims.get('grace@example.com')?.userId).toBe(second.id);
  });

  it('accepts the current email without claiming it again', async () => {
    const { users, store } = setup();
    const user = await users.create(ada);
    await expect(users.update(user.id, { email: ada.email, name: 'A.' })).resolves.toMatchObject({
      name: 'A.',
    });
    expect(store.calls.filter((call) => call === 'claimEmail')).toHaveLength(1);
  });

  it('releases the new claim when the user write fails', async () => {
    const { users, store } = setup();
    const user = await users.create(ada);
    store.failNext('updateUser');
    await expect(users.update(user.id, { email: 'new@example.com' })).rejects.toThrow('updateUser failed');
    expect([...store.claims.keys()]).toEqual([ada.email]);
  });

  it('answers 409 and releases the new claim when the email changed concurrently', async () => {
    const { users, store } = setup();
    const user = await users.create(ada);
    // Another request changes the email between this update's read and its conditional write.
    const original = store.updateUser.bind(store);
    store.updateUser = async (id, changes, expected) => {
      store.users.set(id, { ...user, email: 'raced@example.com' });
      return original(id, changes, expected);
    };
    const error = await rejection(users.update(user.id, { email: 'new@example.com' }));
    expect(error.statusCode).toBe(409);
    expect(store.claims.has('new@example.com')).toBe(false);
  });

  it('rejects an unknown id with 404', async () => {
    const { users } = setup();
    expect((await rejection(users.update(UNKNOWN_ID, { name: 'x' }))).statusCode).toBe(404);
  });
});

describe('users.delete', () => {
  it('deletes the user and frees its email', async () => {
    const { users, store } = setup();
    const user = await users.create(ada);
    await users.delete(user.id);
    expect(store.users.size).toBe(0);
    expect(store.claims.size).toBe(0);
  });

  it('rejects an unknown or malformed id with 404', async () => {
    const { users } = setup();
    expect((await rejection(users.delete(UNKNOWN_ID))).statusCode).toBe(404);
    expect((await rejection(users.delete('not-a-uuid'))).statusCode).toBe(404);
  });

  it('still succeeds when the claim cannot be released, and logs it without the email', async () => {
    const { users, store, logLines } = setup();
    const user = await users.create(ada);
    store.failNext('releaseEmail');
    await expect(users.delete(user.id)).resolves.toBeUndefined();
    expect(logLines).toHaveLength(1);
    expect(JSON.parse(logLines[0] ?? '{}')).toMatchObject({
      level: 'error',
      message: 'email claim not released',
    });
    expect(logLines[0]).not.toContain(ada.email);
  });
});
