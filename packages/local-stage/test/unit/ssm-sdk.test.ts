import {
  DeleteParameterCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  ParameterAlreadyExists,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { AwsError } from '../../src/errors';
import { handleSsmOperation, ParameterStore } from '../../src/ssm';

const CTX = { region: 'us-east-1', accountId: '000000000000' };
const MODIFIED = new Date('2026-01-01T00:00:00.000Z');

interface SentRequest {
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

function bodyText(body: string | Uint8Array | undefined): string {
  if (body === undefined) return '{}';
  return typeof body === 'string' ? body : new TextDecoder().decode(body);
}

/**
 * An SDK request handler that answers in-process, the way the front door renders SSM answers and
 * errors, so the test proves the SDK parses what handleSsmOperation returns. No network.
 */
function inProcessHandler(store: ParameterStore) {
  return {
    handle: async (request: SentRequest) => {
      const target =
        Object.entries(request.headers).find(([name]) => name.toLowerCase() === 'x-amz-target')?.[1] ?? '';
      const operation = target.replace(/^AmazonSSM\./, '');
      const input = JSON.parse(bodyText(request.body)) as Record<string, unknown>;
      let statusCode = 200;
      let payload: unknown;
      try {
        payload = await handleSsmOperation(store, operation, input, CTX);
      } catch (error) {
        if (!(error instanceof AwsError)) throw error;
        statusCode = error.status;
        payload = { __type: error.errorType, message: error.message };
      }
      const body = new TextEncoder().encode(JSON.stringify(payload));
      return { response: { statusCode, headers: { 'content-type': 'application/x-amz-json-1.1' }, body } };
    },
  };
}

function client(store: ParameterStore): SSMClient {
  return new SSMClient({
    region: CTX.region,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    requestHandler: inProcessHandler(store),
  });
}

describe('the SSM emulator through @aws-sdk/client-ssm', () => {
  it('answers GetParameter in the shape the SDK parses, dates included', async () => {
    const store = new ParameterStore({ now: () => MODIFIED });
    store.put('/local/users/url', 'http://127.0.0.1:4577/restapis/abc123/local/_user_request_', {
      type: 'String',
    });
    const { Parameter } = await client(store).send(new GetParameterCommand({ Name: '/local/users/url' }));
    expect(Parameter).toEqual({
      Name: '/local/users/url',
      Type: 'String',
      Value: 'http://127.0.0.1:4577/restapis/abc123/local/_user_request_',
      Version: 1,
      LastModifiedDate: MODIFIED,
      ARN: 'arn:aws:ssm:us-east-1:000000000000:parameter/local/users/url',
      DataType: 'text',
    });
  });

  it('puts, overwrites and deletes', async () => {
    const ssm = client(new ParameterStore());
    expect(
      await ssm.send(new PutParameterCommand({ Name: '/a/b', Value: '1', Type: 'String' })),
    ).toMatchObject({
      Version: 1,
      Tier: 'Standard',
    });
    expect(
      await ssm.send(new PutParameterCommand({ Name: '/a/b', Value: '2', Overwrite: true })),
    ).toMatchObject({ Version: 2 });
    await ssm.send(new DeleteParameterCommand({ Name: '/a/b' }));
    await expect(ssm.send(new GetParameterCommand({ Name: '/a/b' }))).rejects.toBeInstanceOf(
      ParameterNotFound,
    );
  });

  it("surfaces SSM's errors as the SDK's modelled exceptions", async () => {
    const store = new ParameterStore();
    store.put('/a/b', '1', { type: 'String' });
    const ssm = client(store);
    const error = await ssm
      .send(new PutParameterCommand({ Name: '/a/b', Value: '2', Type: 'String' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParameterAlreadyExists);
    expect((error as ParameterAlreadyExists).$metadata.httpStatusCode).toBe(400);
    await expect(ssm.send(new GetParameterCommand({ Name: 'a/b' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Parameter name must be a fully qualified name.',
    });
  });

  it('answers GetParameters with InvalidParameters and GetParametersByPath page by page', async () => {
    const store = new ParameterStore();
    for (const name of ['/p/a', '/p/b', '/p/c', '/p/deep/d']) store.put(name, name, { type: 'String' });
    const ssm = client(store);
    const many = await ssm.send(new GetParametersCommand({ Names: ['/p/a', '/p/missing'] }));
    expect(many.Parameters?.map((p) => p.Name)).toEqual(['/p/a']);
    expect(many.InvalidParameters).toEqual(['/p/missing']);

    const first = await ssm.send(
      new GetParametersByPathCommand({ Path: '/p', Recursive: true, MaxResults: 3 }),
    );
    const second = await ssm.send(
      new GetParametersByPathCommand({
        Path: '/p',
        Recursive: true,
        MaxResults: 3,
        NextToken: first.NextToken,
      }),
    );
    expect(first.Parameters?.map((p) => p.Name)).toEqual(['/p/a', '/p/b', '/p/c']);
    expect(second.Parameters?.map((p) => p.Name)).toEqual(['/p/deep/d']);
    expect(second.NextToken).toBeUndefined();
  });
});
