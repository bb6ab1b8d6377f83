import {
  type GetCommand,
  type GetCommandOutput,
  PutCommand,
  type PutCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type { OrderDocumentClient } from '../../src/order-store';

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
