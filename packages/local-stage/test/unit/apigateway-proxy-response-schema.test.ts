import fc from 'fast-check';
import { PROXY_RESPONSE, readProxyResponse } from '../../src/apigateway/proxy-response-schema';

/** What API Gateway's contract alone makes of a payload: the schema's output, or a refusal. */
const bySchema = (payload: unknown) => {
  const parsed = PROXY_RESPONSE.safeParse(payload);
  return parsed.success ? parsed.data : undefined;
};

/** A response as the answer is built from it: each field, in one order (a header may be named `constructor`). */
const asAnswered = (response: ReturnType<typeof readProxyResponse>) =>
  response &&
  JSON.stringify([
    Object.keys(response).sort(),
    response.statusCode,
    response.headers,
    response.multiValueHeaders,
    response.body,
    response.isBase64Encoded,
  ]);

/** Mostly what the contract allows, sometimes not: each field right four times in five. */
const mostly = <T, U>(right: fc.Arbitrary<T>, wrong: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: right, weight: 4 }, { arbitrary: wrong, weight: 1 });
const headerName = mostly(fc.string(), fc.constantFrom('__proto__', 'constructor', '1'));
const headerValue = mostly(fc.oneof(fc.string(), fc.boolean()), fc.oneof(fc.integer(), fc.constant(null)));
/** Payloads near the proxy response's shape, right and wrong, as a function's JSON result would carry them. */
const payload = fc
  .oneof(
    {
      weight: 9,
      arbitrary: fc.record(
        {
          statusCode: mostly(
            fc.integer({ min: 100, max: 599 }),
            fc.oneof(fc.integer(), fc.double(), fc.constantFrom('201', '2x', '')),
          ),
          headers: mostly(
            fc.dictionary(headerName, headerValue, { maxKeys: 4 }),
            fc.oneof(fc.constant(null), fc.array(fc.string())),
          ),
          multiValueHeaders: mostly(
            fc.dictionary(headerName, fc.array(headerValue, { maxLength: 3 }), { maxKeys: 3 }),
            fc.oneof(fc.constant(null), fc.dictionary(headerName, headerValue)),
          ),
          body: mostly(fc.string(), fc.oneof(fc.constant(null), fc.integer())),
          isBase64Encoded: mostly(fc.boolean(), fc.string()),
          status: fc.integer(),
        },
        { requiredKeys: [] },
      ),
    },
    { weight: 1, arbitrary: fc.jsonValue() },
  )
  .map((generated) => {
    // An unknown member is the rarest mistake.
    if (typeof generated !== 'object' || generated === null || !('status' in generated)) return generated;
    const { status, ...known } = generated as { status: number };
    return Math.abs(status) % 5 === 0 ? generated : known;
  });

describe('reading a function result as a proxy response', () => {
  it('accepts and refuses exactly what the schema does, with the same result', () => {
    fc.assert(
      fc.property(payload, (generated) => {
        const received: unknown = JSON.parse(JSON.stringify(generated) ?? 'null');
        expect(asAnswered(readProxyResponse(received))).toBe(asAnswered(bySchema(received)));
      }),
      { seed: 20261126, numRuns: 3000 },
    );
  });

  it('drops a header named __proto__ as the schema does', () => {
    const received = JSON.parse('{"statusCode":200,"headers":{"__proto__":"x","a":"b"}}');
    expect(readProxyResponse(received)).toStrictEqual({ statusCode: 200, headers: { a: 'b' } });
  });
});
