import { SignatureV4 } from '@smithy/signature-v4';
import { AwsError } from '../../src/errors';
import { type VerifyOptions, verifyRequest } from '../../src/sigv4';
import type { Credentials, IssuedKey, ReceivedRequest } from '../../src/types';
import { Sha256 } from '../fixtures/sigv4/smithy';

// Requests are signed by an independent signer, @smithy/signature-v4 (what the AWS SDK for
// JavaScript v3 uses), so the verifier is checked against AWS's own client code, not against itself.

const REGION = 'us-east-1';
const HOST = '127.0.0.1:4566';
const SIGNED_AT = new Date('2015-08-30T12:36:00Z');
const PRINCIPAL = {
  arn: 'arn:aws:iam::123456789012:user/dev',
  userId: 'AIDAEXAMPLE',
  accountId: '123456789012',
  policies: [],
};
const LONG_TERM: IssuedKey = {
  accessKeyId: 'AKIAEXAMPLE',
  secretAccessKey: 'long-term-secret',
  principal: PRINCIPAL,
};
const TEMPORARY: IssuedKey = {
  accessKeyId: 'ASIAEXAMPLE',
  secretAccessKey: 'temporary-secret',
  sessionToken: 'session-token-of-the-role',
  principal: { ...PRINCIPAL, arn: 'arn:aws:sts::123456789012:assumed-role/orders/fn', roleName: 'orders' },
};

interface Call {
  method?: string;
  /** The path as sent on the wire, already percent-encoded. */
  path?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
}

interface SignWith {
  service: string;
  credentials?: Credentials;
  region?: string;
  at?: Date;
  presignFor?: number;
}

async function signed(call: Call, using: SignWith): Promise<ReceivedRequest> {
  const signer = new SignatureV4({
    service: using.service,
    region: using.region ?? REGION,
    credentials: using.credentials ?? LONG_TERM,
    sha256: Sha256,
    uriEscapePath: true,
  });
  const request = {
    method: call.method ?? 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 4566,
    path: call.path ?? '/',
    query: call.query ?? {},
    headers: { host: HOST, ...call.headers },
    body: call.body,
  };
  const signingDate = using.at ?? SIGNED_AT;
  const out =
    using.presignFor === undefined
      ? await signer.sign(request, { signingDate })
      : await signer.presign(request, { signingDate, expiresIn: using.presignFor });
  return received(out.method, out.path, out.query as Record<string, string>, out.headers, call.body);
}

function received(
  method: string,
  path: string,
  query: Record<string, string>,
  headers: Record<string, string>,
  body?: string,
): ReceivedRequest {
  const search = Object.entries(query)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
  return {
    method,
    target: search ? `${path}?${search}` : path,
    headers: Object.entries(headers),
    body: Buffer.from(body ?? '', 'utf8'),
    sourceIp: '127.0.0.1',
  };
}

function optionsFor(service: string, overrides: Partial<VerifyOptions> = {}): VerifyOptions {
  const keys = new Map([LONG_TERM, TEMPORARY].map((key) => [key.accessKeyId, key]));
  return {
    service,
    region: REGION,
    lookupKey: (accessKeyId) => keys.get(accessKeyId),
    now: () => SIGNED_AT,
    doubleEncodePath: true,
    ...overrides,
  };
}

function rejection(run: () => unknown): AwsError {
  try {
    run();
  } catch (error) {
    if (error instanceof AwsError) return error;
    throw error;
  }
  throw new Error('the request was accepted');
}

function withHeader(
  request: ReceivedRequest,
  name: string,
  change: (value: string) => string,
): ReceivedRequest {
  return {
    ...request,
    headers: request.headers.map(([key, value]): [string, string] => [
      key,
      key.toLowerCase() === name ? change(value) : value,
    ]),
  };
}

const SERVICES = [
  { service: 'execute-api', status: 403 },
  { service: 'ssm', status: 400 },
  { service: 'dynamodb', status: 400 },
];

const CALL: Call = {
  method: 'POST',
  path: '/local/users/a%20b',
  query: { expand: 'orders', limit: '10' },
  headers: { 'content-type': 'application/json', 'x-amz-target': 'AmazonSSM.GetParameter' },
  body: '{"Name":"/internal-apis/local/users/url"}',
};

// Signed once per service before the alteration cases run.
const CALL_SIGNED = new Map<string, ReceivedRequest>();
beforeAll(async () => {
  for (const { service } of SERVICES) CALL_SIGNED.set(service, await signed(CALL, { service }));
});

