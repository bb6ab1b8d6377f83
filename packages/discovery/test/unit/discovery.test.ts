import type { GetParameterCommand, GetParameterCommandOutput } from '@aws-sdk/client-ssm';
import {
  createDiscovery,
  DiscoveryAccessDeniedError,
  DiscoveryConfigError,
  DiscoveryError,
  DiscoveryRequestError,
  DiscoveryTimeoutError,
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

  it('keeps the URL for the life of the container by default: one GetParameter while calls succeed', async () => {
    let clock = 0;
    const ssm = fakeSsm({ '/dev/users/url': USERS_URL });
    const discovery = createDiscovery({ stage: 'dev', ssmClient: ssm, now: () => clock });

    for (let call = 0; call < 100; call++) {
      await expect(discovery.getServiceUrl('users')).resolves.toBe(USERS_URL);
      clock += 5 * 60 * 1000;
    }
    expect(ssm.asked).toHaveLength(1);
  });

  it('lets concurrent first calls share one SSM request', async () => {
    const ssm = heldSsm();
    const discovery = createDiscovery({ stage: 'dev', ssmClient: ssm });

    const calls = [1, 2, 3, 4, 5].map(() => discovery.getServiceUrl('users'));
    ssm.release(USERS_URL);

    await expect(Promise.all(calls)).resolves.toEqual(Array(5).fill(USERS_URL));
    expect(ssm.asked).toEqual(['/dev/users/url']);
  });

  it('gives a failure to every caller for one refresh interval, then asks SSM again', async () => {
    let clock = 0;
    const ssm = heldSsm();
    const discovery = createDiscovery({ stage: 'dev', ssmClient: ssm, now: () => clock });

    const first = [discovery.getServiceUrl('users'), discovery.getServiceUrl('users')];
    ssm.release(awsError('ThrottlingException', 'Rate exceeded'));
    for (const call of first) await expect(call).rejects.toBeInstanceOf(DiscoveryRequestError);
    clock += 999;
    await expect(discovery.getServiceUrl('users')).rejects.toBeInstanceOf(DiscoveryRequestError);
    expect(ssm.asked).toHaveLength(1);

    clock += 1;
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

describe('refresh, when calls to the URL fail', () => {
  /** A discovery on a clock the test moves, over a fake SSM whose values the test can change. */
  function onClock(values: Record<string, string | Error>, options: { maxRefreshIntervalMs?: number } = {}) {
    const clock = { now: 0 };
    const ssm = fakeSsm(values);
    const discovery = createDiscovery({ stage: 'dev', ssmClient: ssm, now: () => clock.now, ...options });
    return { clock, ssm, discovery };
  }

  it('asks SSM again and returns the new URL when the service moved', async () => {
    const values: Record<string, string> = { '/dev/users/url': USERS_URL };
    const { clock, ssm, discovery } = onClock(values);
    await discovery.getServiceUrl('users');

    values['/dev/users/url'] = 'https://moved.example.com/dev';
    clock.now += 60_000;

    await expect(discovery.refresh('users')).resolves.toBe('https://moved.example.com/dev');
    await expect(discovery.getServiceUrl('users')).resolves.toBe('https://moved.example.com/dev');
    expect(ssm.asked).toHaveLength(2);
  });

  it('lets concurrent refreshes share one request', async () => {
    let clock = 0;
    const ssm = heldSsm();
    const discovery = createDiscovery({ stage: 'dev', ssmClient: ssm, now: () => clock });
    const first = discovery.getServiceUrl('users');
    ssm.release(USERS_URL);
    await first;

    clock += 5_000;
    const refreshes = Array.from({ length: 50 }, () => discovery.refresh('users'));
    ssm.release('https://moved.example.com/dev');

    await expect(Promise.all(refreshes)).resolves.toEqual(Array(50).fill('https://moved.example.com/dev'));
    expect(ssm.asked).toHaveLength(2);
  });

  it('sends no request while the last one is younger than the refresh interval', async () => {
    let clock = 0;
    const ssm = fakeSsm({ '/dev/users/url': USERS_URL });
    const discovery = createDiscovery({ stage: 'dev', ssmClient: ssm, now: () => clock });
    await discovery.getServiceUrl('users');

    clock = 999;
    const refreshed = await Promise.all([discovery.refresh('users'), discovery.refresh('users')]);

    expect(refreshed).toEqual([USERS_URL, USERS_URL]);
    expect(ssm.asked).toHaveLength(1);
  });

  it('sends at most one GetParameter per interval while the service is down, the interval doubling', async () => {
    const { clock, ssm, discovery } = onClock({ '/dev/users/url': USERS_URL });
    await discovery.getServiceUrl('users');
    const requestTimes: number[] = [];

    // Every 100 ms for 20 s, a call fails and asks for a refresh: SSM keeps answering the same URL.
    for (let t = 0; t <= 20_000; t += 100) {
      clock.now = 1_000 + t;
      const before = ssm.asked.length;
      await expect(discovery.refresh('users')).resolves.toBe(USERS_URL);
      if (ssm.asked.length > before) requestTimes.push(t);
    }

    expect(requestTimes).toEqual([0, 1_000, 3_000, 7_000, 15_000]);
  });

  it('never waits longer than maxRefreshIntervalMs between requests', async () => {
    const { clock, ssm, discovery } = onClock(
      { '/dev/users/url': USERS_URL },
      { maxRefreshIntervalMs: 4_000 },
    );
    await discovery.getServiceUrl('users');
    for (let t = 0; t <= 30_000; t += 100) {
      clock.now = 1_000 + t;
      await discovery.refresh('users');
    }
    // 1 + refreshes at 0, 1, 3, 7, 11, 15, 19, 23, 27 s.
    expect(ssm.asked).toHaveLength(10);
  });

  it('finds a parameter that comes back after a long outage within 10 s, by default', async () => {
    const values: Record<string, string | Error> = {};
    const { clock, ssm, discovery } = onClock(values);
    // Every 100 ms for 2 minutes a call finds the parameter missing.
    for (; clock.now <= 120_000; clock.now += 100) {
      await expect(discovery.getServiceUrl('users')).rejects.toThrow();
    }
    // The parameter comes back just after a GetParameter found it missing: the worst moment.
    for (const asked = ssm.asked.length; ssm.asked.length === asked; clock.now += 100) {
      await expect(discovery.getServiceUrl('users')).rejects.toThrow();
    }
    values['/dev/users/url'] = USERS_URL;
    const cameBackAt = clock.now;
    while ((await discovery.getServiceUrl('users').catch(() => undefined)) === undefined) clock.now += 100;

    expect(clock.now - cameBackAt).toBeLessThanOrEqual(10_000);
  });

  it('starts again from the shortest interval once a refresh finds a new URL', async () => {
    const values: Record<string, string> = { '/dev/users/url': USERS_URL };
    const { clock, ssm, discovery } = onClock(values);
    await discovery.getServiceUrl('users');
    for (const at of [1_000, 2_000, 4_000]) {
      clock.now = at;
      await discovery.refresh('users');
    }
    expect(ssm.asked).toHaveLength(4);

    values['/dev/users/url'] = 'https://moved.example.com/dev';
    clock.now = 8_000;
    await expect(discovery.refresh('users')).resolves.toBe('https://moved.example.com/dev');
    clock.now = 9_000;
    await discovery.refresh('users');
    expect(ssm.asked).toHaveLength(6);
  });

  it('keeps the known URL when SSM fails during a refresh', async () => {
    const values: Record<string, string | Error> = { '/dev/users/url': USERS_URL };
    const { clock, ssm, discovery } = onClock(values);
    await discovery.getServiceUrl('users');

    values['/dev/users/url'] = awsError('InternalServerError', 'SSM is having a bad day');
    clock.now = 5_000;
    await expect(discovery.refresh('users')).resolves.toBe(USERS_URL);
    await expect(discovery.getServiceUrl('users')).resolves.toBe(USERS_URL);
    expect(ssm.asked).toHaveLength(2);
  });

  it('refreshes a service never looked up like a first lookup', async () => {
    const { ssm, discovery } = onClock({ '/dev/users/url': USERS_URL });

    await expect(discovery.refresh('users')).resolves.toBe(USERS_URL);
    expect(ssm.asked).toEqual(['/dev/users/url']);
  });

  it('leaves other services alone', async () => {
    const { clock, ssm, discovery } = onClock({
      '/dev/users/url': USERS_URL,
      '/dev/orders/url': 'https://o.example.com/dev',
    });
    await discovery.getServiceUrl('users');
    await discovery.getServiceUrl('orders');

    clock.now = 5_000;
    await discovery.refresh('orders');
    await discovery.getServiceUrl('users');
    expect(ssm.asked).toEqual(['/dev/users/url', '/dev/orders/url', '/dev/orders/url']);
  });
});

describe('time limits', () => {
  /** An SSM client that never answers, but records the abort signal each request was given. */
  function silentSsm(): SsmGetParameter & { signals: Array<AbortSignal | undefined> } {
    const signals: Array<AbortSignal | undefined> = [];
    return {
      signals,
      send(_command, options) {
        signals.push(options?.abortSignal);
        return new Promise(() => {});
      },
    };
  }

  it('gives up on GetParameter after timeoutMs and aborts the SDK request', async () => {
    const ssm = silentSsm();
    const discovery = createDiscovery({ stage: 'dev', ssmClient: ssm, timeoutMs: 30 });

    const error = await discovery.getServiceUrl('users').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DiscoveryTimeoutError);
    expect(error).toMatchObject({ parameterName: '/dev/users/url', timeoutMs: 30 });
    expect((error as Error).message).toBe('SSM did not answer GetParameter /dev/users/url within 30 ms.');
    expect(ssm.signals[0]?.aborted).toBe(true);
  });

  it('lets a caller wait less than that (its remaining time), while the shared request goes on', async () => {
    const ssm = heldSsm();
    const discovery = createDiscovery({ stage: 'dev', ssmClient: ssm, timeoutMs: 60_000 });

    const hurried = discovery.getServiceUrl('users', { maxWaitMs: 20 });
    const patient = discovery.getServiceUrl('users');
    await expect(hurried).rejects.toMatchObject({ name: 'DiscoveryTimeoutError', timeoutMs: 20 });
    ssm.release(USERS_URL);

    await expect(patient).resolves.toBe(USERS_URL);
    expect(ssm.asked).toHaveLength(1);
  });

  it.each([
    ['timeoutMs', 0],
    ['refreshIntervalMs', -1],
    ['maxRefreshIntervalMs', Number.NaN],
  ])('refuses %s = %p at construction', (key, value) => {
    expect(() => createDiscovery({ stage: 'dev', ssmClient: fakeSsm({}), [key]: value })).toThrow(
      DiscoveryConfigError,
    );
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

  it("builds that ARN in the caller's partition (aws-cn, aws-us-gov)", async () => {
    const savedRegion = process.env.AWS_REGION;
    process.env.AWS_REGION = 'cn-north-1';
    try {
      const denied = awsError(
        'AccessDeniedException',
        'User: arn:aws-cn:sts::123456789012:assumed-role/r/f is denied',
      );
      const discovery = createDiscovery({ stage: 'dev', ssmClient: fakeSsm({ '/dev/users/url': denied }) });

      await expect(discovery.getServiceUrl('users')).rejects.toMatchObject({
        parameterArn: 'arn:aws-cn:ssm:cn-north-1:123456789012:parameter/dev/users/url',
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
  ])(
    'rejects %s as InvalidServiceUrlError, asking SSM again after the refresh interval',
    async (_label, value) => {
      let clock = 0;
      const ssm = fakeSsm({ '/dev/users/url': value });
      const discovery = createDiscovery({ stage: 'dev', ssmClient: ssm, now: () => clock });

      await expect(discovery.getServiceUrl('users')).rejects.toBeInstanceOf(InvalidServiceUrlError);
      clock += 1_000;
      await expect(discovery.getServiceUrl('users')).rejects.toMatchObject({ value });
      expect(ssm.asked).toHaveLength(2);
    },
  );

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
