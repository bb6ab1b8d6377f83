import { AwsError } from '../errors';
import type { AllowedPatternMatcher } from './allowed-pattern';
import { assertValidNewName } from './parameter-names';
import type { ParameterStore, ParameterTier, ParameterType } from './parameter-store';
import { memberError, optional, requireString } from './validation';

const TYPES: ParameterType[] = ['SecureString', 'StringList', 'String'];
const TIERS = ['Advanced', 'Intelligent-Tiering', 'Standard'];
const DATA_TYPES = ['text', 'aws:ec2:image', 'aws:ssm:integration'];
const STANDARD_MAX = 4096;
const ADVANCED_MAX = 8192;
/** PutParameter's `AllowedPattern`: "Length Constraints: Minimum length of 0. Maximum length of 1024." */
const MAX_PATTERN_LENGTH = 1024;

/**
 * PutParameter: validates the request as SSM does, stores the value and answers `{Version, Tier}`.
 *
 * @example
 * await putParameter(store, { Name: '/local/users/url', Value: 'http://…', Type: 'String' }, matcher); // { Version: 1, Tier: 'Standard' }
 */
export async function putParameter(
  store: ParameterStore,
  input: Record<string, unknown>,
  patterns: AllowedPatternMatcher,
): Promise<Record<string, unknown>> {
  const name = requireString(input, 'Name');
  assertValidNewName(name);
  const value = requireString(input, 'Value');
  const overwrite = optional(input, 'Overwrite', 'boolean') ?? false;
  const type = parameterType(input, store.get(name) !== undefined);
  const dataType = optional(input, 'DataType', 'string');
  if (dataType !== undefined && !DATA_TYPES.includes(dataType)) {
    throw new AwsError(
      400,
      'ValidationException',
      `The following data type is not supported: ${dataType} (Data type names are all lowercase.)`,
    );
  }
  if (overwrite && Array.isArray(input.Tags) && input.Tags.length > 0) {
    throw new AwsError(
      400,
      'ValidationException',
      "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove " +
        'overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.',
    );
  }
  const tier = tierFor(value, optional(input, 'Tier', 'string'));
  // After the size checks, so a pattern never runs against more than 8 KB.
  await assertAllowedPattern(value, optional(input, 'AllowedPattern', 'string'), patterns);
  const description = optional(input, 'Description', 'string');
  const keyId = optional(input, 'KeyId', 'string');
  const { version } = store.put(name, value, { type, overwrite, tier, description, keyId, dataType });
  return { Version: version, Tier: tier };
}

/** A new parameter needs a `Type`; an overwrite may leave it out and keep the current one. */
function parameterType(input: Record<string, unknown>, exists: boolean): ParameterType | undefined {
  const type = optional(input, 'Type', 'string');
  if (type === undefined) {
    if (exists) return undefined;
    throw new AwsError(
      400,
      'ValidationException',
      'A parameter type is required when you create a parameter.',
    );
  }
  if (!TYPES.includes(type as ParameterType)) {
    throw memberError('type', type, `Member must satisfy enum value set: [${TYPES.join(', ')}]`);
  }
  return type as ParameterType;
}

/** Standard parameters hold 4 KB; Intelligent-Tiering picks Advanced only for a larger value. */
function tierFor(value: string, requested: string | undefined): ParameterTier {
  if (requested !== undefined && !TIERS.includes(requested)) {
    throw memberError('tier', requested, `Member must satisfy enum value set: [${TIERS.join(', ')}]`);
  }
  const size = Buffer.byteLength(value);
  const tier: ParameterTier =
    requested === 'Advanced' || (requested === 'Intelligent-Tiering' && size > STANDARD_MAX)
      ? 'Advanced'
      : 'Standard';
  if (tier === 'Standard' && size > STANDARD_MAX) {
    throw new AwsError(
      400,
      'ValidationException',
      `Standard tier parameters support a maximum parameter value of ${STANDARD_MAX} characters. To create a larger ` +
        'parameter value, upgrade the parameter to use the advanced-parameter tier.',
    );
  }
  if (size > ADVANCED_MAX)
    throw memberError('value', '…', `Member must have length less than or equal to ${ADVANCED_MAX}`);
  return tier;
}

/**
 * `AllowedPattern` is a regular expression the value must match, checked on every write. It is the
 * caller's, so it runs off the main thread and within a time bound (AllowedPatternMatcher).
 */
async function assertAllowedPattern(
  value: string,
  pattern: string | undefined,
  patterns: AllowedPatternMatcher,
): Promise<void> {
  if (pattern === undefined) return;
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw memberError(
      'allowedPattern',
      pattern,
      `Member must have length less than or equal to ${MAX_PATTERN_LENGTH}`,
    );
  }
  const outcome = await patterns.test(pattern, value);
  if (outcome === 'invalid') {
    throw new AwsError(
      400,
      'InvalidAllowedPatternException',
      `The allowed pattern ${pattern} is not a valid regular expression.`,
    );
  }
  if (outcome === 'mismatch') {
    throw new AwsError(
      400,
      'ParameterPatternMismatchException',
      `Parameter value, cannot be validated against allowedPattern: ${pattern}`,
    );
  }
}
