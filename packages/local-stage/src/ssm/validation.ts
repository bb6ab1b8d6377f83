import { AwsError } from '../errors';

/**
 * The ValidationException AWS JSON services send for a malformed input member, in their words:
 * `1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null`.
 *
 * @example
 * throw memberError('maxResults', 50, 'Member must have value less than or equal to 10');
 */
export function memberError(member: string, value: unknown, constraint: string): AwsError {
  const shown =
    value === undefined || value === null
      ? 'null'
      : `'${Array.isArray(value) ? `[${value.join(', ')}]` : String(value)}'`;
  return new AwsError(
    400,
    'ValidationException',
    `1 validation error detected: Value ${shown} at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}

/**
 * A required string member, or the ValidationException AWS sends without it. AWS names members in
 * lower camel case in these messages (`Name` → `name`).
 *
 * @example
 * requireString({ Name: '/local/users/url' }, 'Name'); // '/local/users/url'
 */
export function requireString(input: Record<string, unknown>, member: string): string {
  const value = input[member];
  if (typeof value === 'string' && value.length > 0) return value;
  if (value === undefined || value === null)
    throw memberError(lowerCamel(member), value, 'Member must not be null');
  throw memberError(lowerCamel(member), value, 'Member must have length greater than or equal to 1');
}

/**
 * An optional member of the given JSON type, or a SerializationException as AWS sends for a wrong type.
 *
 * @example
 * optional({ Recursive: true }, 'Recursive', 'boolean'); // true
 */
export function optional<T extends 'string' | 'boolean' | 'number'>(
  input: Record<string, unknown>,
  member: string,
  type: T,
): (T extends 'string' ? string : T extends 'boolean' ? boolean : number) | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== type) throw new AwsError(400, 'SerializationException', `${member} must be a ${type}`);
  return value as never;
}

/**
 * How AWS names a member in validation messages.
 *
 * @example
 * lowerCamel('MaxResults'); // 'maxResults'
 */
export function lowerCamel(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1);
}
