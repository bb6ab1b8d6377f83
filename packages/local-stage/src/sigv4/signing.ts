import { createHmac, createSecretKey, hash, type KeyObject, timingSafeEqual } from 'node:crypto';
import type { Credential } from './credential-scope';

export const ALGORITHM = 'AWS4-HMAC-SHA256';

/**
 * The string to sign: algorithm, request time, credential scope, hash of the canonical request.
 *
 * @example
 * stringToSign('20150830T123600Z', '20150830/us-east-1/service/aws4_request', canonical)
 */
export function stringToSign(amzDate: string, scope: string, canonicalRequest: string): string {
  return `${ALGORITHM}\n${amzDate}\n${scope}\n${hash('sha256', canonicalRequest, 'hex')}`;
}

/** Derived keys are valid for a day, region and service; deriving one costs four HMACs. */
const MAX_CACHED_KEYS = 256;
const signingKeys = new Map<string, Buffer>();
/** Each cached key as a key object too, which HMACs without copying the key in again. */
const keyObjects = new WeakMap<Buffer, KeyObject>();

/**
 * The signing key `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`,
 * cached per secret and scope.
 *
 * @example
 * signingKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', credential)
 */
export function signingKey(secretAccessKey: string, credential: Credential): Buffer {
  const cacheKey = `${credential.scope}\n${secretAccessKey}`;
  const cached = signingKeys.get(cacheKey);
  if (cached) return cached;
  let key: Buffer = Buffer.from(`AWS4${secretAccessKey}`, 'utf8');
  for (const part of [credential.date, credential.region, credential.service, credential.terminator]) {
    key = hmac(key, part);
  }
  if (signingKeys.size >= MAX_CACHED_KEYS) signingKeys.clear();
  signingKeys.set(cacheKey, key);
  keyObjects.set(key, createSecretKey(key));
  return key;
}

/**
 * Hex HMAC-SHA256 of the string to sign.
 *
 * @example
 * signatureOf(signingKey(secret, credential), stringToSign(amzDate, scope, canonical)) // '5fa00fa3…'
 */
export function signatureOf(key: Buffer, toSign: string): string {
  return createHmac('sha256', keyObjects.get(key) ?? key)
    .update(toSign, 'utf8')
    .digest('hex');
}

/**
 * Compares secrets (signatures, session tokens) in constant time, so response timing says nothing
 * about how much of one matched.
 *
 * @example
 * constantTimeEquals('abc', 'abd') // false
 */
export function constantTimeEquals(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function hmac(key: Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}
