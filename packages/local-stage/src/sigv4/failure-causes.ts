import type { IssuedKey, ReceivedRequest } from '../types';
import { payloadHash } from './canonical-request';
import { headerValues, splitTarget } from './raw-request';
import { type ServiceProfile, serviceProfile } from './service-profile';
import { readSignatureParams, type SignatureParams } from './signature-params';

/** One likely reason a signature was refused, with what in the request points to it. */
export interface SignatureCause {
  cause:
    | 'region'
    | 'service'
    | 'clock-skew'
    | 'body-changed'
    | 'header-changed'
    | 'path-encoded-twice'
    | 'path-encoding'
    | 'query-encoding'
    | 'unknown-key'
    | 'session-token'
    | 'secret-key'
    | 'incomplete';
  /** `likely`: the request shows it; `possible`: consistent with it, not proven. */
  likelihood: 'likely' | 'possible';
  text: string;
}

/** Why a signature failed, as far as the request shows: the causes, most likely first. */
export interface SignatureDiagnosis {
  errorType: string;
  /** The signed request's scope and clock, when it could be read. */
  scope?: { accessKeyId: string; date: string; region: string; service: string };
  /** Seconds between the request's signing time and the stage's clock (positive: signed in the past). */
  skewSeconds?: number;
  causes: SignatureCause[];
  /** One line: the first cause, or what AWS said. */
  summary: string;
}

export interface DiagnoseOptions {
  /** The service this endpoint serves and the stage's region: what the scope should name. */
  service: string;
  region: string;
  now: Date;
  /** The stage's keys, to tell an unknown key from a missing session token. */
  lookupKey?: (accessKeyId: string) => IssuedKey | undefined;
}

/**
 * The likely causes of a refused signature, ranked by what the received request shows. Which part of
 * the canonical request differs cannot be known (only the signer's side has its canonical request),
 * but a request often says enough: a scope naming another region or service, a clock off by minutes
 * (measured), a body whose hash differs from the `x-amz-content-sha256` that was signed, a path with
 * `%25` (encoded twice), headers proxies and clients rewrite after signing. The answer on the wire is
 * not changed: this is for the stage's log and `--explain`.
 *
 * @example
 * diagnoseSignature(request, { errorType: 'InvalidSignatureException', message: '…' }, { service: 'execute-api', region: 'us-east-1', now: new Date() }).causes[0];
 * // { cause: 'region', likelihood: 'likely', text: 'signed for region eu-west-1; this endpoint is us-east-1 …' }
 */
export function diagnoseSignature(
  request: ReceivedRequest,
  error: { errorType: string; message: string },
  options: DiagnoseOptions,
): SignatureDiagnosis {
  const profile = serviceProfile(options.service);
  const params = readParams(request, profile);
  const causes: SignatureCause[] = [];
  let scope: SignatureDiagnosis['scope'];
  let skewSeconds: number | undefined;
  if (params) {
    const [accessKeyId = '', date = '', region = '', service = ''] = params.credential.split('/');
    scope = { accessKeyId, date, region, service };
    if (region !== options.region) {
      causes.push(
        likely(
          'region',
          `signed for region ${region || '(none)'}; this endpoint is ${options.region}: sign with the stage's region (AWS_REGION)`,
        ),
      );
    }
    if (service !== options.service) {
      causes.push(
        likely(
          'service',
          `signed for service ${service || '(none)'}; this endpoint is ${options.service}${serviceHint(service, options.service)}`,
        ),
      );
    }
    skewSeconds = skewOf(params, options.now);
    if (skewSeconds !== undefined) causes.push(...clockCause(skewSeconds, profile, params));
    causes.push(...keyCauses(error.errorType, params, accessKeyId, options));
    causes.push(...bodyCauses(request));
    causes.push(...pathCauses(request));
    causes.push(...headerCauses(request, params));
  } else if (error.errorType === 'IncompleteSignatureException') {
    causes.push(likely('incomplete', `the signature is incomplete: ${firstLine(error.message)}`));
  }
  if (error.errorType === 'InvalidSignatureException' && /does not match/.test(error.message)) {
    if (!causes.some((cause) => cause.likelihood === 'likely')) {
      causes.push(
        possible(
          'header-changed',
          'the method, path, query string or a signed header changed between signing and sending (a proxy, a redirect, a client that adds or rewrites headers)',
        ),
      );
    }
    causes.push(
      possible(
        'secret-key',
        'signed with another secret key for this access key id (credentials of another stage run, or mixed up)',
      ),
    );
  }
  const ranked = [
    ...causes.filter((cause) => cause.likelihood === 'likely'),
    ...causes.filter((cause) => cause.likelihood === 'possible'),
  ];
  return {
    errorType: error.errorType,
    ...(scope ? { scope } : {}),
    ...(skewSeconds !== undefined ? { skewSeconds } : {}),
    causes: ranked,
    summary: ranked[0] ? `${ranked[0].likelihood}: ${ranked[0].text}` : firstLine(error.message),
  };
}

