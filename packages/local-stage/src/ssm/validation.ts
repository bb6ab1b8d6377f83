import { AwsError } from '../errors';

/**
 * The ValidationException AWS JSON services send for a malformed input member, in their words:
 * `1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null`.
 *
 * @example
 * throw memberError('maxResults', 50, 'Member must have value less than or equal to 10');
 */
export function memberError(member: string, value: unknown, constraint: string): AwsError {
  return new AwsError(
    400,
    'ValidationException',
    `1 validation error detected: Value ${shown(value)} at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}

/**
 * A member's value as AWS quotes it: `null`, `'text'`, `'[a, b]'`. Whatever the caller sent (an
 * object with its own `toString`, nested lists), showing it never throws.
 */
function shown(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  const text = (item: unknown) => (typeof item === 'string' ? item : (JSON.stringify(item) ?? 'null'));
  return `'${Array.isArray(value) ? `[${value.map(text).join(', ')}]` : text(value)}'`;
}

/** What an AWS JSON service answers a member of the wrong JSON type. */
function wrongType(member: string, type: string): AwsError {
  return new AwsError(400, 'SerializationException', `${member} must be a ${type}`);
}

/**
 * A required string member, or the ValidationException AWS sends without it. AWS names members in
 * lower camel case in these messages (`Name` → `name`).
 *
 * @example
 * requireString({ Name: '/local/users/url' }, 'Name'); // '/local/users/url'
 */
export function requireString(input: Record<string, unknown>, member: string): string {
  const value = ownMember(input, member);
  if (value === undefined || value === null)
    throw memberError(lowerCamel(member), value, 'Member must not be null');
  if (typeof value !== 'string') throw wrongType(member, 'string');
  if (value.length === 0)
    throw memberError(lowerCamel(member), value, 'Member must have length greater than or equal to 1');
  return value;
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
  const value = ownMember(input, member);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== type) throw wrongType(member, type);
  return value as never;
}

/** A member the caller sent, never one inherited from Object.prototype (`constructor`, `toString`). */
function ownMember(input: Record<string, unknown>, member: string): unknown {
  return Object.hasOwn(input, member) ? input[member] : undefined;
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
