import type { GetParameterCommand, GetParameterCommandOutput } from '@aws-sdk/client-ssm';
import {
  createDiscovery,
  DiscoveryAccessDeniedError,
  DiscoveryConfigError,
  DiscoveryError,
  DiscoveryRequestError,
  getServiceUrl,
  InvalidServiceUrlError,
  ServiceNotFoundError,
  type SsmGetParameter,
} from '../../src';

const USERS_URL = 'https://abc123.execute-api.us-east-1.amazonaws.com/dev';

/** A fake SSM client: answers from `values`, records each parameter name asked for. */
function fakeSsm(values: Record<string, string | Error>): SsmGetParameter & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async send(command: GetParameterCommand): Promise<GetParameterCommandOutput> {
      const name = command.input.Name ?? '';
      asked.push(name);
      const value = values[name];
      if (value instanceof Error) throw value;
      if (value === undefined) throw awsError('ParameterNotFound', '');
      return { Parameter: { Name: name, Value: value }, $metadata: {} };
    },
  };
}

function awsError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** A fake SSM client whose answers the test releases by hand, to hold requests in flight. */
function heldSsm(): SsmGetParameter & { asked: string[]; release(result: string | Error): void } {
  const asked: string[] = [];
  const waiting: Array<(result: string | Error) => void> = [];
  return {
    asked,
    send(command) {
      asked.push(command.input.Name ?? '');
      return new Promise((resolve, reject) => {
        waiting.push((result) =>
          result instanceof Error ? reject(result) : resolve({ Parameter: { Value: result }, $metadata: {} }),
        );
      });
    },
    release(result) {
      waiting.shift()?.(result);
    },
  };
}

describe('createDiscovery', () => {
  it('reads /{stage}/{name}/url and strips a trailing slash', async () => {
    const ssm = fakeSsm({ '/dev/users/url': `${USERS_URL}/` });
    const discovery = createDiscovery({ stage: 'dev', ssmClient: ssm });

    await expect(discovery.getServiceUrl('users')).resolves.toBe(USERS_URL);
    expect(ssm.asked).toEqual(['/dev/users/url']);
  });

  it('serves later calls from the cache until the TTL passes, then asks SSM again', async () => {
    let clock = 1_000;
    const ssm = fakeSsm({ '/dev/users/url': USERS_URL });
    const discovery = createDiscovery({ stage: 'dev', ssmClient: ssm, ttlMs: 60_000, now: () => clock });

    await discovery.getServiceUrl('users');
    clock += 59_999;
    await discovery.getServiceUrl('users');
    expect(ssm.asked).toHaveLength(1);

    clock += 1;
    await discovery.getServiceUrl('users');
    expect(ssm.asked).toHaveLength(2);
  });

  it('caches for five minutes by default', async () => {
    let clock = 0;
    const ssm = fakeSsm({ '/dev/users/url': USERS_URL });
    const discovery = createDiscovery({ stage: 'dev', ssmClient: ssm, now: () => clock });

    await discovery.getServiceUrl('users');
    clock = 5 * 60 * 1000 - 1;
    await discovery.getServiceUrl('users');
    expect(ssm.asked).toHaveLength(1);
    clock = 5 * 60 * 1000;
    await discovery.getServiceUrl('users');
    expect(ssm.asked).toHaveLength(2);
  });

  it('lets concurrent first calls share one SSM request', async () => {
    const ssm = heldSsm();
    const discovery = createDiscovery({ stage: 'dev', ssmClient: ssm });

    const calls = [1, 2, 3, 4, 5].map(() => discovery.getServiceUrl('users'));
    ssm.release(USERS_URL);

    await expect(Promise.all(calls)).resolves.toEqual(Array(5).fill(USERS_URL));
    expect(ssm.asked).toEqual(['/dev/users/url']);
  });

  it('does not cache a failed request: the next call asks SSM again', async () => {
    const ssm = heldSsm();
    const discovery = createDiscovery({ stage: 'dev', ssmClient: ssm });

    const first = [discovery.getServiceUrl('users'), discovery.getServiceUrl('users')];
    ssm.release(awsError('ThrottlingException', 'Rate exceeded'));
    for (const call of first) await expect(call).rejects.toBeInstanceOf(DiscoveryRequestError);
    expect(ssm.asked).toHaveLength(1);

    const retry = discovery.getServiceUrl('users');
    ssm.release(USERS_URL);
    await expect(retry).resolves.toBe(USERS_URL);
    expect(ssm.asked).toHaveLength(2);
  });

  it('keeps one cache entry per service name', async () => {
    const ssm = fakeSsm({ '/dev/users/url': USERS_URL, '/dev/orders/url': 'https://o.example.com/dev' });
    const discovery = createDiscovery({ stage: 'dev', ssmClient: ssm });

    await expect(discovery.getServiceUrl('users')).resolves.toBe(USERS_URL);
    await expect(discovery.getServiceUrl('orders')).resolves.toBe('https://o.example.com/dev');
    await discovery.getServiceUrl('users');
    expect(ssm.asked).toEqual(['/dev/users/url', '/dev/orders/url']);
  });

  it('takes the stage from STAGE when none is given', async () => {
    const saved = process.env.STAGE;
    process.env.STAGE = 'qa';
    try {
      const ssm = fakeSsm({ '/qa/users/url': USERS_URL });
      await createDiscovery({ ssmClient: ssm }).getServiceUrl('users');
      expect(ssm.asked).toEqual(['/qa/users/url']);
    } finally {
      restoreEnv('STAGE', saved);
    }
  });
});

