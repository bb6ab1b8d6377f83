import type { PutCommand, PutCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { OutboxDocumentClient } from '../../src/outbox';

/** An in-memory outbox table; `failure` rejects every write. */
export class FakeDocumentClient implements OutboxDocumentClient {
  readonly commands: PutCommand[] = [];
  failure?: Error;

  async send(command: PutCommand): Promise<PutCommandOutput> {
    this.commands.push(command);
    if (this.failure) throw this.failure;
    return { $metadata: {} };
  }
}
