/** SigV4 verification as AWS performs it, over requests exactly as they were received. */
export { hasSignature } from './signature-params';
export {
  type SigningStrings,
  signingStringsOf,
  type VerifiedRequest,
  type VerifyOptions,
  verifyRequest,
} from './verify';