describe.each(SERVICES)('a request to $service signed by @smithy/signature-v4', ({ service, status }) => {
  it('is accepted with the Authorization header and returns the principal behind the key', async () => {
    const verified = verifyRequest(await signed(CALL, { service }), optionsFor(service));

    expect(verified).toEqual({
      principal: PRINCIPAL,
      accessKeyId: 'AKIAEXAMPLE',
      signedHeaders: ['content-type', 'host', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-target'],
      presigned: false,
      date: SIGNED_AT,
    });
  });

  it('is accepted presigned in the query string', async () => {
    const request = await signed({ ...CALL, headers: {} }, { service, presignFor: 300 });

    const verified = verifyRequest(
      request,
      optionsFor(service, { now: () => new Date(SIGNED_AT.getTime() + 299_000) }),
    );

    expect(verified).toMatchObject({ accessKeyId: 'AKIAEXAMPLE', presigned: true, signedHeaders: ['host'] });
  });

  it.each([
    ['method', (request: ReceivedRequest) => ({ ...request, method: 'PUT' })],
    [
      'path',
      (request: ReceivedRequest) => ({ ...request, target: request.target.replace('/users/', '/orders/') }),
    ],
    [
      'query',
      (request: ReceivedRequest) => ({ ...request, target: request.target.replace('limit=10', 'limit=11') }),
    ],
    [
      'signed header',
      (request: ReceivedRequest) => withHeader(request, 'x-amz-target', () => 'AmazonSSM.PutParameter'),
    ],
    ['body', (request: ReceivedRequest) => ({ ...request, body: Buffer.from('{"Name":"/other"}') })],
    ['date', (request: ReceivedRequest) => withHeader(request, 'x-amz-date', () => '20150830T123601Z')],
  ])('is refused when its %s is altered, with the canonical request AWS expected', async (_part, alter) => {
    const error = rejection(() =>
      verifyRequest(alter(CALL_SIGNED.get(service) as ReceivedRequest), optionsFor(service)),
    );

    expect(error).toMatchObject({ status, errorType: 'InvalidSignatureException' });
    expect(error.message).toMatch(
      /^The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key and signing method\. Consult the service documentation for details\.\n\nThe Canonical String for this request should have been\n'[\s\S]*'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n\d{8}T\d{6}Z\n20150830\/us-east-1\/[a-z-]+\/aws4_request\n[0-9a-f]{64}'\n$/,
    );
  });

  it('is still accepted with an unsigned header added on the way', async () => {
    const request = await signed(CALL, { service });

    const verified = verifyRequest(
      { ...request, headers: [...request.headers, ['X-Forwarded-For', '10.0.0.1']] },
      optionsFor(service),
    );

    expect(verified.accessKeyId).toBe('AKIAEXAMPLE');
  });

  it('is refused as an unknown client when the access key was never issued', async () => {
    const request = await signed(CALL, {
      service,
      credentials: { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'x' },
    });

    expect(rejection(() => verifyRequest(request, optionsFor(service)))).toMatchObject({
      status,
      errorType: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
  });
});

describe('the path of an execute-api request', () => {
  it('is signed encoded twice, so reserved characters the caller encoded still verify', async () => {
    const request = await signed(
      { method: 'GET', path: "/local/users/o'brien%2Fjr/it%E2%80%99s" },
      { service: 'execute-api' },
    );

    expect(verifyRequest(request, optionsFor('execute-api')).accessKeyId).toBe('AKIAEXAMPLE');
  });

  it('does not verify when the verifier encodes it only once', async () => {
    const request = await signed({ method: 'GET', path: '/local/users/a%20b' }, { service: 'execute-api' });

    const options = optionsFor('execute-api', { doubleEncodePath: false });

    expect(rejection(() => verifyRequest(request, options)).errorType).toBe('InvalidSignatureException');
  });
});

describe('the ±5 minute window', () => {
  const FIVE_MINUTES = 5 * 60_000;

  it('accepts a request signed exactly five minutes before or after the clock', async () => {
    const request = await signed(CALL, { service: 'execute-api' });

    for (const offset of [-FIVE_MINUTES, FIVE_MINUTES]) {
      const now = () => new Date(SIGNED_AT.getTime() + offset);
      expect(verifyRequest(request, optionsFor('execute-api', { now })).accessKeyId).toBe('AKIAEXAMPLE');
    }
  });

  it('refuses a request signed more than five minutes ago, in AWS words', async () => {
    const request = await signed(CALL, { service: 'execute-api' });

    const now = () => new Date('2015-08-30T12:46:00Z');

    expect(rejection(() => verifyRequest(request, optionsFor('execute-api', { now })))).toMatchObject({
      status: 403,
      errorType: 'InvalidSignatureException',
      message:
        'Signature expired: 20150830T123600Z is now earlier than 20150830T124100Z (20150830T124600Z - 5 min.)',
    });
  });

  it('refuses a request signed more than five minutes ahead, in AWS words', async () => {
    const request = await signed(CALL, { service: 'ssm', at: new Date('2015-08-30T12:51:01Z') });

    const now = () => new Date('2015-08-30T12:46:00Z');

    expect(rejection(() => verifyRequest(request, optionsFor('ssm', { now })))).toMatchObject({
      status: 400,
      errorType: 'InvalidSignatureException',
      message:
        'Signature not yet current: 20150830T125101Z is still later than 20150830T125100Z (20150830T124600Z + 5 min.)',
    });
  });

  it('is fifteen minutes for DynamoDB', async () => {
    const request = await signed(CALL, { service: 'dynamodb' });
    const options = (minutes: number) =>
      optionsFor('dynamodb', { now: () => new Date(SIGNED_AT.getTime() + minutes * 60_000) });

    expect(verifyRequest(request, options(15)).accessKeyId).toBe('AKIAEXAMPLE');
    expect(rejection(() => verifyRequest(request, options(16))).message).toBe(
      'Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z (20150830T125200Z - 15 min.)',
    );
  });

  it('gives way to X-Amz-Expires for a presigned request', async () => {
    const request = await signed(
      { method: 'GET', path: '/local/users' },
      { service: 'execute-api', presignFor: 60 },
    );

    const now = () => new Date('2015-08-30T12:37:01Z');

    expect(rejection(() => verifyRequest(request, optionsFor('execute-api', { now })))).toMatchObject({
      errorType: 'InvalidSignatureException',
      message:
        'Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T123701Z - 60 sec.)',
    });
  });
});

describe('temporary credentials', () => {
  const temporary = { accessKeyId: TEMPORARY.accessKeyId, secretAccessKey: TEMPORARY.secretAccessKey };

  it('are accepted with their session token, in the header or the presigned query', async () => {
    const credentials = { ...temporary, sessionToken: TEMPORARY.sessionToken };
    const inHeader = await signed(CALL, { service: 'ssm', credentials });
    const inQuery = await signed(
      { method: 'GET', path: '/' },
      { service: 'ssm', credentials, presignFor: 60 },
    );

    expect(verifyRequest(inHeader, optionsFor('ssm')).principal.roleName).toBe('orders');
    expect(verifyRequest(inQuery, optionsFor('ssm')).principal.roleName).toBe('orders');
  });

  it.each([
    ['without a session token', undefined],
    ['with another session token', 'a-token-the-stage-never-issued'],
  ])('are refused as an unknown client %s', async (_case, sessionToken) => {
    const request = await signed(CALL, {
      service: 'execute-api',
      credentials: { ...temporary, sessionToken },
    });

    expect(rejection(() => verifyRequest(request, optionsFor('execute-api')))).toMatchObject({
      status: 403,
      errorType: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
  });

  it('cannot be imitated by a long-term key sent with a session token', async () => {
    const credentials = { ...LONG_TERM, sessionToken: TEMPORARY.sessionToken };
    const request = await signed(CALL, { service: 'dynamodb', credentials });

    expect(rejection(() => verifyRequest(request, optionsFor('dynamodb'))).errorType).toBe(
      'UnrecognizedClientException',
    );
  });
});

describe('the credential scope', () => {
  it('must name the stage region', async () => {
    const request = await signed(CALL, { service: 'execute-api', region: 'eu-west-1' });

    expect(rejection(() => verifyRequest(request, optionsFor('execute-api')))).toMatchObject({
      status: 403,
      errorType: 'InvalidSignatureException',
      message: "Credential should be scoped to a valid region, not 'eu-west-1'. ",
    });
  });

  it('must name the service the endpoint is', async () => {
    const request = await signed(CALL, { service: 'ssm' });

    expect(rejection(() => verifyRequest(request, optionsFor('execute-api'))).message).toBe(
      "Credential should be scoped to correct service: 'execute-api'. ",
    );
  });

  it('must carry the day of X-Amz-Date and the aws4_request terminator, all wrong parts named at once', async () => {
    const request = withHeader(await signed(CALL, { service: 'ssm' }), 'authorization', (value) =>
      value.replace('/20150830/us-east-1/ssm/aws4_request', '/20150829/us-east-1/ssm/aws5_request'),
    );

    expect(rejection(() => verifyRequest(request, optionsFor('ssm'))).message).toBe(
      "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. " +
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20150829' != '20150830', from '20150830T123600Z'.",
    );
  });
});
