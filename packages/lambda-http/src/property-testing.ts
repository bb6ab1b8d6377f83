/**
 * Property-based testing support for JSON APIs built with `jsonHandler`: fast-check arbitraries of
 * hostile input (any Unicode, lone surrogates included, huge and deeply nested values, bodies that
 * are not JSON), bodies that mix valid and hostile fields, run parameters taken from the environment,
 * and the check every answer owes (no 5xx, every 400 names its fields). Used in process by unit tests
 * and over signed HTTP by the integration suite. Import it as
 * `@internal-apis/lambda-http/property-testing` from tests only.
 */
import fc from 'fast-check';
import { DEFAULT_MAX_BODY_BYTES } from './parse-json-body';

/**
 * How many cases each property tries and with which seed: a small, seeded budget by default, so
 * `npm test` is quick and repeatable; `PROPERTY_RUNS=2000` for a long run, `PROPERTY_SEED=…` to
 * replay the seed a failure printed.
 *
 * @example
 * await fc.assert(fc.asyncProperty(hostileJson(), check), propertyParameters({ numRuns: 40 }));
 */
export function propertyParameters(defaults: { numRuns: number }): { seed: number; numRuns: number } {
  return {
    seed: integerFromEnv('PROPERTY_SEED') ?? 20_250_601,
    numRuns: integerFromEnv('PROPERTY_RUNS') ?? defaults.numRuns,
  };
}

function integerFromEnv(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value))
    throw new Error(`${name} must be an integer, not ${JSON.stringify(text)}`);
  return value;
}

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit));

/**
 * Short strings of any Unicode where lone surrogates are common (JSON can carry them, UTF-8 cannot),
 * for fields that are otherwise valid: what a schema accepts but the code behind it may not handle.
 *
 * @example
 * fc.record({ userId: fc.oneof(fc.uuid(), unicodeText()) });
 */
export function unicodeText(): fc.Arbitrary<string> {
  const char = fc.oneof(loneSurrogate, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
  return fc.string({ unit: char, minLength: 1, maxLength: 12 });
}

/** Strings that break naive code: lone surrogates, controls, astral characters, path and URL syntax, huge. */
export function hostileText(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    unicodeText(),
    fc.constantFrom(
      '',
      ' ',
      '.',
      '..',
      '/',
      '%',
      '%2F',
      '%00',
      '\u0000',
      '\ud800',
      '\udfff',
      'a\ud83d',
      '\u202e',
      '😀',
      '<script>',
      '{{7*7}}',
      '__proto__',
      'constructor',
    ),
    fc.integer({ min: 129, max: 70_000 }).map((length) => 'x'.repeat(length)),
  );
}

/** `depth` arrays or objects inside one another, around a string. */
export function nested(depth: number, as: 'array' | 'object' = 'array'): unknown {
  let value: unknown = 'deep';
  for (let level = 0; level < depth; level++) value = as === 'array' ? [value] : { a: value };
  return value;
}

/**
 * JSON text nested `depth` levels deep, written directly: deeper than JSON.stringify could write
 * from inside a test's call stack.
 *
 * @example
 * deepJsonText(2, 'object'); // '{"a":{"a":"deep"}}'
 */
export function deepJsonText(depth: number, as: 'array' | 'object' = 'array'): string {
  const [open, close] = as === 'array' ? ['[', ']'] : ['{"a":', '}'];
  return `${open.repeat(depth)}"deep"${close.repeat(depth)}`;
}

const nesting = fc.constantFrom<'array' | 'object'>('array', 'object');

/** Any JSON value, built from hostile strings, with huge numbers and nesting among them. */
export function hostileJson(): fc.Arbitrary<unknown> {
  const deep = fc.tuple(fc.integer({ min: 2, max: 200 }), nesting).map(([depth, as]) => nested(depth, as));
  return fc.oneof(
    { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 3 },
    { arbitrary: hostileText(), weight: 3 },
    { arbitrary: fc.constantFrom(0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, true, false, null), weight: 2 },
    { arbitrary: deep, weight: 1 },
  );
}

/**
 * Objects shaped like a route's body: each known field is valid, hostile or missing, and now and
 * then an unknown field is added. `valid` gives an arbitrary of good values per field.
 *
 * @example
 * mutatedObject({ email: fc.emailAddress(), name: fc.string({ minLength: 1 }) });
 */
