import { createHash } from 'node:crypto';
import { AwsError } from '../../src/errors';
import { hasSignature, type VerifyOptions, verifyRequest } from '../../src/sigv4';
import type { ReceivedRequest } from '../../src/types';

// Requests that never reach the signature check: what is missing or malformed is reported first,
// each with AWS's type and wording. Signatures here are placeholders, never computed.

const NOW = new Date('2015-08-30T12:36:00Z');
const SIGNATURE = 'a'.repeat(64);
const CREDENTIAL = 'AKIAEXAMPLE/20150830/us-east-1/execute-api/aws4_request';
const VALID_AUTHORIZATION = `AWS4-HMAC-SHA256 Credential=${CREDENTIAL}, SignedHeaders=host;x-amz-date, Signature=${SIGNATURE}`;

function request(headers: Array<[string, string]>, target = '/local/users'): ReceivedRequest {
  return {
    method: 'GET',
    target,
    headers: [['Host', '127.0.0.1:4566'], ...headers],
    body: Buffer.alloc(0),
    sourceIp: '127.0.0.1',
  };
}

function options(service = 'execute-api'): VerifyOptions {
  return { service, region: 'us-east-1', lookupKey: () => undefined, now: () => NOW, doubleEncodePath: true };
}

function rejection(received: ReceivedRequest, service = 'execute-api'): AwsError {
  try {
    verifyRequest(received, options(service));
  } catch (error) {
    if (error instanceof AwsError) return error;
    throw error;
  }
  throw new Error('the request was accepted');
}

const base64Sha256 = (text: string) => createHash('sha256').update(text).digest('base64');

describe('hasSignature', () => {
  it.each([
    ['an Authorization header', true, request([['Authorization', 'Bearer x']])],
    [
      'presigned query parameters',
      true,
      request([], `/local/users?X-Amz-Credential=${encodeURIComponent(CREDENTIAL)}`),
    ],
    ['neither', false, request([], '/local/users?limit=1')],
  ])('with %s is %s', (_what, expected, received) => {
    expect(hasSignature(received)).toBe(expected);
  });
});

describe('a request without a signature', () => {
  it('is a missing authentication token for API Gateway (403) and for the JSON services (400)', () => {
    expect(rejection(request([]))).toMatchObject({
      status: 403,
      errorType: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
    expect(rejection(request([]), 'ssm')).toMatchObject({
      status: 400,
      errorType: 'MissingAuthenticationTokenException',
      message: 'Request is missing Authentication Token',
    });
  });

  it('includes a foreign Authorization scheme, for the JSON services', () => {
    expect(rejection(request([['Authorization', 'Bearer eyJhbGciOiJIUzI1NiJ9']]), 'dynamodb').errorType).toBe(
      'MissingAuthenticationTokenException',
    );
  });
});

describe('a malformed Authorization header', () => {
  it('names every missing part and the header only by its hash, keeping secrets out of the answer', () => {
    const header = `AWS4-HMAC-SHA256 Credential=${CREDENTIAL}`;

    expect(rejection(request([['Authorization', header]]))).toMatchObject({
      status: 403,
      errorType: 'IncompleteSignatureException',
      message:
        "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. " +
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
        `(Hashed with SHA-256 and encoded with Base64) Authorization=${base64Sha256(header)}`,
    });
  });

  it('is not key=value pairs, as a bearer token sent to an IAM method is not', () => {
    const header = 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl';

    expect(rejection(request([['Authorization', header]]))).toMatchObject({
      errorType: 'IncompleteSignatureException',
      message: `Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '${base64Sha256(header)}'.`,
    });
  });

  it('comes with presigned query parameters too', () => {
    const received = request(
      [['Authorization', VALID_AUTHORIZATION]],
      '/local/users?X-Amz-Algorithm=AWS4-HMAC-SHA256',
    );

    expect(rejection(received)).toMatchObject({
      errorType: 'InvalidSignatureException',
      message: "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
    });
  });

  it.each([
    [
      'an X-Amz-Date that is not ISO 8601 basic format',
      VALID_AUTHORIZATION,
      '2015-08-30T12:36:00Z',
      'IncompleteSignatureException',
      "Date must be in ISO-8601 'basic format'. Got '2015-08-30T12:36:00Z'. See http://en.wikipedia.org/wiki/ISO_8601",
    ],
    ...['20150231T123600Z', '20150830T243600Z', '20150830T126000Z', '00991231T123600Z'].map((amzDate) => [
      `an X-Amz-Date that is no moment (${amzDate})`,
      VALID_AUTHORIZATION,
      amzDate,
      'IncompleteSignatureException',
      `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    ]),
    [
      'a signature that leaves the host out',
      VALID_AUTHORIZATION.replace('host;', ''),
      '20150830T123600Z',
      'InvalidSignatureException',
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    ],
    [
      'another algorithm',
      VALID_AUTHORIZATION.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA1'),
      '20150830T123600Z',
      'IncompleteSignatureException',
      "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA1' (only AWS4-HMAC-SHA256 for now). ",
    ],
    [
      'a credential that is not five elements',
      VALID_AUTHORIZATION.replace('/aws4_request', ''),
      '20150830T123600Z',
      'IncompleteSignatureException',
      "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIAEXAMPLE/20150830/us-east-1/execute-api'",
    ],
  ])('is refused for %s', (_case, authorization, amzDate, errorType, message) => {
    const received = request([
      ['X-Amz-Date', amzDate],
      ['Authorization', authorization],
    ]);

    expect(rejection(received)).toMatchObject({ status: 403, errorType, message });
  });
});

describe('presigned query parameters', () => {
  it('must all be there, each missing one named', () => {
    const target = `/local/users?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${encodeURIComponent(CREDENTIAL)}`;

    expect(rejection(request([], target), 'ssm')).toMatchObject({
      status: 400,
      errorType: 'IncompleteSignatureException',
      message:
        "AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string parameters must include " +
        "'X-Amz-SignedHeaders'. AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters.",
    });
  });

  it('may not ask for more than a week', () => {
    const query = new URLSearchParams({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': CREDENTIAL,
      'X-Amz-Date': '20150830T123600Z',
      'X-Amz-Expires': '604801',
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Signature': SIGNATURE,
    });

    expect(rejection(request([], `/local/users?${query}`)).message).toBe(
      'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds',
    );
  });
});

describe('an unknown access key', () => {
  it('is an unrecognized client once the request is otherwise well formed', () => {
    const received = request([
      ['X-Amz-Date', '20150830T123600Z'],
      ['Authorization', VALID_AUTHORIZATION],
    ]);

    expect(rejection(received)).toMatchObject({
      status: 403,
      errorType: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
  });
});
