import { randomBytes, randomUUID } from 'node:crypto';
import {
  awsErrorOf,
  credentialsFor,
  type RawRequest,
  sendRaw,
  serviceUrl,
  signedClientFor,
  signedRequestFor,
  stageTarget,
  withHeader,
} from '@internal-apis/stage-harness';
import type { User } from '@internal-apis/users/client';
import { createTestUser } from '@internal-apis/users/stage-testing';

// Every way a request to an `aws_iam` method can fail authentication, each answered before the users
// code runs with the 403, `x-amzn-ErrorType` and message that API Gateway sends. Messages are matched
// on the part AWS itself sends, so the same assertions hold against a deployed stage.

const SIGNATURE_MISMATCH = 'The request signature we calculated does not match the signature you provided.';
const INVALID_TOKEN = 'The security token included in the request is invalid.';
const SIX_MINUTES = 6 * 60_000;
const AMZ_DATE = String.raw`\d{8}T\d{6}Z`;

let user: User;

beforeAll(async () => {
  user = await createTestUser('auth');
});

const getUser = (options?: Parameters<typeof signedRequestFor>[2]) =>
  signedRequestFor('users', { method: 'GET', path: `/users/${user.id}` }, options);

async function refusal(request: RawRequest) {
  return awsErrorOf(await sendRaw(request));
}

async function isRegistered(email: string): Promise<boolean> {
  const users = await signedClientFor('users');
  return (await users.get('/users', { params: { email } })).status === 200;
}

test('control: the request these cases alter is accepted as signed', async () => {
  const answer = await sendRaw(await getUser());

  expect(answer.status).toBe(200);
  expect(answer.json()).toMatchObject({ id: user.id });
});

test('no signature: 403 Missing Authentication Token', async () => {
  const answer = await sendRaw({
    method: 'GET',
    url: `${await serviceUrl('users')}/users/${user.id}`,
    headers: {},
  });

  expect(answer.json()).toEqual({ message: 'Missing Authentication Token' });
  expect(awsErrorOf(answer)).toEqual({
    status: 403,
    errorType: 'MissingAuthenticationTokenException',
    message: 'Missing Authentication Token',
  });
});

test('no signature on a POST: refused, and nobody is created', async () => {
  const email = `unsigned-${randomUUID()}@example.com`;
  const answer = await sendRaw({
    method: 'POST',
    url: `${await serviceUrl('users')}/users`,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, name: 'Mallory' }),
  });

  expect(awsErrorOf(answer)).toMatchObject({ status: 403, errorType: 'MissingAuthenticationTokenException' });
  expect(await isRegistered(email)).toBe(false);
});

describe('a malformed Authorization header: 403 IncompleteSignatureException', () => {
  test('without its Signature', async () => {
    const signed = await getUser();
    const withoutSignature = signed.headers.Authorization?.replace(/,\s*Signature=\w+/, '') ?? '';

    expect(await refusal(withHeader(signed, 'Authorization', withoutSignature))).toEqual({
      status: 403,
      errorType: 'IncompleteSignatureException',
      message: expect.stringContaining("Authorization header requires 'Signature' parameter."),
    });
  });

  test('not made of key=value pairs', async () => {
    const signed = await getUser();

    expect(await refusal(withHeader(signed, 'Authorization', 'AWS4-HMAC-SHA256 let-me-in'))).toEqual({
      status: 403,
      errorType: 'IncompleteSignatureException',
      message: expect.stringContaining('Invalid key=value pair (missing equal-sign) in Authorization header'),
    });
  });
});

