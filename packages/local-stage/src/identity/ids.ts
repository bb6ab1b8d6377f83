import { createHash, randomBytes } from 'node:crypto';

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomFrom(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

/**
 * An id in the shape AWS uses for the kind, e.g. `ASIA…` for a temporary access key, `ANPA…` for a
 * managed policy.
 * IAM ids are 20 characters: a 4-letter prefix and 16 of base32.
 *
 * @example awsId('AROA') // 'AROAQ5X…'
 */
export function awsId(prefix: 'AKIA' | 'ASIA' | 'AROA' | 'AIDA' | 'ANPA'): string {
  return prefix + randomFrom(UPPER_ALNUM, 16);
}

/**
 * A REST API or resource id: 10 lower-case alphanumerics, as API Gateway makes them. Given a seed, the
 * same id every time: a stack keeps its API ids, and so its URLs, across restarts of the stage, as a
 * deployed stack keeps them across deployments.
 *
 * @example apiGatewayId('000000000000/us-east-1/users-local/ApiGatewayRestApi') // 'k3q…', always
 */
export function apiGatewayId(seed?: string): string {
  if (seed === undefined) return randomFrom(LOWER_ALNUM, 10);
  const digest = createHash('sha256').update(seed).digest();
  let out = '';
  for (const byte of digest.subarray(0, 10)) out += LOWER_ALNUM[byte % LOWER_ALNUM.length];
  return out;
}

/** A secret access key: 40 characters of base64. */
export function secretKey(): string {
  return randomBytes(30).toString('base64');
}

/** A session token; AWS's are opaque base64, far longer than keys. */
export function sessionToken(): string {
  return randomBytes(96).toString('base64');
}
