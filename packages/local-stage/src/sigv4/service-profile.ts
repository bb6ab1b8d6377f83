import { AwsError } from '../errors';

/**
 * How one AWS front end answers a SigV4 failure. API Gateway answers 403; the JSON-protocol
 * ("coral") services such as SSM and DynamoDB answer 400. Most allow 5 minutes of clock skew,
 * DynamoDB 15 ("Signature expired: … (… - 15 min.)").
 */
export interface ServiceProfile {
  service: string;
  status: number;
  clockSkewMinutes: number;
  /** What the service says when a request carries no signature it recognises. */
  missingTokenMessage: string;
  /**
   * Coral services treat an `Authorization` header that does not start with `AWS4-` as no signature
   * at all; API Gateway parses whatever it gets and reports what is missing.
   */
  ignoresForeignAuthorization: boolean;
}

const API_GATEWAY: Omit<ServiceProfile, 'service'> = {
  status: 403,
  clockSkewMinutes: 5,
  missingTokenMessage: 'Missing Authentication Token',
  ignoresForeignAuthorization: false,
};

const CORAL: Omit<ServiceProfile, 'service'> = {
  status: 400,
  clockSkewMinutes: 5,
  missingTokenMessage: 'Request is missing Authentication Token',
  ignoresForeignAuthorization: true,
};

/**
 * The profile of the service an endpoint serves.
 *
 * @example
 * serviceProfile('dynamodb').clockSkewMinutes // 15
 */
export function serviceProfile(service: string): Readonly<ServiceProfile> {
  return FRONT_DOOR_PROFILES.get(service) ?? profileOf(service);
}

function profileOf(service: string): Readonly<ServiceProfile> {
  if (service === 'execute-api') return Object.freeze({ service, ...API_GATEWAY });
  if (service === 'dynamodb') return Object.freeze({ service, ...CORAL, clockSkewMinutes: 15 });
  return Object.freeze({ service, ...CORAL });
}

/** The services behind the front door, looked up on every request. */
const FRONT_DOOR_PROFILES = new Map(
  ['execute-api', 'ssm', 'dynamodb', 'sts'].map((service) => [service, profileOf(service)]),
);

/** The answers a verifier gives, each with the service's status. */
export const reject = {
  missingToken: (profile: ServiceProfile) =>
    new AwsError(profile.status, 'MissingAuthenticationTokenException', profile.missingTokenMessage),
  incomplete: (profile: ServiceProfile, message: string) =>
    new AwsError(profile.status, 'IncompleteSignatureException', message),
  invalid: (profile: ServiceProfile, message: string) =>
    new AwsError(profile.status, 'InvalidSignatureException', message),
  /** AWS quotes what it signed in the request's place, so a signer can find where it differs. */
  signatureMismatch: (profile: ServiceProfile, signed: { canonicalRequest: string; stringToSign: string }) =>
    new AwsError(
      profile.status,
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret ' +
        'Access Key and signing method. Consult the service documentation for details.\n\n' +
        `The Canonical String for this request should have been\n'${signed.canonicalRequest}'\n\n` +
        `The String-to-Sign should have been\n'${signed.stringToSign}'\n`,
    ),
  unrecognizedClient: (profile: ServiceProfile) =>
    new AwsError(
      profile.status,
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    ),
};
