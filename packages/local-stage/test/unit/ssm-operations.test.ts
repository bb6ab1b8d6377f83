import { AwsError } from '../../src/errors';
import { handleSsmOperation, ParameterStore } from '../../src/ssm';

const CTX = { region: 'us-east-1', accountId: '000000000000' };
const MODIFIED = new Date('2026-01-01T00:00:00.500Z');

function storeWith(entries: Record<string, string> = {}): ParameterStore {
  const store = new ParameterStore({ now: () => MODIFIED });
  for (const [name, value] of Object.entries(entries)) store.put(name, value, { type: 'String' });
  return store;
}

function call(store: ParameterStore, operation: string, input: Record<string, unknown>) {
  return handleSsmOperation(store, operation, input, CTX);
}

/** The AwsError a call throws, as `[status, type, message]`. */
async function failure(
  store: ParameterStore,
  operation: string,
  input: Record<string, unknown>,
): Promise<[number, string, string]> {
  try {
    await call(store, operation, input);
  } catch (error) {
    if (error instanceof AwsError) return [error.status, error.errorType, error.message];
    throw error;
  }
  throw new Error(`${operation} succeeded`);
}

describe('GetParameter', () => {
  it('returns Name, Type, Value, Version, LastModifiedDate in epoch seconds, ARN and DataType', async () => {
    expect(
      await call(storeWith({ '/local/users/url': 'http://x' }), 'GetParameter', { Name: '/local/users/url' }),
    ).toEqual({
      Parameter: {
        Name: '/local/users/url',
        Type: 'String',
        Value: 'http://x',
        Version: 1,
        LastModifiedDate: 1767225600.5,
        ARN: 'arn:aws:ssm:us-east-1:000000000000:parameter/local/users/url',
        DataType: 'text',
      },
    });
  });

  it('answers a missing parameter with ParameterNotFound and no message, as SSM does', async () => {
    expect(await failure(storeWith(), 'GetParameter', { Name: '/nope' })).toEqual([
      400,
      'ParameterNotFound',
      '',
    ]);
  });

  it('accepts the parameter ARN as its name', async () => {
    const store = storeWith({ '/local/users/url': 'http://x' });
    const arn = 'arn:aws:ssm:us-east-1:000000000000:parameter/local/users/url';
    expect(await call(store, 'GetParameter', { Name: arn })).toMatchObject({
      Parameter: { Name: '/local/users/url' },
    });
  });

  it('serves a :version selector for the latest version and refuses any other', async () => {
    const store = storeWith({ '/a': '1' });
    store.put('/a', '2', { overwrite: true });
    expect(await call(store, 'GetParameter', { Name: '/a:2' })).toMatchObject({
      Parameter: { Value: '2', Selector: ':2' },
    });
    expect(await failure(store, 'GetParameter', { Name: '/a:1' })).toEqual([
      400,
      'ParameterVersionNotFound',
      'Systems Manager could not find version 1 of /a. Verify the version and try again.',
    ]);
  });

  it('returns a SecureString opaque unless WithDecryption is set', async () => {
    const store = storeWith();
    store.put('/db/password', 's3cret', { type: 'SecureString' });
    const hidden = (await call(store, 'GetParameter', { Name: '/db/password' })) as {
      Parameter: { Value: string };
    };
    expect(hidden.Parameter.Value).not.toContain('s3cret');
    expect(await call(store, 'GetParameter', { Name: '/db/password', WithDecryption: true })).toMatchObject({
      Parameter: { Type: 'SecureString', Value: 's3cret' },
    });
  });

  it('refuses a path-like name without its leading slash', async () => {
    expect(await failure(storeWith(), 'GetParameter', { Name: 'local/users/url' })).toEqual([
      400,
      'ValidationException',
      'Parameter name must be a fully qualified name.',
    ]);
  });

  it('refuses a missing Name with the validation message AWS sends', async () => {
    expect(await failure(storeWith(), 'GetParameter', {})).toEqual([
      400,
      'ValidationException',
      "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
    ]);
  });
});

