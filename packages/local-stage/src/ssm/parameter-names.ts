import { AwsError } from '../errors';

/**
 * SSM parameter names, selectors and ARNs, with the rules and messages of AWS's
 * "Requirements and constraints for parameter names".
 */

/** A name as a request gives it: the name itself and an optional `:version` or `:label` selector. */
export interface ParameterReference {
  name: string;
  selector?: string;
}

const ALLOWED = /^[a-zA-Z0-9_.\-/]+$/;
const MAX_DEPTH = 15;
const MAX_LENGTH = 1011;

/**
 * Splits what a caller passed as `Name`, a plain name or a parameter ARN, into the name and selector.
 * A name never contains `:`, so anything after the first one (after the ARN's resource, for an ARN)
 * is a selector. For an ARN, `parameter/a/b` is the name `/a/b` and `parameter/a` is the name `a`.
 *
 * @example
 * parseReference('/local/users/url:3'); // { name: '/local/users/url', selector: ':3' }
 */
export function parseReference(given: string): ParameterReference {
  const arn = /^arn:[^:]+:ssm:[^:]*:[^:]*:parameter\/(.*)$/s.exec(given);
  const bare = arn ? arnResourceName(arn[1] ?? '') : given;
  const colon = bare.indexOf(':');
  if (colon === -1) return { name: bare };
  return { name: bare.slice(0, colon), selector: bare.slice(colon) };
}

function arnResourceName(resource: string): string {
  const name = resource.split(':')[0] ?? '';
  return name.includes('/') ? `/${resource}` : resource;
}

/**
 * The ARN of a parameter (or of a path, for GetParametersByPath):
 * `arn:aws:ssm:{region}:{account}:parameter/{name without its leading slash}`.
 *
 * @example
 * parameterArn('/local/users/url', 'us-east-1', '000000000000'); // 'arn:aws:ssm:us-east-1:000000000000:parameter/local/users/url'
 */
export function parameterArn(name: string, region: string, accountId: string): string {
  return `arn:aws:ssm:${region}:${accountId}:parameter/${name.replace(/^\//, '')}`;
}

/**
 * A name with `/` must start with it, whatever the operation: AWS's "fully qualified name" rule.
 *
 * @example
 * assertQualified('local/users/url'); // throws ValidationException "Parameter name must be a fully qualified name."
 */
export function assertQualified(name: string): void {
  if (name.includes('/') && !name.startsWith('/')) {
    throw new AwsError(400, 'ValidationException', 'Parameter name must be a fully qualified name.');
  }
}

/**
 * Everything PutParameter checks of a new name: qualified, allowed characters, not in the reserved
 * `aws`/`ssm` namespaces, at most 15 levels deep.
 *
 * @example
 * assertValidNewName('/local/users/url'); // passes
 */
export function assertValidNewName(name: string): void {
  assertQualified(name);
  const first = name.replace(/^\//, '').split('/')[0]?.toLowerCase() ?? '';
  const malformed = !ALLOWED.test(name) || name.includes('//') || name.endsWith('/');
  if (malformed || first.startsWith('aws') || first.startsWith('ssm')) {
    throw new AwsError(
      400,
      'ValidationException',
      'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive). If formed as a path, it can ' +
        'consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers ' +
        'and the following 3 symbols .-_',
    );
  }
  if (name.length > MAX_LENGTH) {
    throw new AwsError(
      400,
      'ValidationException',
      `Parameter name: can't be longer than ${MAX_LENGTH} characters.`,
    );
  }
  if (name.split('/').filter(Boolean).length > MAX_DEPTH) {
    throw new AwsError(
      400,
      'HierarchyLevelLimitExceededException',
      'A hierarchy can have a maximum of 15 levels.',
    );
  }
}

/**
 * GetParametersByPath's `Path`: starts with `/`, no empty sub-path, allowed characters only.
 *
 * @example
 * assertValidPath('/local/users'); // passes
 */
export function assertValidPath(path: string): void {
  if (path.startsWith('/') && !path.includes('//') && ALLOWED.test(path)) return;
  throw new AwsError(
    400,
    'ValidationException',
    'The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/". ' +
      'It can\'t be prefixed with "aws" or "ssm" (case-insensitive). It must use only letters, numbers, or the ' +
      'following symbols: . (period), - (hyphen), _ (underscore). Special characters are not allowed. All ' +
      'sub-paths, if specified, must use the forward slash symbol "/". Valid example: /get/parameters2-/by1./path0_.',
  );
}
