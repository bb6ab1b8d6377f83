import fc from 'fast-check';

// The framework's own json-cycle, and the linear decycle the template compiler puts on it.
const original = require('json-cycle') as {
  stringify(value: unknown, replacer?: null, space?: number): string;
};
const faster = require('../../src/packaging/json-cycle.js') as typeof original & {
  decycle(value: unknown): unknown;
};

describe('json-cycle, linear', () => {
  it('writes what json-cycle writes: shared objects and cycles as $ref paths, toJSON applied', () => {
    const shared: Record<string, unknown> = { list: [1, 2, { at: new Date(0) }] };
    const root: Record<string, unknown> = {
      first: shared,
      again: [shared, null, undefined, 'text', 5, true],
      buffer: Buffer.from('hi'),
      'a "quoted" key': { nested: shared.list },
      holes: Object.assign(new Array(2), { 1: 1 }), // index 0 a hole
    };
    root.self = root;
    for (const value of [root, [root, root], 5, null, 'x', undefined])
      expect(faster.stringify(value, null, 2)).toBe(original.stringify(value, null, 2));
    expect(faster.decycle({ x: shared, y: shared })).toEqual({
      x: { list: [1, 2, { at: new Date(0).toJSON() }] },
      y: { $ref: '$["x"]' },
    });
  });

  it('writes what json-cycle writes for any JSON with shared parts', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { minLength: 1, maxLength: 5 }), fc.nat(), (parts, seed) => {
        // Objects and arrays of the parts, each part used up to twice, so some are shared.
        const pick = (index: number) => parts[(seed + index) % parts.length];
        const value = { a: pick(0), b: [pick(1), pick(0)], c: { d: pick(2), e: pick(1) } };
        expect(faster.stringify(value, null, 2)).toBe(original.stringify(value, null, 2));
      }),
      { seed: 20261126, numRuns: 200 },
    );
  });
});