export function mutatedObject(
  valid: Record<string, fc.Arbitrary<unknown>>,
): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.entries(valid).map(([key, good]) =>
    fc
      .oneof(
        { arbitrary: good.map((value) => ({ value })), weight: 3 },
        { arbitrary: hostileJson().map((value) => ({ value })), weight: 2 },
        { arbitrary: fc.constant(undefined), weight: 1 },
      )
      .map((entry) => [key, entry] as const),
  );
  const extra = fc.option(fc.tuple(hostileText(), hostileJson()), { freq: 4 });
  return fc.tuple(fc.tuple(...fields), extra).map(([entries, unknown]) => {
    const body: Record<string, unknown> = {};
    for (const [key, entry] of entries) if (entry) body[key] = entry.value;
    // defineProperty, so a key such as `__proto__` becomes a field and not the prototype.
    if (unknown) Object.defineProperty(body, unknown[0], { value: unknown[1], enumerable: true });
    return body;
  });
}

/** What a request body is sent as: JSON text, or raw text that may not be JSON at all. */
export type BodyText = string;

/**
 * Request bodies for a JSON route: mostly objects from `mutatedObject(valid)`, then any hostile JSON,
 * text that is not JSON, an empty body, deeply nested JSON, and bodies over the default 64 KiB limit.
 *
 * @example
 * fc.asyncProperty(jsonBodies({ userId: fc.uuid() }), async (text) => post('/orders', text));
 */
export function jsonBodies(valid: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<BodyText> {
  return fc.oneof(
    { arbitrary: mutatedObject(valid).map(toJsonText), weight: 6 },
    { arbitrary: hostileJson().map(toJsonText), weight: 2 },
    { arbitrary: fc.constantFrom('', '{', '{"a":', 'null', '[]', '"\\ud800"', '{"a":1}}', 'nan'), weight: 1 },
    // Up to 10 000 levels: within 64 KiB, far deeper than any schema reads.
    {
      arbitrary: fc
        .tuple(fc.integer({ min: 100, max: 10_000 }), nesting)
        .map(([d, as]) => deepJsonText(d, as)),
      weight: 1,
    },
    {
      arbitrary: fc.constant(`{"padding":"${'x'.repeat(DEFAULT_MAX_BODY_BYTES)}"}`),
      weight: 1,
    },
  );
}

function toJsonText(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

/**
 * A string percent-encoded as it would travel in a URL path or query: UTF-8 for well-formed text, and
 * for a lone surrogate the three bytes a naive encoder (WTF-8, CESU-8) writes, which are not UTF-8.
 *
 * @example
 * percentEncodeAnything('a/\ud800'); // 'a%2F%ED%A0%80'
 */
export function percentEncodeAnything(text: string): string {
  let encoded = '';
  for (const char of text) {
    const unit = char.charCodeAt(0);
    if (char.length === 1 && unit >= 0xd800 && unit <= 0xdfff) {
      encoded += [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join('');
    } else {
      encoded += encodeURIComponent(char).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      );
    }
  }
  return encoded;
}

/**
 * Throws unless an answer is explained: below 500, and a 400 lists the fields at fault
 * (`fields: [{ path, message }]`, where the path `''` is the input as a whole). Returns nothing, so it
 * can end a fast-check property.
 *
 * @example
 * expectExplainedAnswer(response.status, response.data, 'POST /orders');
 */
export function expectExplainedAnswer(status: number, body: unknown, what: string): void {
  if (status >= 500) throw new Error(`${what} answered ${status}: ${preview(body)}`);
  if (status !== 400) return;
  const fields = (body as { fields?: unknown } | null)?.fields;
  const named =
    Array.isArray(fields) &&
    fields.length > 0 &&
    fields.every(
      (field: { path?: unknown; message?: unknown }) =>
        typeof field?.path === 'string' && typeof field.message === 'string' && field.message !== '',
    );
  if (!named) throw new Error(`${what} answered 400 without naming the fields: ${preview(body)}`);
}

function preview(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return text === undefined ? String(body) : text.slice(0, 300);
}
