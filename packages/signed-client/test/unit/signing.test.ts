import { createSignedClient } from '../../src';
import { fakeTransport } from './support/fake-transport';
import {
  API_URL,
  CREDENTIALS,
  expectValidSignature,
  signedHeadersOf,
  staticCredentials,
} from './support/fixtures';
import { independentAuthorization } from './support/independent-signature';

function clientWith(
  transport: ReturnType<typeof fakeTransport>,
  extra: Parameters<typeof createSignedClient>[0] = {},
) {
  return createSignedClient({
    baseURL: API_URL,
    credentials: staticCredentials,
    ...extra,
    axiosConfig: { adapter: transport.adapter, ...extra.axiosConfig },
  });
}

describe('createSignedClient signs exactly what it sends', () => {
  it('signs a GET with host, date and session token, verified by @smithy/signature-v4', async () => {
    const transport = fakeTransport();
    await clientWith(transport).get('/users/42');

    const [sent] = transport.requests;
    if (!sent) throw new Error('nothing sent');
    expect(sent.url).toBe(`${API_URL}/users/42`);
    expect(sent.headers.Host).toBe('abc123.execute-api.eu-west-1.amazonaws.com');
    expect(sent.headers['X-Amz-Security-Token']).toBe(CREDENTIALS.sessionToken);
    expect(signedHeadersOf(sent)).toEqual(
      expect.arrayContaining(['host', 'x-amz-date', 'x-amz-security-token']),
    );
    await expectValidSignature(sent);
  });

  it('signs a JSON object body as the JSON axios serializes', async () => {
    const transport = fakeTransport();
    await clientWith(transport).post('/users', { email: 'ada@example.com', name: 'Ada' });

    const [sent] = transport.requests;
    if (!sent) throw new Error('nothing sent');
    expect(sent.body).toBe('{"email":"ada@example.com","name":"Ada"}');
    expect(sent.headers['Content-Type']).toBe('application/json');
    expect(signedHeadersOf(sent)).toContain('content-type');
    await expectValidSignature(sent);
  });

  it('signs a string body and a caller header with padded whitespace', async () => {
    const transport = fakeTransport();
    await clientWith(transport).put('/notes/1', 'plain text', {
      headers: { 'Content-Type': 'text/plain', 'X-Trace-Note': '  two   spaces ' },
    });

    const [sent] = transport.requests;
    if (!sent) throw new Error('nothing sent');
    expect(sent.body).toBe('plain text');
    expect(signedHeadersOf(sent)).toContain('x-trace-note');
    await expectValidSignature(sent);
  });

  it('signs Buffer bodies byte for byte, and only the bytes of a Uint8Array view', async () => {
    const transport = fakeTransport();
    const pool = Buffer.from('xxxhelloyyy');
    await clientWith(transport).put('/blobs/1', Buffer.from([0, 1, 2, 255]));
    await clientWith(transport).put('/blobs/2', new Uint8Array(pool.buffer, pool.byteOffset + 3, 5));

    const [buffer, view] = transport.requests;
    if (!buffer || !view) throw new Error('nothing sent');
    expect(buffer.body).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(view.body).toEqual(Buffer.from('hello'));
    await expectValidSignature(buffer);
    await expectValidSignature(view);
  });

  it('signs params serialized into the URL, spaces as %20 so AWS does not read them as plus signs', async () => {
    const transport = fakeTransport();
    await clientWith(transport).get('/users', {
      params: { email: 'a+b@example.com', q: 'two words', tag: ['x', 'y'] },
    });

    const [sent] = transport.requests;
    if (!sent) throw new Error('nothing sent');
    expect(sent.url).toBe(`${API_URL}/users?email=a%2Bb%40example.com&q=two%20words&tag%5B%5D=x&tag%5B%5D=y`);
    expect(sent.config.params).toBeUndefined();
    await expectValidSignature(sent);
  });

  it.each([
    ['https://abc123.execute-api.eu-west-1.amazonaws.com/dev/', '/users/42'],
    ['https://abc123.execute-api.eu-west-1.amazonaws.com/dev', 'users/42'],
    ['https://abc123.execute-api.eu-west-1.amazonaws.com/dev/', 'users/42'],
  ])('joins baseURL %s and url %s as axios does', async (baseURL, url) => {
    const transport = fakeTransport();
    await clientWith(transport, { baseURL }).get(url);

    const [sent] = transport.requests;
    if (!sent) throw new Error('nothing sent');
    expect(sent.url).toBe(`${API_URL}/users/42`);
    expect(sent.config.baseURL).toBeUndefined();
    await expectValidSignature(sent);
  });

  it('signs an absolute URL that overrides baseURL, for that URL', async () => {
    const transport = fakeTransport();
    await clientWith(transport).get('https://xyz789.execute-api.eu-west-1.amazonaws.com/prod/orders/7');

    const [sent] = transport.requests;
    if (!sent) throw new Error('nothing sent');
    expect(sent.headers.Host).toBe('xyz789.execute-api.eu-west-1.amazonaws.com');
    await expectValidSignature(sent);
  });

  it('serializes FormData to multipart bytes with its boundary and signs them', async () => {
    const transport = fakeTransport();
    const form = new FormData();
    form.append('name', 'Ada Lovelace');
    form.append('avatar', new Blob(['PNG…'], { type: 'image/png' }), 'ada.png');
    await clientWith(transport).post('/uploads', form);

    const [sent] = transport.requests;
    if (!sent) throw new Error('nothing sent');
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(sent.headers['Content-Type'] ?? '')?.[1];
    expect(boundary).toBeDefined();
    expect(Buffer.isBuffer(sent.body)).toBe(true);
    expect(String(sent.body)).toContain(
      `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nAda Lovelace`,
    );
    expect(String(sent.body)).toContain('filename="ada.png"');
    await expectValidSignature(sent);
  });

  it('signs URLSearchParams as the form-encoded string axios sends', async () => {
    const transport = fakeTransport();
    await clientWith(transport).post('/login', new URLSearchParams({ user: 'ada lovelace', next: '/a&b' }));

    const [sent] = transport.requests;
    if (!sent) throw new Error('nothing sent');
    expect(sent.body).toBe('user=ada+lovelace&next=%2Fa%26b');
    expect(sent.headers['Content-Type']).toBe('application/x-www-form-urlencoded;charset=utf-8');
    await expectValidSignature(sent);
  });

  it("applies axios's per-method header groups without sending them as literal headers", async () => {
    const transport = fakeTransport();
    const client = clientWith(transport);
    client.defaults.headers.common['X-Team'] = 'orders';
    client.defaults.headers.post['X-Only-On-Post'] = 'yes';
    await client.post('/users', { a: 1 });
    await client.get('/users/1');

    const [post, get] = transport.requests;
    if (!post || !get) throw new Error('nothing sent');
    for (const sent of [post, get]) {
      const names = Object.keys(sent.headers).map((name) => name.toLowerCase());
      for (const group of ['common', 'get', 'post', 'put', 'patch', 'delete', 'head'])
        expect(names).not.toContain(group);
      expect(sent.headers['X-Team']).toBe('orders');
      await expectValidSignature(sent);
    }
    expect(post.headers['X-Only-On-Post']).toBe('yes');
    expect(get.headers['X-Only-On-Post']).toBeUndefined();
  });

  it('double-encodes a path with spaces and unicode for execute-api, as API Gateway does', async () => {
    const transport = fakeTransport();
    await clientWith(transport).get('/users/Ada Lovelace/ሴ');

    const [sent] = transport.requests;
    if (!sent) throw new Error('nothing sent');
    expect(sent.url).toBe(`${API_URL}/users/Ada%20Lovelace/%E1%88%B4`);
    await expectValidSignature(sent);
    const singleEncoded = await independentAuthorization(sent, CREDENTIALS, {
      service: 'execute-api',
      region: 'eu-west-1',
      uriEscapePath: false,
    });
    expect(sent.headers.Authorization).not.toBe(singleEncoded);
  });

  it('leaves the session token out when the credentials have none', async () => {
    const transport = fakeTransport();
    const { sessionToken: _none, ...longTerm } = CREDENTIALS;
    await clientWith(transport, { credentials: async () => longTerm }).get('/users/1');

    const [sent] = transport.requests;
    if (!sent) throw new Error('nothing sent');
    expect(Object.keys(sent.headers).map((n) => n.toLowerCase())).not.toContain('x-amz-security-token');
    await expectValidSignature(sent, { credentials: longTerm });
  });

  it('signs requests sent through a per-request adapter, and ignores basic auth that would drop the signature', async () => {
    const defaultTransport = fakeTransport();
    const override = fakeTransport();
    await clientWith(defaultTransport).get('/users/1', {
      adapter: override.adapter,
      auth: { username: 'u', password: 'p' },
    });

    const [sent] = override.requests;
    if (!sent) throw new Error('nothing sent');
    expect(defaultTransport.requests).toHaveLength(0);
    expect(sent.config.auth).toBeUndefined();
    await expectValidSignature(sent);
  });

  it('signs for the service and region given', async () => {
    const transport = fakeTransport();
    await clientWith(transport, {
      baseURL: 'http://127.0.0.1:4566',
      service: 'ssm',
      region: 'eu-central-1',
    }).post('/', '{"Name":"/dev/users/url"}');

    const [sent] = transport.requests;
    if (!sent) throw new Error('nothing sent');
    expect(sent.headers.Host).toBe('127.0.0.1:4566');
    expect(sent.headers.Authorization).toContain('/eu-central-1/ssm/aws4_request');
    await expectValidSignature(sent, { service: 'ssm', region: 'eu-central-1' });
  });
});