describe('invalidate', () => {
  it('makes the next call read SSM again and return the new URL', async () => {
    const values = { '/dev/users/url': USERS_URL };
    const ssm = fakeSsm(values);
    const discovery = createDiscovery({ stage: 'dev', ssmClient: ssm });
    await discovery.getServiceUrl('users');

    values['/dev/users/url'] = 'https://moved.example.com/dev';
    discovery.invalidate('users');

    await expect(discovery.getServiceUrl('users')).resolves.toBe('https://moved.example.com/dev');
    expect(ssm.asked).toHaveLength(2);
  });

  it('keeps a request that was in flight from caching its now stale answer', async () => {
    const ssm = heldSsm();
    const discovery = createDiscovery({ stage: 'dev', ssmClient: ssm });
    const stale = discovery.getServiceUrl('users');
    discovery.invalidate('users');
    const fresh = discovery.getServiceUrl('users');

    ssm.release('https://old.example.com/dev');
    ssm.release('https://new.example.com/dev');
    await expect(stale).resolves.toBe('https://old.example.com/dev');
    await expect(fresh).resolves.toBe('https://new.example.com/dev');
    await expect(discovery.getServiceUrl('users')).resolves.toBe('https://new.example.com/dev');
    expect(ssm.asked).toHaveLength(2);
  });

  it('leaves other services cached', async () => {
    const ssm = fakeSsm({ '/dev/users/url': USERS_URL, '/dev/orders/url': 'https://o.example.com/dev' });
    const discovery = createDiscovery({ stage: 'dev', ssmClient: ssm });
    await discovery.getServiceUrl('users');
    await discovery.getServiceUrl('orders');

    discovery.invalidate('orders');
    await discovery.getServiceUrl('users');
    expect(ssm.asked).toEqual(['/dev/users/url', '/dev/orders/url']);
  });
});

