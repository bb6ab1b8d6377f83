import { SignatureV4 } from '@smithy/signature-v4';
import type { Credentials } from '../../../src/types';
import { type RawRequest, requestBytes } from '../../fixtures/http/raw-exchange';
import { queryString, Sha256 } from '../../fixtures/sigv4/smithy';
import type { Flaw, FuzzCase } from './cases';

export const REGION = 'us-east-1';

/** What goes on the wire for a case, and whether it carries a valid signature by AWS's rules. */
export interface WireRequest {
  request: RawRequest;
  bytes: Buffer;
  /** A truncated or garbage request: the client closes its side once written. */
  endAfterWrite: boolean;
  /**
   * The oracle: signed by @smithy/signature-v4 (the AWS SDK's signer, independent of the stage) with
   * a key the stage issued, its own token, the right region and service, inside the clock window,
   * and sent without a change to anything the signature covers.
   */
  validlySigned: boolean;
}

const MINUTE = 60_000;
const SIGNING_SHIFT: Partial<Record<Flaw, number>> = {
  skewed: -4 * MINUTE,
  expired: -20 * MINUTE,
  future: 20 * MINUTE,
};
const OTHER_SERVICE = { 'execute-api': 'ssm', ssm: 'dynamodb', dynamodb: 'sts', sts: 'execute-api' } as const;

/**
 * Signs a case as its signer says (or not), applies its mutation and gives the bytes to send.
 *
 * @example
 * const wire = await wireRequest(fuzzCase, '127.0.0.1:4577', credentialsByPrincipal);
 */
export async function wireRequest(
  fuzzCase: FuzzCase,
  host: string,
  credentials: ReadonlyMap<string, Credentials>,
  now: Date,
): Promise<WireRequest> {
  const signed = await sign(fuzzCase, host, credentials, now);
  const request = mutate(fuzzCase, signed.request);
  const full = requestBytes(request);
  const { mutation } = fuzzCase;
  const bytes =
    mutation.kind === 'garbage'
      ? Buffer.from(mutation.bytes)
      : mutation.kind === 'truncate'
        ? full.subarray(0, Math.floor(full.length * mutation.fraction))
        : full;
  return {
    request,
    bytes,
    endAfterWrite: mutation.kind === 'garbage' || mutation.kind === 'truncate',
    validlySigned: signed.valid && (mutation.kind === 'none' || mutation.kind === 'extra-header'),
  };
}

async function sign(
  fuzzCase: FuzzCase,
  host: string,
  credentials: ReadonlyMap<string, Credentials>,
  now: Date,
): Promise<{ request: RawRequest; valid: boolean }> {
  const { signer } = fuzzCase;
  const headers: Array<[string, string]> = [['host', host], ...fuzzCase.headers];
  const unsigned = {
    request: {
      method: fuzzCase.method,
      target: targetOf(fuzzCase.path, fuzzCase.query),
      headers,
      body: fuzzCase.body,
    },
    valid: false,
  };
  if (signer.kind === 'unsigned') return unsigned;
  const own = credentials.get(signer.principal);
  if (!own) throw new Error(`no credentials for ${signer.principal}`);
  const key = flawed(own, signer.flaw);
  const smithy = new SignatureV4({
    service: signer.flaw === 'other-service' ? OTHER_SERVICE[fuzzCase.service] : fuzzCase.service,
    region: signer.flaw === 'other-region' ? 'eu-west-1' : REGION,
    credentials: key,
    sha256: Sha256,
    uriEscapePath: true,
    applyChecksum: false,
  });
  const toSign = {
    method: fuzzCase.method,
    protocol: 'http:',
    hostname: host,
    path: fuzzCase.path,
    query: queryObject(fuzzCase.query),
    headers: Object.fromEntries(headers),
    body: fuzzCase.body,
  };
  const signingDate = new Date(now.getTime() + (SIGNING_SHIFT[signer.flaw as Flaw] ?? 0));
  let signed: { query?: Record<string, unknown>; headers: Record<string, unknown> };
  try {
    // Presigned URLs are API Gateway's, and STS's GET (a presigned GetCallerIdentity proves an
    // identity to another party); the JSON services are called with an Authorization header.
    signed =
      signer.kind === 'presigned' && presignable(fuzzCase)
        ? await smithy.presign(toSign, { signingDate, expiresIn: 300 })
        : await smithy.sign(toSign, { signingDate });
  } catch {
    // A request the SDK's signer cannot sign is sent unsigned.
    return unsigned;
  }
  const query = Object.entries(signed.query ?? {}).flatMap(([name, value]) =>
    [value].flat().map((item): [string, string] => [name, String(item)]),
  );
  return {
    request: {
      method: fuzzCase.method,
      target: targetOf(fuzzCase.path, query),
      headers: Object.entries(signed.headers).map(([name, value]) => [name, String(value)]),
      body: fuzzCase.body,
    },
    valid:
      breaksSignature(signer.flaw, own) === false &&
      // @smithy/signature-v4 leaves a `__proto__` query parameter out of what it signs.
      !fuzzCase.query.some(([name]) => name === '__proto__'),
  };
}