describe('GetParameters', () => {
  it('returns the parameters found and lists the others as InvalidParameters', async () => {
    const result = await call(storeWith({ '/a': '1', '/b': '2' }), 'GetParameters', {
      Names: ['/a', '/missing', '/b', '/a'],
    });
    expect(result).toEqual({
      Parameters: [
        expect.objectContaining({ Name: '/a', Value: '1' }),
        expect.objectContaining({ Name: '/b', Value: '2' }),
      ],
      InvalidParameters: ['/missing'],
    });
  });

  it('lists a selector for a version it does not have as invalid', async () => {
    expect(await call(storeWith({ '/a': '1' }), 'GetParameters', { Names: ['/a:7'] })).toEqual({
      Parameters: [],
      InvalidParameters: ['/a:7'],
    });
  });

  it('takes at most 10 names', async () => {
    const names = Array.from({ length: 11 }, (_, i) => `/p${i}`);
    const [status, type, message] = await failure(storeWith(), 'GetParameters', { Names: names });
    expect([status, type]).toEqual([400, 'ValidationException']);
    expect(message).toMatch(
      /at 'names' failed to satisfy constraint: Member must have length less than or equal to 10$/,
    );
  });
});

describe('GetParametersByPath', () => {
  const tree = {
    '/local/users/url': 'u',
    '/local/users/api-id': 'i',
    '/local/users/deep/x': 'x',
    '/local/orders/url': 'o',
    '/localx/y': 'y',
  };

  it('returns the direct children of a path, sorted by name', async () => {
    const result = (await call(storeWith(tree), 'GetParametersByPath', { Path: '/local/users' })) as {
      Parameters: Array<{ Name: string }>;
    };
    expect(result.Parameters.map((p) => p.Name)).toEqual(['/local/users/api-id', '/local/users/url']);
    expect(result).not.toHaveProperty('NextToken');
  });

  it('returns every descendant with Recursive, and treats a trailing slash alike', async () => {
    const result = (await call(storeWith(tree), 'GetParametersByPath', {
      Path: '/local/',
      Recursive: true,
    })) as {
      Parameters: Array<{ Name: string }>;
    };
    expect(result.Parameters.map((p) => p.Name)).toEqual([
      '/local/orders/url',
      '/local/users/api-id',
      '/local/users/deep/x',
      '/local/users/url',
    ]);
  });

  it('pages with MaxResults and NextToken', async () => {
    const store = storeWith(tree);
    const first = (await call(store, 'GetParametersByPath', {
      Path: '/local',
      Recursive: true,
      MaxResults: 3,
    })) as {
      Parameters: unknown[];
      NextToken: string;
    };
    const second = (await call(store, 'GetParametersByPath', {
      Path: '/local',
      Recursive: true,
      MaxResults: 3,
      NextToken: first.NextToken,
    })) as { Parameters: Array<{ Name: string }> };
    expect(first.Parameters).toHaveLength(3);
    expect(second.Parameters.map((p) => p.Name)).toEqual(['/local/users/url']);
    expect(second).not.toHaveProperty('NextToken');
  });

  it('refuses MaxResults above 10, a bad token and a path without a leading slash', async () => {
    const store = storeWith(tree);
    expect(await failure(store, 'GetParametersByPath', { Path: '/local', MaxResults: 50 })).toEqual([
      400,
      'ValidationException',
      "1 validation error detected: Value '50' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 10",
    ]);
    expect(await failure(store, 'GetParametersByPath', { Path: '/local', NextToken: 'garbage' })).toEqual([
      400,
      'InvalidNextToken',
      "The specified token isn't valid.",
    ]);
    const [, type, message] = await failure(store, 'GetParametersByPath', { Path: 'local' });
    expect(type).toBe('ValidationException');
    expect(message).toMatch(
      /^The parameter doesn't meet the parameter name requirements\. The parameter name must begin with a forward slash "\/"\./,
    );
  });
});

