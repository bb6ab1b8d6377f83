import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { awsClientConfig, signedClientFor, stageTarget } from '@internal-apis/stage-harness';
import { createTestUser } from '@internal-apis/users/stage-testing';
import type { AxiosInstance } from 'axios';

// A welcome message crosses two services: notifications reads the user through the users API (its
// role may only GET users), renders the message and records it in its outbox table.

let notifications: AxiosInstance;

beforeAll(async () => {
  notifications = await signedClientFor('notifications');
});

const createUser = (name: string) => createTestUser('welcome', name);

/** The outbox item, read straight from the table as the runner. */
async function outboxItem(id: string) {
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig()));
  const { Item } = await documents.send(
    new GetCommand({
      TableName: `notifications-outbox-${stageTarget().stage}`,
      Key: { id },
      ConsistentRead: true,
    }),
  );
  return Item;
}

test('POST /notifications/welcome answers 201 with the message recorded in the outbox', async () => {
  const user = await createUser('Grace Hopper');

  const response = await notifications.post('/notifications/welcome', { userId: user.id });

  expect(response.status).toBe(201);
  expect(response.data).toEqual({
    id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    userId: user.id,
    email: user.email,
    subject: 'Welcome, Grace Hopper!',
    body: expect.stringContaining('Hello Grace Hopper,'),
    createdAt: expect.any(String),
    status: 'pending',
  });
  expect(await outboxItem(response.data.id)).toEqual(response.data);
});

test('each welcome is a record of its own', async () => {
  const user = await createUser('Ada');

  const first = await notifications.post('/notifications/welcome', { userId: user.id });
  const second = await notifications.post('/notifications/welcome', { userId: user.id });

  expect([first.status, second.status]).toEqual([201, 201]);
  expect(second.data.id).not.toBe(first.data.id);
});

test('POST /notifications/welcome for a user that does not exist answers 422', async () => {
  const userId = randomUUID();

  const response = await notifications.post('/notifications/welcome', { userId });

  expect(response.status).toBe(422);
  expect(response.data).toEqual({ message: `User ${userId} does not exist` });
});

test('POST /notifications/welcome without a userId answers 400 naming it', async () => {
  const response = await notifications.post('/notifications/welcome', {});

  expect(response.status).toBe(400);
  expect(response.data.fields).toEqual([{ path: 'userId', message: expect.any(String) }]);
});
