import {
  itRefusesMalformedJsonBodies,
  jsonPostRoute,
  recordingLogger,
} from '@internal-apis/lambda-http/testing';
import {
  ada,
  fakeUsersClient,
  itAnswersEveryUsersFailure,
  itBlamesItselfForItsOwnTable,
  itNamesItsMissingTableVariable,
} from '@internal-apis/users/client-testing';
import { sendWelcomeHandler } from '../../src/handlers/send-welcome';
import { createNotifications } from '../../src/notifications';
import { FakeDocumentClient } from './fakes';

const notificationId = '3d9e1f7a-2b4c-4d6e-8f0a-1b2c3d4e5f60';

function setup(users = fakeUsersClient([ada])) {
  const db = new FakeDocumentClient();
  const notifications = createNotifications({
    tableName: 'notifications-outbox-test',
    documentClient: db,
    users,
    now: () => new Date('2025-06-01T12:00:00.000Z'),
    newId: () => notificationId,
  });
  const handler = sendWelcomeHandler({ notifications, logger: recordingLogger() });
  return { db, users, ...jsonPostRoute(handler, '/notifications/welcome', db.commands) };
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
    ['a userId with a lone surrogate', { userId: '\ud83d' }, 'userId'],
  ])('answers 400 naming the field for %s, without calling users', async (_case, body, field) => {
    const { users, db, post } = setup();
    const response = await post(body);
    expect(response.statusCode).toBe(400);
    expect(response.body.fields).toEqual([expect.objectContaining({ path: field })]);
    expect(users.calls).toEqual([]);
    expect(db.commands).toEqual([]);
  });

  itRefusesMalformedJsonBodies({ userId: ada.id }, setup);

  itAnswersEveryUsersFailure({ userId: ada.id }, setup);

  itBlamesItselfForItsOwnTable({ userId: ada.id }, 'record the notification', setup);

  itNamesItsMissingTableVariable('OUTBOX_TABLE', { userId: ada.id }, () =>
    jsonPostRoute(sendWelcomeHandler({ logger: recordingLogger() }), '/notifications/welcome', []),
  );
});
