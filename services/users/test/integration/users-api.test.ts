import { randomUUID } from 'node:crypto';
import { serviceUrl, signedClientFor } from '@internal-apis/stage-harness';
import type { AxiosInstance } from 'axios';

// The users API over signed HTTP, as the runner (allowed everything): every endpoint, every kind of
// input it refuses, and email uniqueness under concurrency. Emails are unique per test, so the suite
// can run again and again against the same deployed stage.

let users: AxiosInstance;

beforeAll(async () => {
  users = await signedClientFor('users');
});

const uniqueEmail = (label = 'user') => `${label}-${randomUUID()}@example.com`;

async function createUser(input: { email?: string; name?: string } = {}) {
  const response = await users.post('/users', { email: uniqueEmail(), name: 'Ada Lovelace', ...input });
  expect(response.status).toBe(201);
  return response.data as { id: string; email: string; name: string; createdAt: string; updatedAt: string };
}

/** The `path` of each field a 400 names. */
const fieldPaths = (data: unknown) =>
  ((data as { fields?: Array<{ path: string }> }).fields ?? []).map((field) => field.path).sort();

describe('create, read, update, delete', () => {
  test('POST /users answers 201 with the user and its Location', async () => {
    const email = uniqueEmail();
    const response = await users.post('/users', { email, name: 'Ada Lovelace' });

    expect(response.status).toBe(201);
    expect(response.data).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      email,
      name: 'Ada Lovelace',
      createdAt: expect.any(String),
      updatedAt: response.data.createdAt,
    });
    expect(response.headers.location).toBe(`users/${response.data.id}`);
    // Resolved against the request URL, it names the new user.
    const location = new URL(response.headers.location, `${await serviceUrl('users')}/users`);
    expect((await users.get(location.href)).data).toEqual(response.data);
  });

  test('the email is stored trimmed and lower-cased, the name trimmed', async () => {
    const email = uniqueEmail();
    const user = await createUser({ email: `  ${email.toUpperCase()} `, name: '  Grace  ' });

    expect(user).toMatchObject({ email, name: 'Grace' });
  });

  test('GET /users/{id} answers the user as created', async () => {
    const user = await createUser();

    const response = await users.get(`/users/${user.id}`);

    expect(response.status).toBe(200);
    expect(response.data).toEqual(user);
  });

  test('GET /users?email= finds the user, whatever the letter case of the query', async () => {
    const user = await createUser();

    const response = await users.get('/users', { params: { email: user.email.toUpperCase() } });

    expect(response.status).toBe(200);
    expect(response.data).toEqual(user);
  });

  test('PATCH /users/{id} changes the name and answers the updated user', async () => {
    const user = await createUser();

    const response = await users.patch(`/users/${user.id}`, { name: 'Countess of Lovelace' });

    expect(response.status).toBe(200);
    expect(response.data).toMatchObject({ id: user.id, email: user.email, name: 'Countess of Lovelace' });
    expect(Date.parse(response.data.updatedAt)).toBeGreaterThanOrEqual(Date.parse(user.updatedAt));
    expect((await users.get(`/users/${user.id}`)).data).toEqual(response.data);
  });

  test('PATCH /users/{id} moves the user to a new email and frees the old one', async () => {
    const user = await createUser();
    const newEmail = uniqueEmail('moved');

    const response = await users.patch(`/users/${user.id}`, { email: newEmail });

    expect(response.status).toBe(200);
    expect(response.data).toMatchObject({ id: user.id, email: newEmail, name: user.name });
    expect((await users.get('/users', { params: { email: newEmail } })).data.id).toBe(user.id);
    expect((await users.get('/users', { params: { email: user.email } })).status).toBe(404);
    // The old address is free again: someone else can register with it.
    expect((await users.post('/users', { email: user.email, name: 'Next owner' })).status).toBe(201);
  });

  test('DELETE /users/{id} answers 204; the user is gone and the email free', async () => {
    const user = await createUser();

    const response = await users.delete(`/users/${user.id}`);

    expect(response.status).toBe(204);
    expect(response.data).toBe('');
    expect((await users.get(`/users/${user.id}`)).status).toBe(404);
    expect((await users.get('/users', { params: { email: user.email } })).status).toBe(404);
    expect((await users.post('/users', { email: user.email, name: 'Next owner' })).status).toBe(201);
  });
});

describe('404 for users that do not exist', () => {
  const unknownId = randomUUID();

  test.each([
    ['GET', () => users.get(`/users/${unknownId}`)],
    ['PATCH', () => users.patch(`/users/${unknownId}`, { name: 'Nobody' })],
    ['DELETE', () => users.delete(`/users/${unknownId}`)],
  ])('%s /users/{unknown id} answers 404 naming the id', async (_method, call) => {
    const response = await call();

    expect(response.status).toBe(404);
    expect(response.data).toEqual({ message: `User ${unknownId} not found` });
  });

  test('a malformed id is a 404 too, and is not echoed back', async () => {
    const response = await users.get('/users/not-a-user-id');

    expect(response.status).toBe(404);
    expect(response.data).toEqual({ message: 'User not found' });
  });

  test('GET /users?email= for an unregistered email answers 404', async () => {
    const email = uniqueEmail('nobody');

    const response = await users.get('/users', { params: { email } });

    expect(response.status).toBe(404);
    expect(response.data).toEqual({ message: `No user with email ${email}` });
  });

  test('a deleted user cannot be deleted again', async () => {
    const user = await createUser();
    await users.delete(`/users/${user.id}`);

    expect((await users.delete(`/users/${user.id}`)).status).toBe(404);
  });
});

