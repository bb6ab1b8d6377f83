import { AwsError } from '../errors';

/**
 * SSM parameter names, selectors and ARNs, with the rules and messages of AWS's
 * "Requirements and constraints for parameter names".
 */

/** A name as a request gives it: the name itself and an optional `:version` or `:label` selector. */
export interface ParameterReference {
  name: string;
  selector?: string;
  /** Where a parameter ARN says the parameter lives; absent for a plain name (the caller's own). */
  owner?: { partition: string; region: string; accountId: string };
}

/** The region and account whose parameters a stage serves. */
export interface ParameterHome {
  region: string;
  accountId: string;
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
  const arn = /^arn:([^:]+):ssm:([^:]*):([^:]*):parameter\/(.*)$/s.exec(given);
  const owner = arn ? { partition: arn[1] ?? '', region: arn[2] ?? '', accountId: arn[3] ?? '' } : undefined;
  const bare = arn ? arnResourceName(arn[4] ?? '') : given;
  const colon = bare.indexOf(':');
  const named = colon === -1 ? { name: bare } : { name: bare.slice(0, colon), selector: bare.slice(colon) };
  return owner ? { ...named, owner } : named;
}

/**
 * The ARN IAM authorizes a reference on: the parameter ARN as the caller named it (its account and
 * region, without the `:version` selector IAM does not see), or this stage's for a plain name.
 *
 * @example
 * referenceArn(parseReference('arn:aws:ssm:us-east-1:111111111111:parameter/shared/url:2'), { region: 'us-east-1', accountId: '000000000000' });
 * // 'arn:aws:ssm:us-east-1:111111111111:parameter/shared/url'
 */
export function referenceArn(reference: ParameterReference, home: ParameterHome): string {
  const { owner } = reference;
  if (!owner) return parameterArn(reference.name, home.region, home.accountId);
  return `arn:${owner.partition}:ssm:${owner.region}:${owner.accountId}:parameter/${reference.name.replace(/^\//, '')}`;
}

/**
 * Refuses a parameter ARN of another region: an SSM endpoint serves its own region's parameters.
 * (One of another account is refused by IAM, which sees a cross-account request with no
 * resource-based policy; parameters shared through AWS RAM are not emulated.)
 *
 * @example
 * assertRegionServed(parseReference('arn:aws:ssm:eu-west-1:000000000000:parameter/x'), { region: 'us-east-1', accountId: '000000000000' });
 * // throws ValidationException
 */
export function assertRegionServed(reference: ParameterReference, home: ParameterHome): void {
  const region = reference.owner?.region;
  if (region === undefined || region === home.region) return;
  throw new AwsError(
    400,
    'ValidationException',
    `[local stage] The parameter ARN names region ${region || '(none)'}; SSM in ${home.region} serves only parameters of ${home.region}.`,
  );
}

/**
 * Whether a reference names a parameter this stage holds: a plain name, or an ARN of the stage's own
 * account and region. Serving checks it so that no ARN of another account or region is ever answered
 * from this account's store, whatever authorized the call.
 *
 * @example
 * isServedHere(parseReference('arn:aws:ssm:us-east-1:111111111111:parameter/x'), { region: 'us-east-1', accountId: '000000000000' }); // false
 */
export function isServedHere(reference: ParameterReference, home: ParameterHome): boolean {
  const { owner } = reference;
  return !owner || (owner.region === home.region && owner.accountId === home.accountId);
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
