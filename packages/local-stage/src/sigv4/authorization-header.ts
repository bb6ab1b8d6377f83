import { createHash } from 'node:crypto';
import type { ReceivedRequest } from '../types';
import { firstHeader, signedHeaderNames } from './raw-request';
import { reject, type ServiceProfile } from './service-profile';
import type { SignatureParams } from './signature-params';

/**
 * Reads `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` and the date
 * headers. Coral services treat a header that is not `AWS4-…` as no signature; API Gateway parses
 * whatever it gets and names what is missing.
 *
 * @example
 * fromAuthorizationHeader(request, request.headers[1][1], serviceProfile('ssm')).credential // 'AKIA…/20150830/us-east-1/ssm/aws4_request'
 */
export function fromAuthorizationHeader(
  request: ReceivedRequest,
  header: string,
  profile: ServiceProfile,
): SignatureParams {
  if (profile.ignoresForeignAuthorization && !header.trim().startsWith('AWS4-'))
    throw reject.missingToken(profile);
  const { algorithm, pairs } = parseAuthorization(header, profile);
  const amzDate = firstHeader(request, 'x-amz-date');
  const timestamp = amzDate ?? firstHeader(request, 'date');
  const missing = missingParts(pairs, timestamp !== undefined);
  // AWS once echoed the header here; it now echoes its hash, which keeps signatures out of answers.
  if (missing.length > 0) {
    throw reject.incomplete(
      profile,
      `${missing.join(' ')} (Hashed with SHA-256 and encoded with Base64) Authorization=${hashOf(header)}`,
    );
  }
  return {
    presigned: false,
    algorithm,
    credential: pairs.get('Credential') ?? '',
    signedHeaders: signedHeaderNames(pairs.get('SignedHeaders') ?? ''),
    signature: pairs.get('Signature') ?? '',
    timestamp: timestamp ?? '',
    timestampSource: amzDate !== undefined ? 'x-amz-date' : 'date',
    sessionToken: firstHeader(request, 'x-amz-security-token'),
  };
}

/**
 * The algorithm, then `key=value` pairs separated by commas or whitespace; the last of a repeated
 * key wins. A bearer token sent to an IAM method fails here, as it does on API Gateway.
 */
function parseAuthorization(header: string, profile: ServiceProfile) {
  const trimmed = header.trim();
  const space = trimmed.search(/\s/);
  const algorithm = space === -1 ? trimmed : trimmed.slice(0, space);
  if (algorithm.includes('=')) {
    throw reject.incomplete(
      profile,
      'Authorization header must begin with the algorithm name, which cannot include an equal-sign',
    );
  }
  const pairs = new Map<string, string>();
  for (const token of space === -1 ? [] : trimmed.slice(space + 1).split(/[\s,]+/)) {
    if (token === '') continue;
    const at = token.indexOf('=');
    if (at === -1) {
      throw reject.incomplete(
        profile,
        `Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '${hashOf(header)}'.`,
      );
    }
    pairs.set(token.slice(0, at), token.slice(at + 1));
  }
  return { algorithm, pairs };
}

/** AWS's sentence for each missing part, in AWS's order. */
function missingParts(pairs: Map<string, string>, hasDate: boolean): string[] {
  const parts = ['Credential', 'Signature', 'SignedHeaders']
    .filter((name) => !pairs.get(name))
    .map((name) => `Authorization header requires '${name}' parameter.`);
  if (!hasDate)
    parts.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  return parts;
}

function hashOf(header: string): string {
  return createHash('sha256').update(header, 'utf8').digest('base64');
}