describe('409 for an email that is taken', () => {
  test('POST /users with a registered email, in any letter case, answers 409 naming the field', async () => {
    const user = await createUser();

    const response = await users.post('/users', { email: user.email.toUpperCase(), name: 'Impostor' });

    expect(response.status).toBe(409);
    expect(response.data).toEqual({
      message: `Email ${user.email} is already registered`,
      fields: [{ path: 'email', message: 'Email is already registered' }],
    });
  });

  test("PATCH /users/{id} to another user's email answers 409 and changes nothing", async () => {
    const taken = await createUser();
    const user = await createUser();

    const response = await users.patch(`/users/${user.id}`, { email: taken.email });

    expect(response.status).toBe(409);
    expect((await users.get(`/users/${user.id}`)).data).toEqual(user);
    expect((await users.get('/users', { params: { email: taken.email } })).data.id).toBe(taken.id);
  });

  test('concurrent creates with one email: exactly one 201, every other 409', async () => {
    const email = uniqueEmail('race');

    const responses = await Promise.all(
      Array.from({ length: 5 }, (_, index) => users.post('/users', { email, name: `Racer ${index}` })),
    );

    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409]);
    const winner = responses.find((response) => response.status === 201)?.data;
    expect((await users.get('/users', { params: { email } })).data).toEqual(winner);
  });
});

describe('400 naming the fields at fault, and other refused input', () => {
  const name = 'Ada Lovelace';

  test.each([
    ['no email', { name }, ['email']],
    ['no name', { email: uniqueEmail() }, ['name']],
    ['neither', {}, ['email', 'name']],
    ['a malformed email', { email: 'not-an-email', name }, ['email']],
    ['an email over 254 characters', { email: `${'a'.repeat(250)}@example.com`, name }, ['email']],
    ['a blank name', { email: uniqueEmail(), name: '   ' }, ['name']],
    ['a name over 200 characters', { email: uniqueEmail(), name: 'n'.repeat(201) }, ['name']],
    ['a name that is not a string', { email: uniqueEmail(), name: 42 }, ['name']],
    ['an unknown field', { email: uniqueEmail(), name, role: 'admin' }, ['role']],
  ])('POST /users with %s answers 400 naming the fields', async (_case, body, fields) => {
    const response = await users.post('/users', body);

    expect(response.status).toBe(400);
    expect(response.data.message).toBe('Invalid request body');
    expect(fieldPaths(response.data)).toEqual(fields);
  });

  test.each([
    ['an empty object', {}, ['']],
    ['a malformed email', { email: 'nope' }, ['email']],
    ['a blank name', { name: ' ' }, ['name']],
    ['an unknown field', { name, id: randomUUID() }, ['id']],
  ])('PATCH /users/{id} with %s answers 400 naming the fields', async (_case, body, fields) => {
    const user = await createUser();

    const response = await users.patch(`/users/${user.id}`, body);

    expect(response.status).toBe(400);
    expect(fieldPaths(response.data)).toEqual(fields);
    expect((await users.get(`/users/${user.id}`)).data).toEqual(user);
  });

  test('PATCH /users/{id} with an empty object says what it needs', async () => {
    const user = await createUser();

    const response = await users.patch(`/users/${user.id}`, {});

    expect(response.data.fields).toEqual([{ path: '', message: 'Provide at least one of: email, name' }]);
  });

  test.each([
    ['no email parameter', {}],
    ['a malformed email', { email: 'not-an-email' }],
  ])('GET /users with %s answers 400 naming email', async (_case, params) => {
    const response = await users.get('/users', { params });

    expect(response.status).toBe(400);
    expect(response.data.message).toBe('Invalid query string');
    expect(fieldPaths(response.data)).toEqual(['email']);
  });

  test('a body that is not JSON answers 400 naming the body as a whole', async () => {
    const response = await users.post('/users', Buffer.from('{"email": '), {
      headers: { 'Content-Type': 'application/json' },
    });

    expect(response.status).toBe(400);
    expect(response.data).toEqual({
      message: 'Request body is not valid JSON',
      fields: [{ path: '', message: 'Must be JSON' }],
    });
  });

  test('no body answers 400 naming the body as a whole', async () => {
    const response = await users.post('/users', undefined, {
      headers: { 'Content-Type': 'application/json' },
    });

    expect(response.status).toBe(400);
    expect(response.data).toEqual({
      message: 'Request body is required',
      fields: [{ path: '', message: 'Required' }],
    });
  });

  test('a body that is not declared JSON answers 415', async () => {
    const response = await users.post('/users', Buffer.from(`email=${uniqueEmail()}&name=Ada`), {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });

    expect(response.status).toBe(415);
    expect(response.data.message).toBe('Content-Type must be application/json');
  });

  test('a body over 64 KiB answers 413 and creates nobody', async () => {
    const email = uniqueEmail('big');

    const response = await users.post('/users', { email, name, padding: 'x'.repeat(70 * 1024) });

    expect(response.status).toBe(413);
    expect((await users.get('/users', { params: { email } })).status).toBe(404);
  });
});
