import {
  awsSdkError,
  itRefusesMalformedJsonBodies,
  jsonPostRoute,
  recordingLogger,
} from '@internal-apis/lambda-http/testing';
import { ada, fakeUsersClient, itAnswersEveryUsersFailure } from '@internal-apis/users/client-testing';
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

  it.each([
    ['its table is missing', 'ResourceNotFoundException', 'its own role or resources'],
    ['its role may not write', 'AccessDeniedException', 'its own role or resources'],
    ['its credentials are refused', 'UnrecognizedClientException', 'its own AWS credentials'],
  ])('answers 500 naming its own configuration when %s (not blamed on users)', async (_case, name, what) => {
    const { db, post } = setup();
    db.failure = awsSdkError(name, { message: 'Requested resource not found: arn:aws:dynamodb:…' });
    const response = await post({ userId: ada.id });
    expect(response).toMatchObject({
      statusCode: 500,
      body: {
        message: `This service cannot record the notification: ${what} are at fault (${name})`,
        fault: 'caller',
        errorType: name,
      },
    });
    expect(JSON.stringify(response.body)).not.toContain('Requested resource');
  });

  it('answers 503 when DynamoDB throttles or fails', async () => {
    const { db, post } = setup();
    db.failure = awsSdkError('ProvisionedThroughputExceededException');
    expect(await post({ userId: ada.id })).toMatchObject({ statusCode: 503, body: { fault: 'aws' } });
  });

  it('answers 500 naming OUTBOX_TABLE when the function was deployed without it', async () => {
    const saved = process.env.OUTBOX_TABLE;
    delete process.env.OUTBOX_TABLE;
    try {
      const route = jsonPostRoute(
        sendWelcomeHandler({ logger: recordingLogger() }),
        '/notifications/welcome',
        [],
      );
      expect(await route.post({ userId: ada.id })).toMatchObject({
        statusCode: 500,
        body: {
          message: 'This service is not configured: its OUTBOX_TABLE variable is not set',
          fault: 'caller',
        },
      });
    } finally {
      if (saved !== undefined) process.env.OUTBOX_TABLE = saved;
    }
  });
});