describe('PutParameter', () => {
  it('creates at version 1 and answers Version and Tier', async () => {
    const store = storeWith();
    expect(
      await call(store, 'PutParameter', { Name: '/a', Value: 'v', Type: 'String', Description: 'd' }),
    ).toEqual({ Version: 1, Tier: 'Standard' });
    expect(store.get('/a')).toMatchObject({ value: 'v', type: 'String', description: 'd' });
  });

  it('refuses to replace without Overwrite, with the message AWS sends', async () => {
    expect(
      await failure(storeWith({ '/a': '1' }), 'PutParameter', { Name: '/a', Value: '2', Type: 'String' }),
    ).toEqual([
      400,
      'ParameterAlreadyExists',
      'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
    ]);
  });

  it('with Overwrite creates the next version and keeps the type when none is given', async () => {
    const store = storeWith();
    await call(store, 'PutParameter', { Name: '/list', Value: 'a,b', Type: 'StringList' });
    expect(await call(store, 'PutParameter', { Name: '/list', Value: 'a,b,c', Overwrite: true })).toEqual({
      Version: 2,
      Tier: 'Standard',
    });
    expect(store.get('/list')).toMatchObject({ type: 'StringList', value: 'a,b,c', version: 2 });
  });

  it('requires a Type for a new parameter and a valid one always', async () => {
    expect(await failure(storeWith(), 'PutParameter', { Name: '/a', Value: 'v' })).toEqual([
      400,
      'ValidationException',
      'A parameter type is required when you create a parameter.',
    ]);
    expect((await failure(storeWith(), 'PutParameter', { Name: '/a', Value: 'v', Type: 'Number' }))[2]).toBe(
      "1 validation error detected: Value 'Number' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]",
    );
  });

  it('refuses names in the reserved namespaces, with bad characters, or too deep', async () => {
    expect(
      (await failure(storeWith(), 'PutParameter', { Name: '/aws/x', Value: 'v', Type: 'String' }))[2],
    ).toMatch(/^Parameter name: can't be prefixed with "aws" or "ssm" \(case-insensitive\)\./);
    expect(
      (await failure(storeWith(), 'PutParameter', { Name: '/a b', Value: 'v', Type: 'String' }))[1],
    ).toBe('ValidationException');
    expect((await failure(storeWith(), 'PutParameter', { Name: 'a/b', Value: 'v', Type: 'String' }))[2]).toBe(
      'Parameter name must be a fully qualified name.',
    );
    const deep = `/${Array.from({ length: 16 }, (_, i) => `l${i}`).join('/')}`;
    expect((await failure(storeWith(), 'PutParameter', { Name: deep, Value: 'v', Type: 'String' }))[1]).toBe(
      'HierarchyLevelLimitExceededException',
    );
  });

  it('keeps Standard values to 4 KB and picks Advanced for larger Intelligent-Tiering values', async () => {
    const big = 'x'.repeat(5000);
    expect(
      (await failure(storeWith(), 'PutParameter', { Name: '/big', Value: big, Type: 'String' }))[2],
    ).toMatch(/^Standard tier parameters support a maximum parameter value of 4096 characters\./);
    expect(
      await call(storeWith(), 'PutParameter', {
        Name: '/big',
        Value: big,
        Type: 'String',
        Tier: 'Intelligent-Tiering',
      }),
    ).toEqual({
      Version: 1,
      Tier: 'Advanced',
    });
  });

  it('checks the value against AllowedPattern', async () => {
    expect(
      await failure(storeWith(), 'PutParameter', {
        Name: '/n',
        Value: 'abc',
        Type: 'String',
        AllowedPattern: '^\\d+$',
      }),
    ).toEqual([
      400,
      'ParameterPatternMismatchException',
      'Parameter value, cannot be validated against allowedPattern: ^\\d+$',
    ]);
  });

  it('refuses an empty value', async () => {
    expect((await failure(storeWith(), 'PutParameter', { Name: '/a', Value: '', Type: 'String' }))[2]).toBe(
      "1 validation error detected: Value '' at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });
});

describe('DeleteParameter', () => {
  it('deletes and answers an empty object', async () => {
    const store = storeWith({ '/a': '1' });
    expect(await call(store, 'DeleteParameter', { Name: '/a' })).toEqual({});
    expect(store.get('/a')).toBeUndefined();
  });

  it('answers a missing parameter with ParameterNotFound', async () => {
    expect(await failure(storeWith(), 'DeleteParameter', { Name: '/a' })).toEqual([
      400,
      'ParameterNotFound',
      '',
    ]);
  });
});

describe('operations the emulator does not serve', () => {
  it('answers UnknownOperationException and names the operations it serves', async () => {
    const [status, type, message] = await failure(storeWith(), 'DescribeParameters', {});
    expect([status, type]).toEqual([400, 'UnknownOperationException']);
    expect(message).toBe(
      '[local stage] SSM operation DescribeParameters is not emulated; the local stage serves GetParameter, GetParameters, GetParametersByPath, PutParameter, DeleteParameter',
    );
  });

  it('does not mistake inherited object properties for operations', async () => {
    expect((await failure(storeWith(), 'toString', {}))[1]).toBe('UnknownOperationException');
  });
});