describe('errors', () => {
  it('fails at construction when there is no stage', () => {
    const saved = process.env.STAGE;
    delete process.env.STAGE;
    try {
      expect(() => createDiscovery({ ssmClient: fakeSsm({}) })).toThrow(DiscoveryConfigError);
    } finally {
      restoreEnv('STAGE', saved);
    }
  });

  it('turns ParameterNotFound into ServiceNotFoundError naming the parameter and the stage', async () => {
    const discovery = createDiscovery({ stage: 'dev', ssmClient: fakeSsm({}) });

    const error = await discovery.getServiceUrl('users').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceNotFoundError);
    expect(error).toBeInstanceOf(DiscoveryError);
    expect(error).toMatchObject({ name: 'ServiceNotFoundError', parameterName: '/dev/users/url' });
    expect((error as Error).message).toMatch(/\/dev\/users\/url.*deployed to stage "dev"/);
  });

  it('turns AccessDeniedException into an error naming the ARN the role needs, as AWS reported it', async () => {
    const arn = 'arn:aws:ssm:eu-west-1:123456789012:parameter/dev/users/url';
    const denied = awsError(
      'AccessDeniedException',
      'User: arn:aws:sts::123456789012:assumed-role/orders-dev/orders-dev-create is not authorized to ' +
        `perform: ssm:GetParameter on resource: ${arn} because no identity-based policy allows the ssm:GetParameter action`,
    );
    const discovery = createDiscovery({ stage: 'dev', ssmClient: fakeSsm({ '/dev/users/url': denied }) });

    const error = await discovery.getServiceUrl('users').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscoveryAccessDeniedError);
    expect(error).toMatchObject({ parameterName: '/dev/users/url', parameterArn: arn, cause: denied });
    expect((error as Error).message).toContain(`needs ssm:GetParameter on ${arn}`);
  });

  it('builds the ARN from the region and the account when AWS did not name the resource', async () => {
    const savedRegion = process.env.AWS_REGION;
    process.env.AWS_REGION = 'us-east-1';
    try {
      const denied = awsError(
        'AccessDeniedException',
        'User: arn:aws:sts::123456789012:assumed-role/r/f is denied',
      );
      const discovery = createDiscovery({ stage: 'dev', ssmClient: fakeSsm({ '/dev/users/url': denied }) });

      await expect(discovery.getServiceUrl('users')).rejects.toMatchObject({
        parameterArn: 'arn:aws:ssm:us-east-1:123456789012:parameter/dev/users/url',
      });
    } finally {
      restoreEnv('AWS_REGION', savedRegion);
    }
  });

  it('wraps any other failure with the SDK error as its cause', async () => {
    const timeout = awsError('TimeoutError', 'socket hang up');
    const discovery = createDiscovery({ stage: 'dev', ssmClient: fakeSsm({ '/dev/users/url': timeout }) });

    const error = await discovery.getServiceUrl('users').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscoveryRequestError);
    expect(error).toMatchObject({ parameterName: '/dev/users/url', cause: timeout });
    expect((error as Error).message).toContain('TimeoutError: socket hang up');
  });

  it.each([
    ['an empty value', ''],
    ['a relative path', '/dev/users'],
    ['another scheme', 'ftp://users.example.com/dev'],
    ['a host without scheme', 'abc123.execute-api.us-east-1.amazonaws.com/dev'],
  ])('rejects %s as InvalidServiceUrlError and does not cache it', async (_label, value) => {
    const ssm = fakeSsm({ '/dev/users/url': value });
    const discovery = createDiscovery({ stage: 'dev', ssmClient: ssm });

    await expect(discovery.getServiceUrl('users')).rejects.toBeInstanceOf(InvalidServiceUrlError);
    await expect(discovery.getServiceUrl('users')).rejects.toMatchObject({ value });
    expect(ssm.asked).toHaveLength(2);
  });

  it('rejects a service name SSM would not accept before asking SSM', async () => {
    const ssm = fakeSsm({});
    const discovery = createDiscovery({ stage: 'dev', ssmClient: ssm });

    await expect(discovery.getServiceUrl('users/url')).rejects.toBeInstanceOf(DiscoveryConfigError);
    expect(ssm.asked).toEqual([]);
  });
});

describe('getServiceUrl (module level)', () => {
  it('rejects with DiscoveryConfigError when neither a stage nor STAGE is set', async () => {
    const saved = process.env.STAGE;
    delete process.env.STAGE;
    try {
      await expect(getServiceUrl('users')).rejects.toBeInstanceOf(DiscoveryConfigError);
    } finally {
      restoreEnv('STAGE', saved);
    }
  });
});

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
