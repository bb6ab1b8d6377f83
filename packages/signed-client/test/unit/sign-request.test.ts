import { createHash } from 'node:crypto';
import { signRequest } from '../../src';
import { CREDENTIALS } from './support/fixtures';
import { independentAuthorization } from './support/independent-signature';

const NOW = () => new Date('2026-03-01T12:34:56.789Z');
const SCOPE = { service: 'execute-api', region: 'eu-west-1', now: NOW };

describe('signRequest', () => {
  it('returns the input headers plus Host, X-Amz-Date, X-Amz-Security-Token and Authorization', () => {
    const headers = signRequest(
      {
        method: 'get',
        url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/dev/users/42',
        headers: { Accept: 'application/json' },
      },
      CREDENTIALS,
      SCOPE,
    );

    expect(headers).toEqual({
      Accept: 'application/json',
      Host: 'abc123.execute-api.eu-west-1.amazonaws.com',
      'X-Amz-Date': '20260301T123456Z',
      'X-Amz-Security-Token': CREDENTIALS.sessionToken,
      Authorization: expect.stringMatching(
        /^AWS4-HMAC-SHA256 Credential=AKIDUNITTEST\/20260301\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=accept;host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
      ),
    });
  });

  it('agrees with @smithy/signature-v4 on a POST with a body, a port and repeated query keys', async () => {
    const request = {
      method: 'POST',
      url: 'http://127.0.0.1:4010/dev/orders?b=2&a=1&a=0',
      headers: { 'Content-Type': 'application/json' },
      body: '{"userId":"42"}',
    };
    const headers = signRequest(request, CREDENTIALS, SCOPE);

    expect(headers.Host).toBe('127.0.0.1:4010');
    const expected = await independentAuthorization({ ...request, headers }, CREDENTIALS, SCOPE);
    expect(headers.Authorization).toBe(expected);
  });

  it('signs a Uint8Array body as its bytes', async () => {
    const request = {
      method: 'PUT',
      url: 'https://h.example.com/blob',
      headers: {},
      body: new Uint8Array([1, 2, 3]),
    };
    const headers = signRequest(request, CREDENTIALS, SCOPE);

    const expected = await independentAuthorization(
      { ...request, headers, body: Buffer.from([1, 2, 3]) },
      CREDENTIALS,
      SCOPE,
    );
    expect(headers.Authorization).toBe(expected);
  });

  it('takes the date from an x-amz-date header over the clock', () => {
    const headers = signRequest(
      { method: 'GET', url: 'https://h.example.com/', headers: { 'x-amz-date': '20150830T123600Z' } },
      CREDENTIALS,
      SCOPE,
    );

    expect(headers['X-Amz-Date']).toBe('20150830T123600Z');
    expect(headers.Authorization).toContain('Credential=AKIDUNITTEST/20150830/');
  });

  it('replaces a stale Authorization and session token in any letter case', () => {
    const headers = signRequest(
      {
        method: 'GET',
        url: 'https://h.example.com/',
        headers: { authorization: 'AWS4-HMAC-SHA256 old', 'x-amz-security-token': 'expired-token' },
      },
      CREDENTIALS,
      SCOPE,
    );

    expect(
      Object.keys(headers).filter((name) => /^(authorization|x-amz-security-token)$/i.test(name)),
    ).toEqual(['X-Amz-Security-Token', 'Authorization']);
    expect(headers['X-Amz-Security-Token']).toBe(CREDENTIALS.sessionToken);
    expect(headers.Authorization).not.toContain('old');
  });

  it('double-encodes the path by default and not when doubleEncodePath is false', async () => {
    const request = { method: 'GET', url: 'https://h.example.com/users/a%20b', headers: {} };
    const doubled = signRequest(request, CREDENTIALS, SCOPE);
    const single = signRequest(request, CREDENTIALS, { ...SCOPE, doubleEncodePath: false });

    const asApiGateway = await independentAuthorization({ ...request, headers: doubled }, CREDENTIALS, SCOPE);
    const asGeneric = await independentAuthorization({ ...request, headers: single }, CREDENTIALS, {
      ...SCOPE,
      uriEscapePath: false,
    });
    expect(doubled.Authorization).toBe(asApiGateway);
    expect(single.Authorization).toBe(asGeneric);
    expect(doubled.Authorization).not.toBe(single.Authorization);
  });

  it('adds the payload hash header for s3 and signs the path once', async () => {
    const request = {
      method: 'PUT',
      url: 'https://bucket.s3.eu-west-1.amazonaws.com/a%20key',
      headers: {},
      body: 'data',
    };
    const headers = signRequest(request, CREDENTIALS, { ...SCOPE, service: 's3' });

    expect(headers['X-Amz-Content-Sha256']).toBe(createHash('sha256').update('data').digest('hex'));
    const expected = await independentAuthorization({ ...request, headers }, CREDENTIALS, {
      ...SCOPE,
      service: 's3',
      uriEscapePath: false,
    });
    expect(headers.Authorization).toBe(expected);
  });

  it('signs a repeated header passed once with its values joined by commas, in order', async () => {
    const request = { method: 'GET', url: 'https://h.example.com/', headers: { 'X-Values': 'b,a' } };
    const joined = signRequest(request, CREDENTIALS, SCOPE);
    const reordered = signRequest(
      { method: 'GET', url: 'https://h.example.com/', headers: { 'X-Values': 'a,b' } },
      CREDENTIALS,
      SCOPE,
    );

    const expected = await independentAuthorization({ ...request, headers: joined }, CREDENTIALS, SCOPE);
    expect(joined.Authorization).toBe(expected);
    expect(joined.Authorization).toContain('SignedHeaders=host;x-amz-date;x-amz-security-token;x-values,');
    expect(joined.Authorization).not.toBe(reordered.Authorization);
  });
});