describe('a signature that does not match: 403 InvalidSignatureException', () => {
  const mismatch = {
    status: 403,
    errorType: 'InvalidSignatureException',
    message: expect.stringContaining(SIGNATURE_MISMATCH),
  };

  test('signed with a wrong secret key', async () => {
    const runner = await credentialsFor('runner')();
    const wrongSecret = { ...runner, secretAccessKey: randomBytes(30).toString('base64') };

    expect(await refusal(await getUser({ credentials: wrongSecret }))).toEqual(mismatch);
  });

  test('the body altered after signing: refused, and nobody is created', async () => {
    const email = `tampered-${randomUUID()}@example.com`;
    const signed = await signedRequestFor('users', {
      method: 'POST',
      path: '/users',
      body: { email: `original-${randomUUID()}@example.com`, name: 'Ada' },
    });

    expect(await refusal({ ...signed, body: JSON.stringify({ email, name: 'Mallory' }) })).toEqual(mismatch);
    expect(await isRegistered(email)).toBe(false);
  });

  test('the path altered after signing', async () => {
    const signed = await getUser();

    expect(await refusal({ ...signed, url: signed.url.replace(user.id, randomUUID()) })).toEqual(mismatch);
  });

  test('the query string altered after signing', async () => {
    const signed = await signedRequestFor('users', {
      method: 'GET',
      path: `/users?email=${encodeURIComponent(user.email)}`,
    });
    const otherEmail = encodeURIComponent(`someone-${randomUUID()}@example.com`);

    expect(
      await refusal({ ...signed, url: signed.url.replace(/email=[^&]*/, `email=${otherEmail}`) }),
    ).toEqual(mismatch);
  });

  test('a signed header altered after signing', async () => {
    const signed = await signedRequestFor('users', {
      method: 'GET',
      path: `/users/${user.id}`,
      headers: { 'X-Request-Purpose': 'audit' },
    });

    expect(await refusal(withHeader(signed, 'X-Request-Purpose', 'export'))).toEqual(mismatch);
  });
});

describe('a date outside the 5 minute window: 403 InvalidSignatureException', () => {
  test('signed 6 minutes ago', async () => {
    const signed = await getUser({ now: () => new Date(Date.now() - SIX_MINUTES) });

    expect(await refusal(signed)).toEqual({
      status: 403,
      errorType: 'InvalidSignatureException',
      message: expect.stringMatching(
        new RegExp(
          `^Signature expired: ${AMZ_DATE} is now earlier than ${AMZ_DATE} \\(${AMZ_DATE} - 5 min\\.\\)`,
        ),
      ),
    });
  });

  test('signed 6 minutes ahead', async () => {
    const signed = await getUser({ now: () => new Date(Date.now() + SIX_MINUTES) });

    expect(await refusal(signed)).toEqual({
      status: 403,
      errorType: 'InvalidSignatureException',
      message: expect.stringMatching(
        new RegExp(
          `^Signature not yet current: ${AMZ_DATE} is still later than ${AMZ_DATE} \\(${AMZ_DATE} \\+ 5 min\\.\\)`,
        ),
      ),
    });
  });
});

describe('credentials AWS does not recognise: 403 UnrecognizedClientException', () => {
  const unrecognized = { status: 403, errorType: 'UnrecognizedClientException', message: INVALID_TOKEN };

  test('an access key that does not exist', async () => {
    const unknownKey = {
      accessKeyId: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64'),
    };

    expect(await refusal(await getUser({ credentials: unknownKey }))).toEqual(unrecognized);
  });

  test("a role's temporary key sent without its session token", async () => {
    const { accessKeyId, secretAccessKey, sessionToken } = await credentialsFor({ service: 'orders' })();
    expect(sessionToken).toEqual(expect.any(String));

    expect(await refusal(await getUser({ credentials: { accessKeyId, secretAccessKey } }))).toEqual(
      unrecognized,
    );
  });
});

describe('a credential scope for another region or service: 403 InvalidSignatureException', () => {
  test('the wrong region', async () => {
    const otherRegion = stageTarget().region === 'eu-west-3' ? 'ap-south-1' : 'eu-west-3';

    expect(await refusal(await getUser({ region: otherRegion }))).toEqual({
      status: 403,
      errorType: 'InvalidSignatureException',
      message: expect.stringContaining('Credential should be scoped to a valid region'),
    });
  });

  test('the wrong service', async () => {
    expect(await refusal(await getUser({ signingService: 'lambda' }))).toEqual({
      status: 403,
      errorType: 'InvalidSignatureException',
      message: expect.stringContaining("Credential should be scoped to correct service: 'execute-api'."),
    });
  });
});
