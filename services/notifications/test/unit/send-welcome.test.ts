import { sendWelcomeHandler } from '../../src/handlers/send-welcome';
import { createNotifications } from '../../src/notifications';
import { ada, FakeDocumentClient, fakeUsers, unavailable, unknownUser } from './fakes';
import { invoke, jsonPost, quietLogger } from './http';

const notificationId = '3d9e1f7a-2b4c-4d6e-8f0a-1b2c3d4e5f60';

function setup(users = fakeUsers([ada])) {
  const db = new FakeDocumentClient();
  const notifications = createNotifications({
    tableName: 'notifications-outbox-test',
    documentClient: db,
    users,
    now: () => new Date('2025-06-01T12:00:00.000Z'),
    newId: () => notificationId,
  });
  const handler = sendWelcomeHandler({ notifications, logger: quietLogger() });
  const post = (body: unknown, headers?: Record<string, string>) =>
    invoke(handler, jsonPost('/notifications/welcome', body, headers));
  return { db, users, post };
}

describe('POST /notifications/welcome', () => {
  it('records a pending welcome message for the user in the outbox and answers 201 with it', async () => {
    const { db, post } = setup();
    const response = await post({ userId: ada.id });
    const notification = {
      id: notificationId,
      userId: ada.id,
      email: 'ada@example.com',
      subject: 'Welcome, Ada Lovelace!',
      body: expect.stringContaining('Ada Lovelace'),
      createdAt: '2025-06-01T12:00:00.000Z',
      status: 'pending',
    };
    expect(response).toMatchObject({ statusCode: 201, body: notification });
    expect(db.commands).toHaveLength(1);
    expect(db.commands[0]?.input).toMatchObject({
      TableName: 'notifications-outbox-test',
      Item: notification,
      ConditionExpression: 'attribute_not_exists(id)',
    });
  });

  it.each([
    ['a missing userId', {}, 'userId'],
    ['an empty userId', { userId: '' }, 'userId'],
    ['a numeric userId', { userId: 42 }, 'userId'],
    ['an unknown field', { userId: ada.id, template: 'promo' }, 'template'],
  ])('answers 400 naming the field for %s, without calling users', async (_case, body, field) => {
    const { users, db, post } = setup();
    const response = await post(body);
    expect(response.statusCode).toBe(400);
    expect(response.body.fields).toEqual([expect.objectContaining({ path: field })]);
    expect(users.calls).toEqual([]);
    expect(db.commands).toEqual([]);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const response = await setup().post('userId=42');
    expect(response).toMatchObject({ statusCode: 400, body: { message: 'Request body is not valid JSON' } });
  });

  it('answers 413 for a body over 64 KiB', async () => {
    const response = await setup().post({ userId: 'x'.repeat(70_000) });
    expect(response.statusCode).toBe(413);
  });

  it('answers 415 for a body that is not declared as JSON', async () => {
    const response = await setup().post({ userId: ada.id }, { 'Content-Type': 'text/plain' });
    expect(response.statusCode).toBe(415);
  });

  it('answers 422 naming the user when the user does not exist, and records nothing', async () => {
    const { db, post } = setup(fakeUsers([], unknownUser(ada.id)));
    const response = await post({ userId: ada.id });
    expect(response.statusCode).toBe(422);
    expect(response.body.message).toContain(ada.id);
    expect(db.commands).toEqual([]);
  });

  it.each([
    ['denied', 403, 'AccessDeniedException', 502],
    ['failed', 500, 'InternalServerErrorException', 502],
    ['unreachable', undefined, undefined, 503],
    ['discovery', undefined, undefined, 503],
    ['timeout', undefined, undefined, 504],
  ] as const)(
    'answers a users failure of kind %s with %s and the upstream details',
    async (kind, status, errorType, expected) => {
      const { db, post } = setup(
        fakeUsers([], unavailable(kind, { status, errorType, requestId: 'users-req-1' })),
      );
      const response = await post({ userId: ada.id });
      expect(response.statusCode).toBe(expected);
      expect(response.body.upstream).toMatchObject({ callee: 'users', kind, requestId: 'users-req-1' });
      if (status) expect(response.body.upstream).toMatchObject({ status, errorType });
      expect(db.commands).toEqual([]);
    },
  );

  it('answers 500 without internals when the outbox table fails (not blamed on users)', async () => {
    const { db, post } = setup();
    db.failure = Object.assign(new Error('Requested resource not found'), {
      name: 'ResourceNotFoundException',
    });
    const response = await post({ userId: ada.id });
    expect(response).toMatchObject({ statusCode: 500, body: { message: 'Internal server error' } });
    expect(JSON.stringify(response.body)).not.toContain('Requested resource');
  });
});
