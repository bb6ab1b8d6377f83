import {
  DiscoveryAccessDeniedError,
  DiscoveryConfigError,
  type DiscoveryError,
  DiscoveryRequestError,
  InvalidServiceUrlError,
  ServiceNotFoundError,
} from './errors';

// SSM parameter names allow letters, digits and `_.-` between the slashes; anything else would make
// GetParameter fail with a ValidationException that hides the real mistake.
const SERVICE_NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * The SSM parameter a service publishes its base URL to.
 *
 * @example
 * urlParameterName('dev', 'users'); // '/dev/users/url'
 */
export function urlParameterName(stage: string, service: string): string {
  if (!SERVICE_NAME.test(service)) {
    throw new DiscoveryConfigError(
      `Service name ${JSON.stringify(service)} is not valid in an SSM parameter name (use letters, digits, _ . -).`,
    );
  }
  return `/${stage}/${service}/url`;
}

/**
 * Checks that a parameter value is an http(s) URL and drops trailing slashes, so callers can append
 * `/users/42` without producing `//users/42` (API Gateway treats that as a different resource path).
 *
 * @example
 * parseServiceUrl('/dev/users/url', 'https://abc.execute-api.us-east-1.amazonaws.com/dev/');
 * // 'https://abc.execute-api.us-east-1.amazonaws.com/dev'
 */
export function parseServiceUrl(parameterName: string, value: string | undefined): string {
  const trimmed = value?.trim() ?? '';
  if (!URL.canParse(trimmed)) throw new InvalidServiceUrlError(parameterName, value);
  const { protocol, hostname } = new URL(trimmed);
  if ((protocol !== 'https:' && protocol !== 'http:') || hostname === '') {
    throw new InvalidServiceUrlError(parameterName, value);
  }
  return trimmed.replace(/\/+$/, '');
}

/**
 * Turns an SSM SDK error into a discovery error that says what to check. The SDK names its
 * exceptions by error code (`ParameterNotFound`, `AccessDeniedException`), so the name is compared
 * rather than the class, which also lets tests throw plain errors.
 *
 * @example
 * throw toDiscoveryError(err, '/dev/users/url', 'dev');
 */
export function toDiscoveryError(error: unknown, parameterName: string, stage: string): DiscoveryError {
  const name = error instanceof Error ? error.name : undefined;
  if (name === 'ParameterNotFound') return new ServiceNotFoundError(parameterName, stage, { cause: error });
  if (name === 'AccessDeniedException') {
    const arn = deniedParameterArn(error instanceof Error ? error.message : '', parameterName);
    return new DiscoveryAccessDeniedError(parameterName, arn, { cause: error });
  }
  return new DiscoveryRequestError(parameterName, error);
}

/**
 * The ARN IAM checked. AWS's AccessDenied message names it ("… on resource: arn:aws:ssm:…"); when it
 * does not, the ARN is built from the caller's partition (aws, aws-cn, aws-us-gov), region and
 * account as far as they are known.
 */
function deniedParameterArn(awsMessage: string, parameterName: string): string {
  const named = /on resource: (arn:\S+)/.exec(awsMessage)?.[1];
  if (named) return named;
  const caller = /arn:(aws[a-z-]*):(?:sts|iam)::(\d{12}):/.exec(awsMessage);
  const partition = caller?.[1] ?? 'aws';
  const account = caller?.[2] ?? '{account}';
  const region = process.env.AWS_REGION ?? '{region}';
  return `arn:${partition}:ssm:${region}:${account}:parameter${parameterName}`;
}
