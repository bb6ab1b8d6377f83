import {
  type GetCommand,
  type GetCommandOutput,
  PutCommand,
  type PutCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import {
  type User,
  UserNotFoundError,
  type UsersClient,
  UsersUnavailableError,
  type UsersUnavailableKind,
} from '@internal-apis/users/client';
import type { OrderDocumentClient } from '../../src/order-store';

export const ada: User = {
  id: '6f1c2b1e-9d7a-4c3e-8a51-2f0b7c9d4e10',
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
};

/** What the users client throws for an id no user has. */
export function unknownUser(id: string): UserNotFoundError {
  return new UserNotFoundError({ id });
}

/** What the users client throws when the users API cannot serve the call. */
export function unavailable(
  kind: UsersUnavailableKind,
  details: { status?: number; errorType?: string; requestId?: string },
): UsersUnavailableError {
  return new UsersUnavailableError(kind, `users ${kind}`, details);
}

/** A users client that knows the given users, or rejects every call with `failure`. */
export function fakeUsers(
  known: User[],
  failure?: Error,
): Pick<UsersClient, 'getUser'> & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async getUser(id) {
      calls.push(id);
      if (failure) throw failure;
      const user = known.find((candidate) => candidate.id === id);
      if (!user) throw new Error(`fakeUsers: no user ${id}`);
      return user;
    },
  };
}

/** An in-memory orders table behind the two commands the store sends; `failure` rejects every call. */
export class FakeDocumentClient implements OrderDocumentClient {
  readonly items = new Map<string, Record<string, unknown>>();
  readonly commands: Array<PutCommand | GetCommand> = [];
  failure?: Error;

  send(command: PutCommand): Promise<PutCommandOutput>;
  send(command: GetCommand): Promise<GetCommandOutput>;
  async send(command: PutCommand | GetCommand): Promise<PutCommandOutput | GetCommandOutput> {
    this.commands.push(command);
    if (this.failure) throw this.failure;
    if (command instanceof PutCommand) {
      const item = command.input.Item ?? {};
      this.items.set(String(item.id), item);
      return { $metadata: {} };
    }
    return { $metadata: {}, Item: this.items.get(String(command.input.Key?.id)) };
  }
}
