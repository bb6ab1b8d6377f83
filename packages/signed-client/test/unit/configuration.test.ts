import {
  CredentialsError,
  createSignedClient,
  regionFromHost,
  SignedClientConfigError,
  type SignedClientOptions,
} from '../../src';
import { fakeTransport } from './support/fake-transport';
import { API_URL, CREDENTIALS, expectValidSignature, staticCredentials } from './support/fixtures';

const REGION_VARIABLES = ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const;
const savedEnv = Object.fromEntries(REGION_VARIABLES.map((name) => [name, process.env[name]]));

beforeEach(() => {
  for (const name of REGION_VARIABLES) delete process.env[name];
});

afterEach(() => {
  for (const name of REGION_VARIABLES) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
});

function clientWith(transport: ReturnType<typeof fakeTransport>, options: SignedClientOptions = {}) {
  return createSignedClient({
    credentials: staticCredentials,
    ...options,
    axiosConfig: { adapter: transport.adapter },
  });
}

async function sendOne(options: SignedClientOptions, url = '/ping') {
  const transport = fakeTransport();
  await clientWith(transport, options).get(url);
  const [sent] = transport.requests;
  if (!sent) throw new Error('nothing sent');
  return sent;
}

describe('region', () => {
  it.each([
    ['abc123.execute-api.eu-west-1.amazonaws.com', 'eu-west-1'],
    ['ssm.ap-southeast-2.amazonaws.com', 'ap-southeast-2'],
    ['abc123-vpce-0a1b.execute-api.us-gov-west-1.vpce.amazonaws.com', 'us-gov-west-1'],
    ['abc123.execute-api.cn-north-1.amazonaws.com.cn', 'cn-north-1'],
    ['api.example.com', undefined],
    ['127.0.0.1', undefined],
  ])('is read from the host %s', (host, region) => {
    expect(regionFromHost(host)).toBe(region);
  });

  it('comes from the API Gateway host of baseURL, before the environment', async () => {
    process.env.AWS_REGION = 'us-east-1';
    const sent = await sendOne({ baseURL: API_URL });

    expect(sent.headers.Authorization).toContain('/eu-west-1/execute-api/aws4_request');
    await expectValidSignature(sent, { region: 'eu-west-1' });
  });

  it('falls back to AWS_REGION, then AWS_DEFAULT_REGION, for a host that names none', async () => {
    process.env.AWS_DEFAULT_REGION = 'ca-central-1';
    const fromDefault = await sendOne({ baseURL: 'http://127.0.0.1:3000/local' });
    process.env.AWS_REGION = 'eu-north-1';
    const fromRegion = await sendOne({ baseURL: 'http://127.0.0.1:3000/local' });

    expect(fromDefault.headers.Authorization).toContain('/ca-central-1/execute-api/');
    expect(fromRegion.headers.Authorization).toContain('/eu-north-1/execute-api/');
  });

  it('is taken as given over the host', async () => {
    const sent = await sendOne({ baseURL: API_URL, region: 'eu-central-1' });

    expect(sent.headers.Authorization).toContain('/eu-central-1/execute-api/');
  });
});

