import {
  GetCommand,
  type NativeAttributeValue,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { toUser, type User } from './user';

type Item = Record<string, NativeAttributeValue>;

/** The commands the store sends; a DynamoDBDocumentClient satisfies this, and so does a test's fake. */
export interface UsersDocumentClient {
  send(
    command: GetCommand | UpdateCommand | TransactWriteCommand,
  ): Promise<{ Item?: Item; Attributes?: Item }>;
}

/** A row of the emails table: `email` is taken by `userId` since `claimedAt`. */
export interface EmailClaim {
  email: string;
  userId: string;
  claimedAt: string;
}

/** What `updateUser` and `changeEmail` change. */
export interface UserChanges {
  name?: string;
  updatedAt: string;
}

/** Why a transaction of the store did not happen: nothing was written. */
export type Refusal = 'email-taken' | 'user-changed';

/**
 * Users and their email claims in DynamoDB. A user and the claim of its email are written together,
 * in one transaction (TransactWriteItems), so neither ever exists without the other, whatever
 * interrupts the caller. A write whose conditions fail writes nothing and reports why as a value.
 */
export interface UsersStore {
  getUser(id: string): Promise<User | undefined>;
  getEmailClaim(email: string): Promise<EmailClaim | undefined>;
  /** Writes `user` and claims its email; 'email-taken' if the email is claimed. */
  createUser(user: User, claimedAt: string): Promise<'created' | 'email-taken'>;
  /** Applies `changes` if the user exists, leaving its email alone; `undefined` if it does not. */
  updateUser(id: string, changes: UserChanges): Promise<User | undefined>;
  /**
   * Moves `user` (as read) to `email`: the user row, the new claim and the old claim's release in one
   * transaction. 'user-changed' if the user is gone or no longer has `user.email`.
   */
  changeEmail(user: User, email: string, changes: UserChanges): Promise<'changed' | Refusal>;
  /** Deletes `user` (as read) and frees its email together; 'user-changed' if it is gone or moved. */
  deleteUser(user: User): Promise<'deleted' | 'user-changed'>;
}

export interface UsersStoreOptions {
  documentClient: UsersDocumentClient;
  /** The users table, keyed by `id` (USERS_TABLE). */
  usersTable: string;
  /** The email claims table, keyed by `email` (USERS_EMAILS_TABLE). */
  emailsTable: string;
}

/**
 * The DynamoDB implementation of UsersStore. Reads are strongly consistent so a read right after a
 * write sees it (DynamoDB's default GetItem is eventually consistent and may not). What it sends,
 * and so what its role needs: GetItem, UpdateItem and TransactWriteItems, whose Put, Update and
 * Delete members IAM authorizes as PutItem, UpdateItem and DeleteItem on their tables.
 *
 * @example
 * const store = createUsersStore({ documentClient, usersTable: 'users-dev', emailsTable: 'users-emails-dev' });
 * const user = await store.getUser(id);
 */
export function createUsersStore({
  documentClient: db,
  usersTable,
  emailsTable,
}: UsersStoreOptions): UsersStore {
  const claimPut = (claim: EmailClaim) => ({
    Put: { TableName: emailsTable, Item: { ...claim }, ConditionExpression: 'attribute_not_exists(email)' },
  });
  // Frees an email this user holds; an absent claim is no obstacle, someone else's claim is.
  const claimRelease = (email: string, userId: string) => ({
    Delete: {
      TableName: emailsTable,
      Key: { email },
      ConditionExpression: 'attribute_not_exists(email) OR userId = :userId',
      ExpressionAttributeValues: { ':userId': userId },
    },
  });

  return {
    async getUser(id) {
      const { Item } = await db.send(
        new GetCommand({ TableName: usersTable, Key: { id }, ConsistentRead: true }),
      );
      return Item && toUser(Item);
    },
    async getEmailClaim(email) {
      const { Item } = await db.send(
        new GetCommand({ TableName: emailsTable, Key: { email }, ConsistentRead: true }),
      );
      return (
        Item && { email: String(Item.email), userId: String(Item.userId), claimedAt: String(Item.claimedAt) }
      );
    },
    createUser: (user, claimedAt) =>
      transact(db, {
        TransactItems: [
          {
            Put: {
              TableName: usersTable,
              Item: { ...user },
              ConditionExpression: 'attribute_not_exists(id)',
            },
          },
          claimPut({ email: user.email, userId: user.id, claimedAt }),
        ],
      }).then((failed) => {
        if (failed.length === 0) return 'created';
        if (failed.includes(1)) return 'email-taken';
        throw new Error(`User id ${user.id} exists already`);
      }),
    updateUser: async (id, changes) => {
      try {
        const { Attributes } = await db.send(
          new UpdateCommand({ ...updateInput(usersTable, id, changes), ReturnValues: 'ALL_NEW' }),
        );
        return Attributes && toUser(Attributes);
      } catch (error) {
        if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return undefined;
        throw error;
      }
    },
    changeEmail: async (user, email, changes) => {
      const moved = updateInput(usersTable, user.id, { ...changes, email }, user.email);
      const failed = await transact(db, {
        TransactItems: [
          { Update: moved },
          claimPut({ email, userId: user.id, claimedAt: changes.updatedAt }),
          claimRelease(user.email, user.id),
        ],
      });
      if (failed.length === 0) return 'changed';
      return failed.includes(0) ? 'user-changed' : 'email-taken';
    },
    deleteUser: async (user) => {
      const failed = await transact(db, {
        TransactItems: [
          {
            Delete: {
              TableName: usersTable,
              Key: { id: user.id },
              ConditionExpression: '#email = :email',
              ExpressionAttributeNames: { '#email': 'email' },
              ExpressionAttributeValues: { ':email': user.email },
            },
          },
          claimRelease(user.email, user.id),
        ],
      });
      return failed.length === 0 ? 'deleted' : 'user-changed';
    },
  };
}

// `name` and `email` are DynamoDB reserved words, hence the #field placeholders. Naming the expected
// email in the condition makes a concurrent email change fail this update instead of being overwritten.
function updateInput(
  TableName: string,
  id: string,
  changes: UserChanges & { email?: string },
  expectedEmail?: string,
) {
  const names: Record<string, string> = {};
  const values: Record<string, NativeAttributeValue> = {};
  const assignments: string[] = [];
  for (const [field, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    names[`#${field}`] = field;
    values[`:${field}`] = value;
    assignments.push(`#${field} = :${field}`);
  }
  let condition = 'attribute_exists(id)';
  if (expectedEmail !== undefined) {
    names['#email'] = 'email';
    values[':expectedEmail'] = expectedEmail;
    condition = '#email = :expectedEmail';
  }
  return {
    TableName,
    Key: { id },
    UpdateExpression: `SET ${assignments.join(', ')}`,
    ConditionExpression: condition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/**
 * Runs one TransactWriteItems. Resolves to the positions of the members whose condition failed
 * (empty: everything was written); DynamoDB reports them as `ConditionalCheckFailed` cancellation
 * reasons of a TransactionCanceledException. Any other failure rejects: nothing was written.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
 */
async function transact(db: UsersDocumentClient, input: TransactWriteCommandInput): Promise<number[]> {
  try {
    await db.send(new TransactWriteCommand(input));
    return [];
  } catch (error) {
    const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons;
    if (!(error instanceof Error) || error.name !== 'TransactionCanceledException' || !reasons) throw error;
    const failed = reasons.flatMap((reason, index) =>
      reason.Code === 'ConditionalCheckFailed' ? [index] : [],
    );
    // Another code (a TransactionConflict, a ValidationError) is no answer about the data: rethrow it.
    if (
      failed.length === 0 ||
      reasons.some((reason) => !['None', 'ConditionalCheckFailed'].includes(reason.Code ?? ''))
    ) {
      throw error;
    }
    return failed;
  }
}
