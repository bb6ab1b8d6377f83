import type { CheckResult } from './check-result';
import { parseRawHttp, type RawHttpRequest } from './raw-http';
import type { SuiteCase } from './suite-files';
import { SUITE_CREDENTIALS, SUITE_REGION, SUITE_SERVICE } from './suite-inputs';

/** The signed client's API, as its package exports it. */
type SignRequest = (
  request: { method: string; url: string; headers: Record<string, string>; body?: string },
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  options: { service: string; region: string; doubleEncodePath?: boolean; now?: () => Date },
) => Record<string, string> | Promise<Record<string, string>>;

// A variable, so a missing or unfinished package is a failed check here, not a crash of the whole run.
const SIGNED_CLIENT = '@internal-apis/signed-client';

/** The signer as loaded, or why it could not be. */
export type Signer = SignRequest | string;

/**
 * Loads `signRequest` from the signed client; a package that is missing or unfinished yields the
 * reason, so each case reports it instead of the run crashing.
 */
export async function loadSigner(): Promise<Signer> {
  try {
    const loaded: Record<string, unknown> = await import(SIGNED_CLIENT);
    const signRequest =
      loaded.signRequest ?? (loaded.default as Record<string, unknown> | undefined)?.signRequest;
    if (typeof signRequest === 'function') return signRequest as SignRequest;
    return `${SIGNED_CLIENT} does not export signRequest (yet)`;
  } catch (error) {
    return `${SIGNED_CLIENT} cannot be loaded: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  }
}

/** The signer against one case: `signRequest` on `NAME.req` must produce `NAME.authz`. */
export async function signerCheck(suiteCase: SuiteCase, signer: Signer): Promise<CheckResult> {
  const check = 'signer produces .authz from .req';
  if (typeof signer === 'string') return { caseName: suiteCase.name, check, ok: false, detail: signer };
  return { caseName: suiteCase.name, check, ...(await signedAsExpected(suiteCase, signer)) };
}

async function signedAsExpected(
  suiteCase: SuiteCase,
  signRequest: SignRequest,
): Promise<{ ok: boolean; detail?: string }> {
  try {
    const raw = parseRawHttp(suiteCase.req);
    const headers = headerRecord(raw);
    const signedAt = amzDate(headers);
    const signed = await signRequest(
      {
        method: raw.method,
        url: `https://${headers.Host ?? headers.host}${raw.target}`,
        headers,
        body: bodyOf(raw),
      },
      credentialsFor(suiteCase),
      { service: SUITE_SERVICE, region: SUITE_REGION, doubleEncodePath: false, now: () => signedAt },
    );
    const authorization = Object.entries(signed).find(
      ([name]) => name.toLowerCase() === 'authorization',
    )?.[1];
    if (authorization === suiteCase.authz) return { ok: true };
    return {
      ok: false,
      detail: `got ${JSON.stringify(authorization)}, expected ${JSON.stringify(suiteCase.authz)}`,
    };
  } catch (error) {
    return {
      ok: false,
      detail: `signRequest threw: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** Headers as a record; a repeated header becomes one value joined with `,`, which signs the same. */
function headerRecord(raw: RawHttpRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of raw.headers) {
    const existing = Object.keys(headers).find((key) => key.toLowerCase() === name.toLowerCase());
    if (existing) headers[existing] = `${headers[existing]},${value.trim()}`;
    else headers[name] = value.trim();
  }
  return headers;
}

/** The README: the session token is the `.creq`'s `x-amz-security-token` line, where there is one. */
function credentialsFor(suiteCase: SuiteCase): {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
} {
  const token = /^x-amz-security-token:(.*)$/m.exec(suiteCase.creq)?.[1];
  return token === undefined ? { ...SUITE_CREDENTIALS } : { ...SUITE_CREDENTIALS, sessionToken: token };
}

function amzDate(headers: Record<string, string>): Date {
  const value = Object.entries(headers).find(([name]) => name.toLowerCase() === 'x-amz-date')?.[1] ?? '';
  return new Date(value.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
}

function bodyOf(raw: RawHttpRequest): string | undefined {
  return raw.body.length > 0 ? raw.body.toString('utf8') : undefined;
}