describe('configuration errors', () => {
  it('fails at construction when neither the option, the host nor the environment gives a region', () => {
    expect(() => createSignedClient({ baseURL: 'https://api.example.com/dev', callee: 'users' })).toThrow(
      expect.objectContaining({
        name: 'SignedClientConfigError',
        callee: 'users',
        message: expect.stringMatching(/pass the `region` option or set AWS_REGION/),
      }),
    );
  });

  it('fails at construction on a relative baseURL or a negative timeout', () => {
    expect(() => createSignedClient({ baseURL: '/dev', region: 'eu-west-1' })).toThrow(
      SignedClientConfigError,
    );
    expect(() => createSignedClient({ baseURL: API_URL, timeoutMs: -1 })).toThrow(SignedClientConfigError);
    expect(() => createSignedClient({ baseURL: API_URL, retry: { retries: -1 } })).toThrow(/retry.retries/);
  });

  it('without baseURL, fails at request time for a URL that names no region, and sends nothing', async () => {
    const transport = fakeTransport();
    const client = clientWith(transport, { callee: 'users' });

    const failure = client.get('https://api.example.com/dev/users/1?token=secret');
    await expect(failure).rejects.toThrow(SignedClientConfigError);
    await expect(failure).rejects.toMatchObject({
      method: 'GET',
      url: 'https://api.example.com/dev/users/1',
      callee: 'users',
    });
    expect(transport.requests).toHaveLength(0);
  });

  it('without baseURL, refuses a relative URL', async () => {
    const client = clientWith(fakeTransport(), { region: 'eu-west-1' });

    await expect(client.get('/users/1')).rejects.toThrow(/must be absolute/);
  });

  it('refuses a streaming body, which cannot be hashed before it is sent', async () => {
    const { Readable } = await import('node:stream');
    const client = clientWith(fakeTransport(), { baseURL: API_URL });

    await expect(client.post('/uploads', Readable.from(['a', 'b']))).rejects.toThrow(SignedClientConfigError);
  });

  it('refuses a non-ASCII header value rather than sign what axios would strip before sending', async () => {
    const client = clientWith(fakeTransport(), { baseURL: API_URL });

    await expect(client.get('/users/1', { headers: { 'X-Note': 'caf\u00e9 \u1234' } })).rejects.toThrow(
      /X-Note/,
    );
  });
});

describe('credentials', () => {
  it('are resolved on every request, so rotated credentials are used', async () => {
    const transport = fakeTransport();
    const issued = ['AKIDFIRST', 'AKIDSECOND'];
    const provider = jest.fn(async () => ({ ...CREDENTIALS, accessKeyId: issued.shift() ?? 'AKIDLATER' }));
    const client = clientWith(transport, { baseURL: API_URL, credentials: provider });

    await client.get('/users/1');
    await client.get('/users/2');

    expect(provider).toHaveBeenCalledTimes(2);
    const [first, second] = transport.requests;
    if (!first || !second) throw new Error('nothing sent');
    expect(first.headers.Authorization).toContain('Credential=AKIDFIRST/');
    expect(second.headers.Authorization).toContain('Credential=AKIDSECOND/');
    await expectValidSignature(second, { credentials: { ...CREDENTIALS, accessKeyId: 'AKIDSECOND' } });
  });

  it('that fail to load reject with a CredentialsError naming the request, and nothing is sent', async () => {
    const transport = fakeTransport();
    const failing = async () => {
      throw new Error('Unable to find environment variable credentials.');
    };
    const client = clientWith(transport, { baseURL: API_URL, credentials: failing, callee: 'users' });

    const failure = client.get('/users/1');
    await expect(failure).rejects.toThrow(CredentialsError);
    await expect(failure).rejects.toThrow(
      /users: GET .*\/dev\/users\/1: Unable to find environment variable/,
    );
    expect(transport.requests).toHaveLength(0);
  });

  it('without an access key reject with a CredentialsError', async () => {
    const client = clientWith(fakeTransport(), {
      baseURL: API_URL,
      credentials: async () => ({ accessKeyId: '', secretAccessKey: '' }),
    });

    await expect(client.get('/users/1')).rejects.toBeInstanceOf(CredentialsError);
  });

  it('default to the environment, as Lambda provides them', async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = 'AKIDFROMENV';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret-from-env';
    try {
      const transport = fakeTransport();
      await createSignedClient({ baseURL: API_URL, axiosConfig: { adapter: transport.adapter } }).get(
        '/users/1',
      );

      expect(transport.requests[0]?.headers.Authorization).toContain('Credential=AKIDFROMENV/');
    } finally {
      restore('AWS_ACCESS_KEY_ID', saved.id);
      restore('AWS_SECRET_ACCESS_KEY', saved.secret);
    }
  });
});

describe('timeout', () => {
  it('defaults to 5000 ms per attempt and can be changed', async () => {
    const byDefault = await sendOne({ baseURL: API_URL });
    const shorter = await sendOne({ baseURL: API_URL, timeoutMs: 750 });

    expect(byDefault.config.timeout).toBe(5000);
    expect(shorter.config.timeout).toBe(750);
  });
});

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
