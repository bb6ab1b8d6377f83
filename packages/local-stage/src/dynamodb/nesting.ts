import { validationException } from './dynamodb-errors';

/**
 * DynamoDB supports nested attributes up to 32 levels deep (a top-level attribute is level 1)
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-attributes
 */
export const MAX_ATTRIBUTE_DEPTH = 32;

/** What DynamoDB answers for an attribute nested deeper than that. */
const TOO_DEEP =
  'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit';

/**
 * A request's JSON is never deeper than its AttributeValues allow: each attribute level adds two
 * (`{"M": {"name": …}}`, `{"L": [ … ]}`), and the request shape itself a handful (TransactItems →
 * member → Put → Item → attribute). Deeper JSON anywhere is refused, so nothing downstream recurses
 * without bound.
 */
const MAX_JSON_DEPTH = 2 * MAX_ATTRIBUTE_DEPTH + 12;

/**
 * Refuses a DynamoDB request whose attribute values nest deeper than DynamoDB allows, with AWS's
 * ValidationException, before any recursive code sees it. Iterative: no input depth can exhaust the
 * stack.
 *
 * @example assertNestingWithinLimits({ TableName: 't', Item: { a: { M: { b: { S: 'x' } } } } }) // passes
 */
export function assertNestingWithinLimits(input: Record<string, unknown>): void {
  for (const [name, values] of attributeMaps(input)) {
    for (const [key, value] of Object.entries(values)) {
      if (attributeDepth(value) <= MAX_ATTRIBUTE_DEPTH) continue;
      throw name === 'ExpressionAttributeValues'
        ? validationException(`ExpressionAttributeValues contains invalid value: ${TOO_DEEP} for key ${key}`)
        : validationException(TOO_DEEP);
    }
  }
  if (jsonDepthExceeds(input, MAX_JSON_DEPTH)) throw validationException(TOO_DEEP);
}

/** The maps of attribute values a request carries: items, keys and expression values, wherever they stand. */
function* attributeMaps(input: Record<string, unknown>): Generator<[string, Record<string, unknown>]> {
  for (const name of ['Item', 'Key', 'ExpressionAttributeValues', 'ExclusiveStartKey']) {
    const value = input[name];
    if (isObject(value)) yield [name, value];
  }
  for (const member of Array.isArray(input.TransactItems) ? input.TransactItems : []) {
    if (!isObject(member)) continue;
    for (const operation of Object.values(member)) if (isObject(operation)) yield* attributeMaps(operation);
  }
  for (const request of isObject(input.RequestItems) ? Object.values(input.RequestItems) : []) {
    if (isObject(request)) {
      for (const key of Array.isArray(request.Keys) ? request.Keys : [])
        if (isObject(key)) yield ['Key', key];
      continue;
    }
    for (const write of Array.isArray(request) ? request : []) {
      if (!isObject(write)) continue;
      for (const body of [write.PutRequest, write.DeleteRequest])
        if (isObject(body)) yield* attributeMaps(body);
    }
  }
}

/** Levels of an attribute value: 1 for a scalar or an empty M or L, one more per M or L around it. */
function attributeDepth(value: unknown): number {
  let deepest = 0;
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop() as [unknown, number];
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_ATTRIBUTE_DEPTH) return deepest;
    if (!isObject(current)) continue;
    const children = isObject(current.M)
      ? Object.values(current.M)
      : Array.isArray(current.L)
        ? current.L
        : [];
    for (const child of children) pending.push([child, depth + 1]);
  }
  return deepest;
}

function jsonDepthExceeds(value: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop() as [unknown, number];
    if (depth > limit) return true;
    if (typeof current !== 'object' || current === null) continue;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return false;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
