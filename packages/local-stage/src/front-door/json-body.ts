import { AwsError } from '../errors';

/**
 * How deep a JSON-protocol body may nest. A valid call nests far less: SSM's deepest input
 * (`ParameterFilters[].Values[]`) is 4 levels, and DynamoDB's 32 levels of attribute nesting take at
 * most about 70 (two per level, under a few levels of request structure). Anything deeper is refused
 * before the body is parsed, so no recursive walk over it (validation, authorization, the backend)
 * can run out of stack.
 */
export const MAX_JSON_DEPTH = 100;

/** What each service answers a body nested past the limit. */
const TOO_DEEP = {
  // AWS JSON 1.1 services refuse a body their parser cannot read as a SerializationException.
  ssm: () =>
    new AwsError(
      400,
      'SerializationException',
      `[local stage] The request body nests deeper than ${MAX_JSON_DEPTH} levels`,
    ),
  // DynamoDB refuses more than 32 levels of nesting with this ValidationException.
  dynamodb: () => new AwsError(400, 'ValidationException', 'Nesting Levels have exceeded supported limits'),
};

const notAStructure = () =>
  new AwsError(400, 'SerializationException', 'Start of structure or map found where not expected.');

/**
 * Parses an AWS JSON-protocol body into its input structure: an empty body is `{}`; anything but a
 * JSON object, or an object nested deeper than `MAX_JSON_DEPTH`, is refused with a 400.
 *
 * @example
 * parseJsonInput(Buffer.from('{"Name":"/local/users/url"}'), 'ssm'); // { Name: '/local/users/url' }
 */
export function parseJsonInput(body: Buffer, service: 'ssm' | 'dynamodb'): Record<string, unknown> {
  if (body.length === 0) return {};
  const text = body.toString('utf8');
  if (nestingDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) throw TOO_DEEP[service]();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw notAStructure();
  }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
    return parsed as Record<string, unknown>;
  throw notAStructure();
}

/**
 * The deepest nesting of `{` and `[` outside strings, counted without recursion and without parsing;
 * it stops counting once past `limit`. Malformed JSON is measured all the same (JSON.parse refuses it).
 *
 * @example
 * nestingDepth('{"a":[1,{"b":"[["}]}', 100); // 3
 */
export function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c)
        i++; // a backslash escapes the next character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x7b || char === 0x5b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (char === 0x7d || char === 0x5d) {
      depth--;
    }
  }
  return deepest;
}
