/** Finding intrinsic functions in template values without resolving them. */

/**
 * `[function name, argument]` when `value` is an intrinsic function call.
 *
 * @example
 * asIntrinsic({ 'Fn::Join': ['-', ['a', 'b']] }); // ['Fn::Join', ['-', ['a', 'b']]]
 * asIntrinsic({ Effect: 'Allow', Condition: {} }); // undefined
 */
export function asIntrinsic(value: unknown): [name: string, argument: unknown] | undefined {
  if (!isRecord(value)) return undefined;
  const keys = Object.keys(value);
  const name = keys[0];
  if (keys.length !== 1 || name === undefined) return undefined;
  // `{ "Condition": "IsProd" }` is the condition function; an IAM statement's Condition map sits
  // beside Effect and Action, and a Condition that is itself an object is a plain property.
  const isCall =
    name === 'Ref' || name.startsWith('Fn::') || (name === 'Condition' && typeof value[name] === 'string');
  return isCall ? [name, value[name]] : undefined;
}

/**
 * A JSON object (not an array, not null).
 *
 * @example
 * isRecord({ Ref: 'Table' }); // true
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Appends a key or list index to a property path.
 *
 * @example
 * childPath(childPath('Properties', 'Policies'), 0); // 'Properties.Policies[0]'
 */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/**
 * Calls `visit` for every intrinsic function call in `value`, outermost first, with the path of the
 * property that holds it; arguments are searched too.
 *
 * @example
 * forEachIntrinsic({ Role: { 'Fn::GetAtt': ['R', 'Arn'] } }, 'Properties', (name, arg, path) => {});
 * // visits ('Fn::GetAtt', ['R', 'Arn'], 'Properties.Role')
 */
export function forEachIntrinsic(
  value: unknown,
  path: string,
  visit: (name: string, argument: unknown, path: string) => void,
): void {
  const intrinsic = asIntrinsic(value);
  if (intrinsic) {
    visit(intrinsic[0], intrinsic[1], path);
    forEachIntrinsic(intrinsic[1], path, visit);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => {
      forEachIntrinsic(item, childPath(path, index), visit);
    });
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) forEachIntrinsic(item, childPath(path, key), visit);
  }
}
