import { randomBytes } from 'node:crypto';

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomFrom(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

/**
 * An id in the shape AWS uses for the kind, e.g. `ASIA…` for a temporary access key.
 * IAM ids are 20 characters: a 4-letter prefix and 16 of base32.
 *
 * @example awsId('AROA') // 'AROAQ5X…'
 */
export function awsId(prefix: 'AKIA' | 'ASIA' | 'AROA' | 'AIDA'): string {
  return prefix + randomFrom(UPPER_ALNUM, 16);
}

/** A REST API or resource id: 10 lower-case alphanumerics, as API Gateway makes them. */
export function apiGatewayId(): string {
  return randomFrom(LOWER_ALNUM, 10);
}

/** A secret access key: 40 characters of base64. */
export function secretKey(): string {
  return randomBytes(30).toString('base64');
}

/** A session token; AWS's are opaque base64, far longer than keys. */
export function sessionToken(): string {
  return randomBytes(96).toString('base64');
}
