import {
  DeleteCommand,
  GetCommand,
  type NativeAttributeValue,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { toUser, type User } from './user';

type Item = Record<string, NativeAttributeValue>;

/** The commands the store sends; a DynamoDBDocumentClient satisfies this, and so does a test's fake. */
export interface UsersDocumentClient {
  send(
    command: GetCommand | PutCommand | UpdateCommand | DeleteCommand,
  ): Promise<{ Item?: Item; Attributes?: Item }>;
}

/** A row of the emails table: `email` is taken by `userId` since `claimedAt`. */
export interface EmailClaim {
  email: string;
  userId: string;
  claimedAt: string;
}

/** What `updateUser` changes; `email` only when it changes. */
export interface UserChanges {
  name?: string;
  email?: string;
  updatedAt: string;
}

/**
 * Users and their email claims in DynamoDB. Every write is conditional, and each method reports a
 * failed condition as a value (`false` / `undefined`) so the domain decides what it means.
 */
export interface UsersStore {
  getUser(id: string): Promise<User | undefined>;
  /** Writes a new user; rejects if the id exists (a UUID collision: never in practice). */
  putNewUser(user: User): Promise<void>;
  /** Applies `changes` if the user exists (and still has `expectedEmail`, when given); else `undefined`. */
  updateUser(id: string, changes: UserChanges, expectedEmail?: string): Promise<User | undefined>;
  /** Deletes the user and returns it; `undefined` if there was none. */
  deleteUser(id: string): Promise<User | undefined>;
  getEmailClaim(email: string): Promise<EmailClaim | undefined>;
  /** Takes `claim.email` if it is free (or still held by `replacing`); `false` if someone holds it. */
  claimEmail(claim: EmailClaim, replacing?: EmailClaim): Promise<boolean>;
  /** Frees `email` if `userId` holds it; a claim held by anyone else is left alone. */
  releaseEmail(email: string, userId: string): Promise<void>;
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
 * write sees it (DynamoDB's default GetItem is eventually consistent and may not).
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
  return {
    async getUser(id) {
      const { Item } = await db.send(
        new GetCommand({ TableName: usersTable, Key: { id }, ConsistentRead: true }),
      );
      return Item && toUser(Item);
    },
    async putNewUser(user) {
      await db.send(new PutCommand({ TableName: usersTable, Item: { ...user }, ...ifAbsent('id') }));
    },
    updateUser: (id, changes, expectedEmail) =>
      unlessConditionFails(async () => {
        const { Attributes } = await db.send(
          new UpdateCommand(updateInput(usersTable, id, changes, expectedEmail)),
        );
        return Attributes && toUser(Attributes);
      }, undefined),
    deleteUser: (id) =>
      unlessConditionFails(async () => {
        const { Attributes } = await db.send(
          new DeleteCommand({
            TableName: usersTable,
            Key: { id },
            ReturnValues: 'ALL_OLD',
            ...ifPresent('id'),
          }),
        );
        return Attributes && toUser(Attributes);
      }, undefined),
    async getEmailClaim(email) {
      const { Item } = await db.send(
        new GetCommand({ TableName: emailsTable, Key: { email }, ConsistentRead: true }),
      );
      return (
        Item && { email: String(Item.email), userId: String(Item.userId), claimedAt: String(Item.claimedAt) }
      );
    },
    claimEmail: (claim, replacing) =>
      unlessConditionFails(async () => {
        await db.send(
          new PutCommand({ TableName: emailsTable, Item: { ...claim }, ...claimCondition(replacing) }),
        );
        return true;
      }, false),
    releaseEmail: (email, userId) =>
      unlessConditionFails(async () => {
        await db.send(
          new DeleteCommand({
            TableName: emailsTable,
            Key: { email },
            ConditionExpression: 'userId = :userId',
            ExpressionAttributeValues: { ':userId': userId },
          }),
        );
      }, undefined),
  };
}

const ifAbsent = (key: string) => ({ ConditionExpression: `attribute_not_exists(${key})` });
const ifPresent = (key: string) => ({ ConditionExpression: `attribute_exists(${key})` });

// A free email has no row; a stale claim is replaced only if it is still exactly the one that was
// judged stale, so two writers cannot both take it over.
function claimCondition(replacing: EmailClaim | undefined) {
  if (!replacing) return ifAbsent('email');
  return {
    ConditionExpression: 'userId = :staleUserId AND claimedAt = :staleClaimedAt',
    ExpressionAttributeValues: { ':staleUserId': replacing.userId, ':staleClaimedAt': replacing.claimedAt },
  };
}

// `name` is a DynamoDB reserved word, hence the #field placeholders. Naming the expected email in
// the condition makes a concurrent email change fail this update instead of being overwritten.
function updateInput(TableName: string, id: string, changes: UserChanges, expectedEmail?: string) {
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
    ReturnValues: 'ALL_NEW' as const,
  };
}

/**
 * Runs a conditional write; DynamoDB rejects a failed condition with ConditionalCheckFailedException,
 * which becomes `onConditionFailed`. The SDK names its exceptions, so the name is compared (fakes can
 * throw plain errors).
 */
async function unlessConditionFails<T>(write: () => Promise<T>, onConditionFailed: T): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return onConditionFailed;
    throw error;
  }
}