function presignable(fuzzCase: FuzzCase): boolean {
  return fuzzCase.service === 'execute-api' || (fuzzCase.service === 'sts' && fuzzCase.method === 'GET');
}

function flawed(key: Credentials, flaw: Flaw | undefined): Credentials {
  switch (flaw) {
    case 'wrong-secret':
      return { ...key, secretAccessKey: `${key.secretAccessKey}x` };
    case 'unknown-key':
      return { ...key, accessKeyId: 'AKIAFUZZUNKNOWNKEY00' };
    case 'no-token':
      return { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
    case 'other-token':
      return { ...key, sessionToken: `${key.sessionToken ?? ''}fuzz` };
    default:
      return key;
  }
}

/** Whether the flaw makes AWS refuse the signature: dropping a token a long-term key never had does not. */
function breaksSignature(flaw: Flaw | undefined, key: Credentials): boolean {
  if (flaw === undefined || flaw === 'skewed') return false;
  if (flaw === 'no-token') return key.sessionToken !== undefined;
  return true;
}

/** Changes one thing the signature covers (or adds one it does not), after signing. */
function mutate(fuzzCase: FuzzCase, request: RawRequest): RawRequest {
  const { mutation } = fuzzCase;
  const headers = [...request.headers];
  switch (mutation.kind) {
    case 'extra-header':
      return { ...request, headers: [...headers, [mutation.name, mutation.value]] };
    case 'signature':
      return {
        ...request,
        target: request.target.replace(
          /(X-Amz-Signature=[0-9a-f]*)([0-9a-f])/,
          (_, head, last) => head + flip(last),
        ),
        headers: headers.map(([name, value]) => [
          name,
          name === 'authorization' ? value.replace(/([0-9a-f])$/, (last) => flip(last)) : value,
        ]),
      };
    case 'body':
      return { ...request, body: `${request.body ?? ''} ` };
    case 'path':
      return { ...request, target: request.target.replace(/^([^?]*)/, '$1x') };
    case 'query':
      return {
        ...request,
        target: `${request.target}${request.target.includes('?') ? '&' : '?'}fuzz-added=1`,
      };
    case 'method':
      return { ...request, method: request.method === 'GET' ? 'POST' : 'GET' };
    case 'date':
      return {
        ...request,
        target: request.target.replace(
          /(X-Amz-Date=\d{8}T\d{5})(\d)/,
          (_, head, last) => head + ((Number(last) + 1) % 10),
        ),
        headers: headers.map(([name, value]) => [
          name,
          name === 'x-amz-date' ? value.replace(/(\d)Z$/, (_, last) => `${(Number(last) + 1) % 10}Z`) : value,
        ]),
      };
    case 'drop-date':
      return {
        ...request,
        target: request.target.replace(/&?X-Amz-Date=[^&]*/, ''),
        headers: headers.filter(([name]) => name !== 'x-amz-date'),
      };
    default:
      return request;
  }
}

function flip(hex: string): string {
  return hex === '0' ? '1' : '0';
}

function targetOf(path: string, query: Array<[string, string]>): string {
  return query.length > 0 ? `${path}?${queryString(query)}` : path;
}

/** The query as smithy takes it: values of a repeated name in a list, names as own properties. */
function queryObject(pairs: Array<[string, string]>): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of pairs) {
    const existing = query[name];
    query[name] = existing === undefined ? value : [...[existing].flat(), value];
  }
  return query;
}
