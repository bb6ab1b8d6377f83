import { validationException } from './dynamodb-errors';

/**
 * "The maximum length of any expression string is 4 KB"
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-expression-parameters
 */
export const MAX_EXPRESSION_BYTES = 4096;

const EXPRESSIONS = [
  'ConditionExpression',
  'UpdateExpression',
  'ProjectionExpression',
  'KeyConditionExpression',
  'FilterExpression',
] as const;

/**
 * Refuses an expression over DynamoDB's 4 KB limit, with its message, before dynalite's parsers
 * (which recurse once per parenthesis) see it: wherever a request carries one, at the top, in a
 * transaction's members or per table of a BatchGetItem.
 *
 * @example assertExpressionsWithinLimits({ ConditionExpression: 'attribute_not_exists(id)' }) // passes
 */
export function assertExpressionsWithinLimits(input: Record<string, unknown>): void {
  for (const request of requestsIn(input)) {
    for (const name of EXPRESSIONS) {
      const expression = request[name];
      if (typeof expression !== 'string') continue;
      const size = Buffer.byteLength(expression, 'utf8');
      if (size > MAX_EXPRESSION_BYTES) {
        throw validationException(
          `Invalid ${name}: Expression size has exceeded the maximum allowed size; expression size: ${size}`,
        );
      }
    }
  }
}

function* requestsIn(input: Record<string, unknown>): Generator<Record<string, unknown>> {
  yield input;
  for (const member of Array.isArray(input.TransactItems) ? input.TransactItems : []) {
    if (isObject(member)) for (const body of Object.values(member)) if (isObject(body)) yield body;
  }
  for (const perTable of isObject(input.RequestItems) ? Object.values(input.RequestItems) : []) {
    if (isObject(perTable)) yield perTable;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
