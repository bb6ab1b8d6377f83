import { AwsError, type IssuedKey, type ReceivedRequest } from '@internal-apis/local-stage';
import { signingStringsOf, type VerifyOptions, verifyRequest } from '@internal-apis/local-stage/sigv4';
import type { CheckResult } from './check-result';
import { parseRawHttp } from './raw-http';
import type { SuiteCase } from './suite-files';
import { SUITE_CREDENTIALS, SUITE_REGION, SUITE_SERVICE } from './suite-inputs';

type Alteration = [what: string, request: ReceivedRequest];

interface Expected {
  errorType: string;
  message: string;
}

const MISMATCH: Expected = {
  errorType: 'InvalidSignatureException',
  message: 'The request signature we calculated does not match the signature you provided.',
};
const TOKEN_INVALID: Expected = {
  errorType: 'UnrecognizedClientException',
  message: 'The security token included in the request is invalid.',
};

/**
 * The verifier against one case: its canonical request and string to sign equal `.creq` and `.sts`,
 * the `.sreq` is accepted, and altering any signed part (method, path, a query value, each signed
 * header, the body, the date) is refused with InvalidSignatureException.
 */
export function verifierChecks(suiteCase: SuiteCase): CheckResult[] {
  const published = toReceived(suiteCase.sreq);
  const options = suiteOptions(published);
  const result = (check: string, outcome: Outcome): CheckResult => ({
    caseName: suiteCase.name,
    check,
    ...outcome,
  });
  const strings = attempt(() => signingStringsOf(published, options));
  const results = [
    result('canonical request equals .creq', same(strings?.canonicalRequest, suiteCase.creq)),
    result('string to sign equals .sts', same(strings?.stringToSign, suiteCase.sts)),
  ];
  const signed = withAuthorization(published, suiteCase.authz);
  if (signed !== published) {
    // Upstream defect: this .sreq carries another case's Signature; a correct verifier must refuse it.
    results.push(
      result(
        "verifier refuses .sreq as published (its Signature is not .authz's)",
        refused(published, options),
      ),
    );
  }
  results.push(
    result(
      signed === published ? 'verifier accepts .sreq' : 'verifier accepts .sreq signed as .authz',
      accepted(signed, options),
    ),
  );
  for (const [what, altered] of alterations(signed)) {
    results.push(result(`verifier refuses altered ${what}`, refused(altered, options)));
  }
  results.push(
    result(
      'verifier accepts an unsigned header added',
      accepted(addHeader(signed, 'X-Unsigned', 'added'), options),
    ),
  );
  if (
    header(signed, 'x-amz-security-token') !== undefined &&
    !signedHeaderNames(signed).includes('x-amz-security-token')
  ) {
    const wrongToken = alterHeader(signed, 'x-amz-security-token', (value) => `${value}-altered`);
    results.push(
      result(
        'verifier refuses an altered unsigned session token',
        refusedAs(wrongToken, options, TOKEN_INVALID),
      ),
    );
  }
  return results;
}

interface Outcome {
  ok: boolean;
  detail?: string;
}

function accepted(request: ReceivedRequest, options: VerifyOptions): Outcome {
  try {
    verifyRequest(request, options);
    return { ok: true };
  } catch (error) {
    return { ok: false, detail: describe(error) };
  }
}

function refused(request: ReceivedRequest, options: VerifyOptions): Outcome {
  return refusedAs(request, options, MISMATCH);
}

function refusedAs(request: ReceivedRequest, options: VerifyOptions, expected: Expected): Outcome {
  try {
    verifyRequest(request, options);
    return { ok: false, detail: 'accepted' };
  } catch (error) {
    const ok =
      error instanceof AwsError &&
      error.errorType === expected.errorType &&
      error.message.startsWith(expected.message);
    return ok ? { ok } : { ok, detail: describe(error) };
  }
}

function same(actual: string | undefined, expected: string): Outcome {
  if (actual === expected) return { ok: true };
  return { ok: false, detail: `got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}` };
}

