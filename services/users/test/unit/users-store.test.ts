import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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

  it('writes a new user only if its id is free', async () => {
    const { sent, store } = recordingClient();
    await store.putNewUser(user);
    expect(sent[0]).toBeInstanceOf(PutCommand);
    expect(sent[0]?.input).toMatchObject({
      TableName: 'users-test',
      ConditionExpression: 'attribute_not_exists(id)',
    });
  });

  it('claims a free email with attribute_not_exists, and reports a taken one as false', async () => {
    const free = recordingClient();
    await expect(free.store.claimEmail(claim)).resolves.toBe(true);
    expect(free.sent[0]?.input).toEqual({
      TableName: 'users-emails-test',
      Item: claim,
      ConditionExpression: 'attribute_not_exists(email)',
    });
    const taken = recordingClient(() => conditionFailed());
    await expect(taken.store.claimEmail(claim)).resolves.toBe(false);
  });

  it('replaces an abandoned claim only if it is still exactly that claim', async () => {
    const { sent, store } = recordingClient();
    await store.claimEmail({ ...claim, userId: 'new' }, claim);
    expect(sent[0]?.input).toMatchObject({
      ConditionExpression: 'userId = :staleUserId AND claimedAt = :staleClaimedAt',
      ExpressionAttributeValues: { ':staleUserId': claim.userId, ':staleClaimedAt': claim.claimedAt },
    });
  });

  it('rethrows errors other than a failed condition', async () => {
    const throttled = new Error('Rate exceeded');
    throttled.name = 'ThrottlingException';
    const { store } = recordingClient(() => throttled);
    await expect(store.claimEmail(claim)).rejects.toBe(throttled);
  });

  it('updates with placeholders for reserved words, conditioned on the expected email', async () => {
    const { sent, store } = recordingClient(() => ({ Attributes: { ...user, email: 'new@example.com' } }));
    const updated = await store.updateUser(
      user.id,
      { email: 'new@example.com', updatedAt: 'now' },
      user.email,
    );
    expect(updated?.email).toBe('new@example.com');
    expect(sent[0]).toBeInstanceOf(UpdateCommand);
    expect(sent[0]?.input).toEqual({
      TableName: 'users-test',
      Key: { id: user.id },
      UpdateExpression: 'SET #email = :email, #updatedAt = :updatedAt',
      ConditionExpression: '#email = :expectedEmail',
      ExpressionAttributeNames: { '#email': 'email', '#updatedAt': 'updatedAt' },
      ExpressionAttributeValues: {
        ':email': 'new@example.com',
        ':updatedAt': 'now',
        ':expectedEmail': 'ada@example.com',
      },
      ReturnValues: 'ALL_NEW',
    });
  });

  it('updates only an existing user when no email is expected, and skips undefined fields', async () => {
    const { sent, store } = recordingClient(() => conditionFailed());
    await expect(
      store.updateUser(user.id, { name: 'A', email: undefined, updatedAt: 'now' }),
    ).resolves.toBeUndefined();
    expect(sent[0]?.input).toMatchObject({
      UpdateExpression: 'SET #name = :name, #updatedAt = :updatedAt',
      ConditionExpression: 'attribute_exists(id)',
    });
  });

  it('deletes an existing user and returns it; undefined when there was none', async () => {
    const found = recordingClient(() => ({ Attributes: user }));
    await expect(found.store.deleteUser(user.id)).resolves.toEqual(user);
    expect(found.sent[0]).toBeInstanceOf(DeleteCommand);
    expect(found.sent[0]?.input).toMatchObject({
      ReturnValues: 'ALL_OLD',
      ConditionExpression: 'attribute_exists(id)',
    });
    const missing = recordingClient(() => conditionFailed());
    await expect(missing.store.deleteUser(user.id)).resolves.toBeUndefined();
  });

  it("releases an email only if the user still holds it, ignoring someone else's claim", async () => {
    const { sent, store } = recordingClient(() => conditionFailed());
    await expect(store.releaseEmail(claim.email, user.id)).resolves.toBeUndefined();
    expect(sent[0]?.input).toEqual({
      TableName: 'users-emails-test',
      Key: { email: claim.email },
      ConditionExpression: 'userId = :userId',
      ExpressionAttributeValues: { ':userId': user.id },
    });
  });

  it('reads an email claim strongly consistently', async () => {
    const { sent, store } = recordingClient(() => ({ Item: claim }));
    await expect(store.getEmailClaim(claim.email)).resolves.toEqual(claim);
    expect(sent[0]?.input).toMatchObject({ TableName: 'users-emails-test', ConsistentRead: true });
  });
});
