import type { IssuedKey, Principal, ReceivedRequest } from '../types';
import { canonicalRequest } from './canonical-request';
import { type Credential, checkCredentialScope, parseCredential } from './credential-scope';
import { checkClockWindow, parseRequestTime, type RequestTime } from './request-time';
import { reject, type ServiceProfile, serviceProfile } from './service-profile';
import { readSignatureParams, type SignatureParams } from './signature-params';
import { ALGORITHM, constantTimeEquals, signatureOf, signingKey, stringToSign } from './signing';

export interface VerifyOptions {
  /** The service this endpoint is: `execute-api`, `ssm`, `dynamodb` (the AWS test suite uses `service`). */
  service: string;
  /** The stage's region. */
  region: string;
  lookupKey: (accessKeyId: string) => IssuedKey | undefined;
  /** Defaults to the system clock. */
  now?: () => Date;
  /** Every service but S3 signs the path encoded once more; the AWS test suite's `service` does not. */
  doubleEncodePath: boolean;
  /** Remove dot segments and merge slashes before signing; defaults to true for every service but S3. */
  normalizePath?: boolean;
}

export interface VerifiedRequest {
  principal: Principal;
  accessKeyId: string;
  /** Lower-case names of the headers the signature covers. */
  signedHeaders: string[];
  presigned: boolean;
  /** When the request was signed. */
  date: Date;
}

/** What the verifier signs in a request's place: the AWS error message quotes both on a mismatch. */
export interface SigningStrings {
  canonicalRequest: string;
  stringToSign: string;
}

/**
 * Verifies a SigV4 signature (Authorization header or presigned query) over the request exactly as
 * received, and returns the principal behind the access key. Checks run in the order AWS runs them,
 * so each failure gets AWS's status, type and message: parameters, date format and window, signed
 * host, algorithm, credential scope, access key, signature, then the session token.
 *
 * @example
 * const { principal } = verifyRequest(received, {
 *   service: 'execute-api', region: 'us-east-1', doubleEncodePath: true,
 *   lookupKey: (id) => keys.lookup(id),
 * });
 */
export function verifyRequest(request: ReceivedRequest, options: VerifyOptions): VerifiedRequest {
  const profile = serviceProfile(options.service);
  const params = readSignatureParams(request, profile);
  const time = parseRequestTime(params, profile);
  checkClockWindow(time, params, options.now?.() ?? new Date(), profile);
  requireSignedHost(params, profile);
  requireAlgorithm(params, profile);
  const credential = parseCredential(params.credential, profile);
  checkCredentialScope(credential, options, time, profile);
  const key = options.lookupKey(credential.accessKeyId);
  if (!key) throw reject.unrecognizedClient(profile);
  checkSignature(request, { params, time, credential, key }, options, profile);
  checkSessionToken(key, params.sessionToken, profile);
  return {
    principal: key.principal,
    accessKeyId: key.accessKeyId,
    signedHeaders: params.signedHeaders,
    presigned: params.presigned,
    date: time.date,
  };
}

/**
 * The canonical request and string to sign the verifier expects for a signed request, without
 * checking anything else: for diagnostics and the conformance suite.
 *
 * @example
 * signingStringsOf(received, { service: 'service', region: 'us-east-1', doubleEncodePath: false, lookupKey }).stringToSign
 */
export function signingStringsOf(request: ReceivedRequest, options: VerifyOptions): SigningStrings {
  const profile = serviceProfile(options.service);
  const params = readSignatureParams(request, profile);
  const time = parseRequestTime(params, profile);
  return signingStrings(request, params, time, parseCredential(params.credential, profile), options);
}

function signingStrings(
  request: ReceivedRequest,
  params: SignatureParams,
  time: RequestTime,
  credential: Credential,
  options: VerifyOptions,
): SigningStrings {
  const canonical = canonicalRequest(request, params.signedHeaders, {
    doubleEncodePath: options.doubleEncodePath,
    normalizePath: options.normalizePath ?? options.service !== 's3',
    presigned: params.presigned,
  });
  return {
    canonicalRequest: canonical,
    stringToSign: stringToSign(time.amzDate, credential.scope, canonical),
  };
}

interface Signed {
  params: SignatureParams;
  time: RequestTime;
  credential: Credential;
  key: IssuedKey;
}

function checkSignature(
  request: ReceivedRequest,
  signed: Signed,
  options: VerifyOptions,
  profile: ServiceProfile,
): void {
  const strings = signingStrings(request, signed.params, signed.time, signed.credential, options);
  const expected = signatureOf(
    signingKey(signed.key.secretAccessKey, signed.credential),
    strings.stringToSign,
  );
  if (!constantTimeEquals(signed.params.signature, expected))
    throw reject.signatureMismatch(profile, strings);
}

/** Without the host in the signature, a signed request could be replayed against any endpoint. */
function requireSignedHost(params: SignatureParams, profile: ServiceProfile): void {
  if (!params.signedHeaders.some((name) => name === 'host' || name === ':authority')) {
    throw reject.invalid(
      profile,
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
  }
}

function requireAlgorithm(params: SignatureParams, profile: ServiceProfile): void {
  if (params.algorithm !== ALGORITHM) {
    throw reject.incomplete(
      profile,
      `Unsupported AWS 'algorithm': '${params.algorithm}' (only ${ALGORITHM} for now). `,
    );
  }
}

/**
 * Temporary credentials are the key and its session token together: a request must carry the very
 * token the key was issued with, and a long-term key no token at all. AWS checks this after the
 * signature, so an altered signed token reads as a bad signature.
 */
function checkSessionToken(key: IssuedKey, token: string | undefined, profile: ServiceProfile): void {
  if (!constantTimeEquals(token ?? '', key.sessionToken ?? '')) throw reject.unrecognizedClient(profile);
}