const likely = (cause: SignatureCause['cause'], text: string): SignatureCause => ({
  cause,
  likelihood: 'likely',
  text,
});
const possible = (cause: SignatureCause['cause'], text: string): SignatureCause => ({
  cause,
  likelihood: 'possible',
  text,
});

function readParams(request: ReceivedRequest, profile: ServiceProfile): SignatureParams | undefined {
  try {
    return readSignatureParams(request, profile);
  } catch {
    return undefined;
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

function serviceHint(signed: string, expected: string): string {
  if (expected === 'execute-api' && signed === 'apigateway')
    return ': apigateway is the management API; calls to an API are signed for execute-api';
  return `: sign for ${expected}`;
}

/** Seconds from the signing time to now, from `X-Amz-Date` (or `Date`). */
function skewOf(params: SignatureParams, now: Date): number | undefined {
  const text = params.timestamp;
  const basic = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  const millis = basic
    ? Date.UTC(
        Number(basic[1]),
        Number(basic[2]) - 1,
        Number(basic[3]),
        Number(basic[4]),
        Number(basic[5]),
        Number(basic[6]),
      )
    : Date.parse(text);
  return Number.isNaN(millis) ? undefined : Math.round((now.getTime() - millis) / 1000);
}

function clockCause(skew: number, profile: ServiceProfile, params: SignatureParams): SignatureCause[] {
  const window = profile.clockSkewMinutes * 60;
  const expires = params.presigned && params.expires !== undefined ? Number(params.expires) : undefined;
  const late = expires !== undefined ? skew > expires : skew > window;
  const early = skew < -window;
  const measured = `${Math.abs(skew)} s ${skew >= 0 ? 'behind' : 'ahead of'} the stage's clock`;
  if (late && expires !== undefined)
    return [likely('clock-skew', `the presigned URL expired: signed ${measured}, valid ${expires} s`)];
  if (late || early) {
    return [
      likely(
        'clock-skew',
        `clock skew: the request was signed ${measured}; AWS allows ±${profile.clockSkewMinutes} min (check the signer's clock, or a request replayed or held back)`,
      ),
    ];
  }
  return [];
}

function keyCauses(
  errorType: string,
  params: SignatureParams,
  accessKeyId: string,
  options: DiagnoseOptions,
): SignatureCause[] {
  if (errorType !== 'UnrecognizedClientException' && errorType !== 'InvalidClientTokenId') return [];
  const key = options.lookupKey?.(accessKeyId);
  if (!key) {
    return [
      likely(
        'unknown-key',
        `the access key ${accessKeyId} is not one this stage issued: every start issues new keys, so re-read .local-stage/credentials (or the function's environment) after a restart`,
      ),
    ];
  }
  if (key.sessionToken && !params.sessionToken)
    return [
      likely(
        'session-token',
        `${accessKeyId} is a temporary key: send its session token as X-Amz-Security-Token`,
      ),
    ];
  if (key.sessionToken && params.sessionToken !== key.sessionToken)
    return [
      likely(
        'session-token',
        `the session token sent is not the one issued with ${accessKeyId} (changed after signing, or from another session)`,
      ),
    ];
  if (!key.sessionToken && params.sessionToken)
    return [
      likely('session-token', `${accessKeyId} is a long-term key: send no X-Amz-Security-Token with it`),
    ];
  return [];
}

/** A signed body hash that differs from the body received proves the body changed after signing. */
function bodyCauses(request: ReceivedRequest): SignatureCause[] {
  const declared = headerValues(request, 'x-amz-content-sha256')[0];
  if (declared && /^[0-9a-f]{64}$/i.test(declared)) {
    const actual = payloadHash(request.body);
    if (actual !== declared.toLowerCase()) {
      return [
        likely(
          'body-changed',
          `the body changed after signing: x-amz-content-sha256 is ${declared.slice(0, 12)}…, the ${request.body.length}-byte body received hashes to ${actual.slice(0, 12)}… (re-serialized JSON, a charset conversion, a proxy)`,
        ),
      ];
    }
    return [];
  }
  if (request.body.length === 0) return [];
  const type = headerValues(request, 'content-type')[0] ?? '';
  const json = /json/i.test(type);
  const spaced =
    json &&
    /^\s*[[{]/.test(request.body.toString('utf8', 0, 2)) &&
    /[:,] /.test(request.body.toString('utf8', 0, 200));
  return [
    possible(
      'body-changed',
      `the ${request.body.length}-byte body may differ from the one signed${spaced ? " (it is JSON written with spaces, as another serializer than the signer's would write it)" : json ? ' (JSON serialized again after signing: sign the exact bytes sent)' : ''}`,
    ),
  ];
}

function pathCauses(request: ReceivedRequest): SignatureCause[] {
  const { path, query } = splitTarget(request.target);
  const causes: SignatureCause[] = [];
  if (/%25[0-9A-Fa-f]{2}/.test(path)) {
    causes.push(
      likely(
        'path-encoded-twice',
        `the path is percent-encoded twice (${(/%25[0-9A-Fa-f]{2}/.exec(path) ?? [''])[0]} is an encoded %): encode each segment once; the signer encodes it again for the canonical request`,
      ),
    );
  } else if (/%[0-9A-Fa-f]{2}/.test(path)) {
    causes.push(
      possible(
        'path-encoding',
        'the path carries percent-encoded characters: every service but S3 signs the path encoded once more (a signer in S3 mode, or one that decodes first, signs another path)',
      ),
    );
  } else if (/[^A-Za-z0-9\-._~/!$&'()*+,;=:@%]/.test(path)) {
    causes.push(
      possible(
        'path-encoding',
        'the path carries characters sent unencoded: the signer may have encoded them differently from the client that sent them',
      ),
    );
  }
  if (/[+*!'()]|%20/.test(query)) {
    causes.push(
      possible(
        'query-encoding',
        "the query string carries '+', '%20', '*' or other characters signers encode differently: sign the query exactly as sent (RFC 3986, space as %20)",
      ),
    );
  }
  return causes;
}

/** Headers that clients, proxies and HTTP stacks add or rewrite after a request is signed. */
const REWRITTEN = [
  'content-type',
  'user-agent',
  'accept-encoding',
  'connection',
  'content-length',
  'transfer-encoding',
  'expect',
  'x-forwarded-for',
];

function headerCauses(request: ReceivedRequest, params: SignatureParams): SignatureCause[] {
  const causes: SignatureCause[] = [];
  const repeated = params.signedHeaders.filter((name) => headerValues(request, name).length > 1);
  if (repeated.length > 0) {
    causes.push(
      likely(
        'header-changed',
        `signed header${repeated.length > 1 ? 's' : ''} ${repeated.join(', ')} arrived more than once: a hop added a copy after signing`,
      ),
    );
  }
  const missing = params.signedHeaders.filter(
    (name) => headerValues(request, name).length === 0 && name !== ':authority',
  );
  if (missing.length > 0) {
    causes.push(
      likely(
        'header-changed',
        `signed header${missing.length > 1 ? 's' : ''} ${missing.join(', ')} did not arrive: removed after signing`,
      ),
    );
  }
  const rewritten = params.signedHeaders.filter((name) => REWRITTEN.includes(name));
  if (rewritten.length > 0) {
    const charset =
      /charset=/i.test(headerValues(request, 'content-type')[0] ?? '') && rewritten.includes('content-type');
    causes.push(
      possible(
        'header-changed',
        `signed header${rewritten.length > 1 ? 's' : ''} ${rewritten.join(', ')} ${rewritten.length > 1 ? 'are' : 'is'} often set or rewritten by the HTTP client after signing${charset ? ' (a charset added to Content-Type)' : ''}`,
      ),
    );
  }
  return causes;
}
