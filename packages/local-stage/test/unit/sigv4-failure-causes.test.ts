import { createHash } from 'node:crypto';
import { diagnoseSignature } from '../../src/sigv4/failure-causes';
import type { IssuedKey, ReceivedRequest } from '../../src/types';

const NOW = new Date('2026-05-04T10:00:00Z');
const MISMATCH = {
  errorType: 'InvalidSignatureException',
  message: 'The request signature we calculated does not match the signature you provided.',
};
const OPTIONS = { service: 'execute-api', region: 'us-east-1', now: NOW };

/** A request as received, signed (as far as its headers say) for `scope` at `amzDate`. */
function received(
  overrides: {
    scope?: string;
    amzDate?: string;
    target?: string;
    headers?: Array<[string, string]>;
    body?: string;
    signedHeaders?: string;
  } = {},
): ReceivedRequest {
  const scope = overrides.scope ?? 'AKIAEXAMPLE/20260504/us-east-1/execute-api/aws4_request';
  const signedHeaders = overrides.signedHeaders ?? 'host;x-amz-date';
  return {
    method: 'GET',
    target: overrides.target ?? '/abc123/local/users/42',
    headers: [
      ['Host', '127.0.0.1:4577'],
      ['X-Amz-Date', overrides.amzDate ?? '20260504T100000Z'],
      [
        'Authorization',
        `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=${signedHeaders}, Signature=${'0'.repeat(64)}`,
      ],
      ...(overrides.headers ?? []),
    ],
    body: Buffer.from(overrides.body ?? ''),
    sourceIp: '127.0.0.1',
  };
}

describe('the likely causes of a refused signature', () => {
  it('a scope for another region comes first, naming both regions', () => {
    const diagnosis = diagnoseSignature(
      received({ scope: 'AKIAEXAMPLE/20260504/eu-west-1/execute-api/aws4_request' }),
      MISMATCH,
      OPTIONS,
    );

    expect(diagnosis.causes[0]).toEqual({
      cause: 'region',
      likelihood: 'likely',
      text: "signed for region eu-west-1; this endpoint is us-east-1: sign with the stage's region (AWS_REGION)",
    });
    expect(diagnosis.summary).toMatch(/^likely: signed for region eu-west-1/);
  });

  it('a scope for the management API says that calls to an API are signed for execute-api', () => {
    const diagnosis = diagnoseSignature(
      received({ scope: 'AKIAEXAMPLE/20260504/us-east-1/apigateway/aws4_request' }),
      MISMATCH,
      OPTIONS,
    );

    expect(diagnosis.causes[0]?.text).toBe(
      'signed for service apigateway; this endpoint is execute-api: apigateway is the management API; calls to an API are signed for execute-api',
    );
  });

  it('measures the clock skew of a request signed outside the window', () => {
    const error = {
      errorType: 'InvalidSignatureException',
      message: 'Signature expired: 20260504T094000Z is now earlier than …',
    };

    const diagnosis = diagnoseSignature(received({ amzDate: '20260504T094000Z' }), error, OPTIONS);

    expect(diagnosis.skewSeconds).toBe(1200);
    expect(diagnosis.causes[0]).toMatchObject({
      cause: 'clock-skew',
      likelihood: 'likely',
      text: expect.stringContaining("signed 1200 s behind the stage's clock; AWS allows ±5 min"),
    });
  });

  it('proves a body changed after signing from its x-amz-content-sha256', () => {
    const signedBody = '{"email":"ada@example.com"}';
    const hash = createHash('sha256').update(signedBody).digest('hex');

    const diagnosis = diagnoseSignature(
      received({
        body: '{"email": "ada@example.com"}',
        headers: [['x-amz-content-sha256', hash]],
        signedHeaders: 'host;x-amz-content-sha256;x-amz-date',
      }),
      MISMATCH,
      OPTIONS,
    );

    expect(diagnosis.causes[0]).toMatchObject({
      cause: 'body-changed',
      likelihood: 'likely',
      text: expect.stringContaining(
        `x-amz-content-sha256 is ${hash.slice(0, 12)}…, the 28-byte body received hashes to`,
      ),
    });
  });

  it('suspects a JSON body written by another serializer than the signer when no hash was signed', () => {
    const diagnosis = diagnoseSignature(
      received({ body: '{"email": "ada@example.com"}', headers: [['content-type', 'application/json']] }),
      MISMATCH,
      OPTIONS,
    );

    expect(diagnosis.causes).toContainEqual(
      expect.objectContaining({
        cause: 'body-changed',
        likelihood: 'possible',
        text: expect.stringContaining('JSON written with spaces'),
      }),
    );
  });

  it('sees a path encoded twice', () => {
    const diagnosis = diagnoseSignature(
      received({ target: '/abc123/local/users/a%2520b' }),
      MISMATCH,
      OPTIONS,
    );

    expect(diagnosis.causes[0]).toMatchObject({
      cause: 'path-encoded-twice',
      likelihood: 'likely',
      text: expect.stringContaining('%2520'),
    });
  });

  it('sees a signed header that arrived twice or not at all', () => {
    const diagnosis = diagnoseSignature(
      received({
        headers: [
          ['x-custom', 'a'],
          ['x-custom', 'b'],
        ],
        signedHeaders: 'host;x-amz-date;x-custom;x-trace',
      }),
      MISMATCH,
      OPTIONS,
    );

    expect(
      diagnosis.causes.filter((cause) => cause.likelihood === 'likely').map((cause) => cause.text),
    ).toEqual([
      'signed header x-custom arrived more than once: a hop added a copy after signing',
      'signed header x-trace did not arrive: removed after signing',
    ]);
  });

  it('tells a key of an earlier stage run from a temporary key sent without its session token', () => {
    const temporary: IssuedKey = {
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: 's',
      sessionToken: 't',
      principal: { arn: 'arn', userId: 'u', accountId: '0', policies: [] },
    };
    const unrecognized = {
      errorType: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    };
    const lookupKey = (id: string) => (id === 'ASIAEXAMPLE' ? temporary : undefined);

    const old = diagnoseSignature(received(), unrecognized, { ...OPTIONS, lookupKey });
    const tokenless = diagnoseSignature(
      received({ scope: 'ASIAEXAMPLE/20260504/us-east-1/execute-api/aws4_request' }),
      unrecognized,
      { ...OPTIONS, lookupKey },
    );

    expect(old.causes[0]?.text).toMatch(
      /^the access key AKIAEXAMPLE is not one this stage issued: every start issues new keys/,
    );
    expect(tokenless.causes[0]?.text).toBe(
      'ASIAEXAMPLE is a temporary key: send its session token as X-Amz-Security-Token',
    );
  });

  it('with nothing in the request to blame, says what else changes a signature, the secret last', () => {
    const diagnosis = diagnoseSignature(received(), MISMATCH, OPTIONS);

    expect(diagnosis.causes.map((cause) => `${cause.likelihood} ${cause.cause}`)).toEqual([
      'possible header-changed',
      'possible secret-key',
    ]);
  });
});