/** Every signed part changed, one at a time. */
function alterations(request: ReceivedRequest): Alteration[] {
  const { path, query } = splitRawTarget(request.target);
  const found: Alteration[] = [
    ['method', { ...request, method: request.method === 'GET' ? 'POST' : 'GET' }],
    ['path', { ...request, target: `/altered${path}${query === undefined ? '' : `?${query}`}` }],
  ];
  if (query) found.push(['query value', { ...request, target: `${path}?${alterFirstValue(query)}` }]);
  for (const name of signedHeaderNames(request).filter((header) => header !== 'x-amz-date')) {
    found.push([`signed header ${name}`, alterHeader(request, name, (value) => `${value}-altered`)]);
  }
  found.push(['body', { ...request, body: Buffer.concat([request.body, Buffer.from('altered')]) }]);
  found.push(['date (X-Amz-Date + 1 s)', alterHeader(request, 'x-amz-date', oneSecondLater)]);
  return found;
}

function toReceived(sreq: Buffer): ReceivedRequest {
  return { ...parseRawHttp(sreq), sourceIp: '127.0.0.1' };
}

/** The README's inputs; the key's session token is the one the request carries, signed or not. */
function suiteOptions(request: ReceivedRequest): VerifyOptions {
  const key: IssuedKey = {
    ...SUITE_CREDENTIALS,
    sessionToken: header(request, 'x-amz-security-token')?.trim(),
    principal: {
      arn: 'arn:aws:iam::123456789012:user/suite',
      userId: 'AIDAEXAMPLE',
      accountId: '123456789012',
      policies: [],
    },
  };
  const signedAt = parseAmzDate(header(request, 'x-amz-date')?.trim() ?? '');
  return {
    service: SUITE_SERVICE,
    region: SUITE_REGION,
    lookupKey: (accessKeyId) => (accessKeyId === key.accessKeyId ? key : undefined),
    now: () => signedAt,
    doubleEncodePath: false,
    normalizePath: true,
  };
}

function withAuthorization(request: ReceivedRequest, authorization: string): ReceivedRequest {
  if (header(request, 'authorization')?.trim() === authorization) return request;
  return alterHeader(request, 'authorization', () => ` ${authorization}`);
}

function alterHeader(
  request: ReceivedRequest,
  name: string,
  change: (value: string) => string,
): ReceivedRequest {
  const last = request.headers.findLastIndex(([key]) => key.toLowerCase() === name);
  const headers = request.headers.map(([key, value], index): [string, string] => [
    key,
    index === last ? change(value) : value,
  ]);
  return { ...request, headers };
}

function addHeader(request: ReceivedRequest, name: string, value: string): ReceivedRequest {
  return { ...request, headers: [...request.headers, [name, value]] };
}

function header(request: ReceivedRequest, name: string): string | undefined {
  return request.headers.find(([key]) => key.toLowerCase() === name)?.[1];
}

function signedHeaderNames(request: ReceivedRequest): string[] {
  const match = /SignedHeaders=([^,\s]*)/.exec(header(request, 'authorization') ?? '');
  return (match?.[1] ?? '').split(';').filter(Boolean);
}

function splitRawTarget(target: string): { path: string; query?: string } {
  const at = target.indexOf('?');
  return at === -1 ? { path: target } : { path: target.slice(0, at), query: target.slice(at + 1) };
}

function alterFirstValue(query: string): string {
  const [first = '', ...rest] = query.split('&');
  const altered = first.includes('=') ? `${first}-altered` : `${first}=altered`;
  return [altered, ...rest].join('&');
}

function oneSecondLater(value: string): string {
  const later = new Date(parseAmzDate(value.trim()).getTime() + 1000);
  return later
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function parseAmzDate(value: string): Date {
  const iso = value.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z');
  return new Date(iso);
}

function attempt<T>(run: () => T): T | undefined {
  try {
    return run();
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  if (error instanceof AwsError) return `${error.status} ${error.errorType}: ${error.message.split('\n')[0]}`;
  return error instanceof Error ? error.message : String(error);
}
