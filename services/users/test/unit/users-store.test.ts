import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createUsersStore, type UsersDocumentClient } from '../../src/users-store';
import { conditionFailed } from './fakes';

type Command = Parameters<UsersDocumentClient['send']>[0];
type Answer = Awaited<ReturnType<UsersDocumentClient['send']>>;

/** A document client that records each command and answers with `respond`. */
function recordingClient(respond: (command: Command) => Answer | Error = () => ({})) {
  const sent: Command[] = [];
  const documentClient: UsersDocumentClient = {
    async send(command) {
      sent.push(command);
      const answer = respond(command);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  const store = createUsersStore({
    documentClient,
    usersTable: 'users-test',
    emailsTable: 'users-emails-test',
  });
  return { sent, store };
}

const user = {
  id: '00000000-0000-4000-8000-000000000001',
  email: 'ada@example.com',
  name: 'Ada',
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
};
const claim = { email: 'ada@example.com', userId: user.id, claimedAt: '2025-01-01T00:00:00.000Z' };

/** DynamoDB's answer to a transaction whose conditions failed, as the SDK names it. */
function cancelled(...codes: string[]): Error {
  const error = Object.assign(new Error(`Transaction cancelled [${codes.join(', ')}]`), {
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
  error.name = 'TransactionCanceledException';
  return error;
}

describe('createUsersStore', () => {
  it('reads a user strongly consistently and returns only its public fields', async () => {
    const { sent, store } = recordingClient(() => ({ Item: { ...user, internal: 'x' } }));
    await expect(store.getUser(user.id)).resolves.toEqual(user);
    expect(sent[0]).toBeInstanceOf(GetCommand);
    expect(sent[0]?.input).toEqual({ TableName: 'users-test', Key: { id: user.id }, ConsistentRead: true });
  });

  it('returns undefined for a missing user', async () => {
    const { store } = recordingClient(() => ({}));
    await expect(store.getUser(user.id)).resolves.toBeUndefined();
  });

  it('reads an email claim strongly consistently', async () => {
    const { sent, store } = recordingClient(() => ({ Item: claim }));
    await expect(store.getEmailClaim(claim.email)).resolves.toEqual(claim);
    expect(sent[0]?.input).toMatchObject({ TableName: 'users-emails-test', ConsistentRead: true });
  });

  it('creates the user and its claim in one transaction, each only if absent', async () => {
    const { sent, store } = recordingClient();
    await expect(store.createUser(user, claim.claimedAt)).resolves.toBe('created');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(TransactWriteCommand);
    expect(sent[0]?.input).toEqual({
      TransactItems: [
        { Put: { TableName: 'users-test', Item: user, ConditionExpression: 'attribute_not_exists(id)' } },
        {
          Put: {
            TableName: 'users-emails-test',
            Item: claim,
            ConditionExpression: 'attribute_not_exists(email)',
          },
        },
      ],
    });
  });

  it('reports a claimed email as email-taken', async () => {
    const { store } = recordingClient(() => cancelled('None', 'ConditionalCheckFailed'));
    await expect(store.createUser(user, claim.claimedAt)).resolves.toBe('email-taken');
  });

  it('rejects an id collision, and any other cancellation or failure, as an error', async () => {
    await expect(
      recordingClient(() => cancelled('ConditionalCheckFailed', 'None')).store.createUser(user, 'now'),
    ).rejects.toThrow(`User id ${user.id} exists already`);
    const conflict = cancelled('TransactionConflict', 'None');
    await expect(recordingClient(() => conflict).store.createUser(user, 'now')).rejects.toBe(conflict);
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    await expect(recordingClient(() => throttled).store.createUser(user, 'now')).rejects.toBe(throttled);
  });

  it('updates the name with placeholders for reserved words, only if the user exists', async () => {
    const { sent, store } = recordingClient(() => ({ Attributes: { ...user, name: 'A' } }));
    await expect(store.updateUser(user.id, { name: 'A', updatedAt: 'now' })).resolves.toMatchObject({
      name: 'A',
    });
    expect(sent[0]).toBeInstanceOf(UpdateCommand);
    expect(sent[0]?.input).toEqual({
      TableName: 'users-test',
      Key: { id: user.id },
      UpdateExpression: 'SET #name = :name, #updatedAt = :updatedAt',
      ConditionExpression: 'attribute_exists(id)',
      ExpressionAttributeNames: { '#name': 'name', '#updatedAt': 'updatedAt' },
      ExpressionAttributeValues: { ':name': 'A', ':updatedAt': 'now' },
      ReturnValues: 'ALL_NEW',
    });
    await expect(
      recordingClient(() => conditionFailed()).store.updateUser(user.id, { updatedAt: 'now' }),
    ).resolves.toBeUndefined();
  });

  it('moves a user to a new email in one transaction: user (if still at the old email), new claim, old claim', async () => {
    const { sent, store } = recordingClient();
    await expect(store.changeEmail(user, 'new@example.com', { updatedAt: 'now' })).resolves.toBe('changed');
    expect(sent[0]?.input).toEqual({
      TransactItems: [
        {
          Update: {
            TableName: 'users-test',
            Key: { id: user.id },
            UpdateExpression: 'SET #updatedAt = :updatedAt, #email = :email',
            ConditionExpression: '#email = :expectedEmail',
            ExpressionAttributeNames: { '#updatedAt': 'updatedAt', '#email': 'email' },
            ExpressionAttributeValues: {
              ':updatedAt': 'now',
              ':email': 'new@example.com',
              ':expectedEmail': user.email,
            },
          },
        },
        {
          Put: {
            TableName: 'users-emails-test',
            Item: { email: 'new@example.com', userId: user.id, claimedAt: 'now' },
            ConditionExpression: 'attribute_not_exists(email)',
          },
        },
        {
          Delete: {
            TableName: 'users-emails-test',
            Key: { email: user.email },
            ConditionExpression: 'attribute_not_exists(email) OR userId = :userId',
            ExpressionAttributeValues: { ':userId': user.id },
          },
        },
      ],
    });
  });

  it('tells a user that changed from an email that is taken', async () => {
    const changed = recordingClient(() => cancelled('ConditionalCheckFailed', 'None', 'None'));
    await expect(changed.store.changeEmail(user, 'x@example.com', { updatedAt: 'now' })).resolves.toBe(
      'user-changed',
    );
    const taken = recordingClient(() => cancelled('None', 'ConditionalCheckFailed', 'None'));
    await expect(taken.store.changeEmail(user, 'x@example.com', { updatedAt: 'now' })).resolves.toBe(
      'email-taken',
    );
  });

  it('deletes the user (if still at its email) and frees the email in one transaction', async () => {
    const { sent, store } = recordingClient();
    await expect(store.deleteUser(user)).resolves.toBe('deleted');
    expect(sent[0]?.input).toEqual({
      TransactItems: [
        {
          Delete: {
            TableName: 'users-test',
            Key: { id: user.id },
            ConditionExpression: '#email = :email',
            ExpressionAttributeNames: { '#email': 'email' },
            ExpressionAttributeValues: { ':email': user.email },
          },
        },
        {
          Delete: {
            TableName: 'users-emails-test',
            Key: { email: user.email },
            ConditionExpression: 'attribute_not_exists(email) OR userId = :userId',
            ExpressionAttributeValues: { ':userId': user.id },
          },
        },
      ],
    });
    const gone = recordingClient(() => cancelled('ConditionalCheckFailed', 'None'));
    await expect(gone.store.deleteUser(user)).resolves.toBe('user-changed');
  });
});
