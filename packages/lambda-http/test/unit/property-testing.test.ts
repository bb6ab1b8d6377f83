import fc from 'fast-check';
import * as z from 'zod';
import { isWellFormedText, NOT_WELL_FORMED, parseJsonBody } from '../../src';
import {
  deepJsonText,
  expectExplainedAnswer,
  hostileText,
  jsonBodies,
  nested,
  percentEncodeAnything,
  propertyParameters,
} from '../../src/property-testing';
import { caught, proxyEvent } from '../../src/testing';

describe('percentEncodeAnything', () => {
  it('encodes well-formed text as UTF-8, RFC 3986 style', () => {
    expect(percentEncodeAnything("a b/ü🚀!'()*")).toBe('a%20b%2F%C3%BC%F0%9F%9A%80%21%27%28%29%2A');
  });

  it('encodes a lone surrogate as the three bytes a naive encoder writes', () => {
    expect(percentEncodeAnything('x\udfff\ud800')).toBe('x%ED%BF%BF%ED%A0%80');
  });
});

describe('expectExplainedAnswer', () => {
  it('accepts any answer below 500 and a 400 naming its fields', () => {
    expect(() => expectExplainedAnswer(404, { message: 'not found' }, 'GET')).not.toThrow();
    expect(() =>
      expectExplainedAnswer(400, { fields: [{ path: '', message: 'Must be JSON' }] }, 'POST'),
    ).not.toThrow();
  });

  it.each([
    [500, { message: 'Internal server error' }],
    [502, {}],
    [400, { message: 'bad' }],
    [400, { fields: [] }],
    [400, { fields: [{ path: 'a' }] }],
  ])('refuses %p %j', (status, body) => {
    expect(() => expectExplainedAnswer(status, body, 'POST /x')).toThrow(/POST \/x answered/);
  });
});

describe('hostile input against parseJsonBody', () => {
  const schema = z.strictObject({
    userId: z.string().refine(isWellFormedText, { message: NOT_WELL_FORMED }).min(1).max(128),
  });

  it('answers every body with its data or a 4xx, and every 400 names a field', () => {
    fc.assert(
      fc.property(jsonBodies({ userId: fc.uuid() }), (body) => {
        try {
          const parsed = parseJsonBody(
            proxyEvent({ body, headers: { 'content-type': 'application/json' } }),
            schema,
          );
          expect(isWellFormedText(parsed.userId)).toBe(true);
        } catch (error) {
          const answer = caught(() => {
            throw error;
          });
          expect(answer.statusCode).toBeLessThan(500);
          expectExplainedAnswer(answer.statusCode, answer.toBody(), 'parseJsonBody');
        }
      }),
      propertyParameters({ numRuns: 200 }),
    );
  });

  it('generates what it promises: lone surrogates, huge strings and deep nesting', () => {
    const samples = fc.sample(hostileText(), { seed: 1, numRuns: 500 });
    expect(samples.some((text) => !isWellFormedText(text))).toBe(true);
    expect(samples.some((text) => text.length > 64 * 1024)).toBe(true);
    expect(JSON.stringify(nested(3))).toBe('[[["deep"]]]');
    expect(JSON.stringify(nested(2, 'object'))).toBe('{"a":{"a":"deep"}}');
    expect(deepJsonText(2, 'object')).toBe('{"a":{"a":"deep"}}');
  });
});
