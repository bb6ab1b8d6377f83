import { childLogger, createJsonLogger } from '../../src';
import { recordingLogger } from '../../src/testing';

describe('createJsonLogger', () => {
  it('writes one JSON line with level, message and fields', () => {
    const { lines, raw, write } = recordingLogger();
    createJsonLogger({ write, fields: { service: 'users' } }).error('boom', { id: 1 });
    expect(raw[0]).not.toContain('\n');
    expect(lines).toEqual([{ level: 'error', message: 'boom', service: 'users', id: 1 }]);
  });

  it('masks fields whose names hold secrets, at any depth', () => {
    const { lines, write } = recordingLogger();
    createJsonLogger({ write }).info('x', {
      secretAccessKey: 'abc',
      nested: { Authorization: 'AWS4-HMAC-SHA256 ...', sessionToken: 'tok' },
    });
    expect(lines[0]).toMatchObject({
      secretAccessKey: '[redacted]',
      nested: { Authorization: '[redacted]', sessionToken: '[redacted]' },
    });
  });

  it('serializes errors with their name, message and stack', () => {
    const { lines, write } = recordingLogger();
    createJsonLogger({ write }).error('failed', { error: new RangeError('out of range') });
    expect(lines[0]?.error).toMatchObject({ name: 'RangeError', message: 'out of range' });
  });

  it('never throws on values JSON cannot represent', () => {
    const { lines, write } = recordingLogger();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    createJsonLogger({ write }).info('odd', { circular, big: 1n });
    expect(lines[0]).toMatchObject({ level: 'info', message: 'odd', logError: expect.any(String) });
  });
});

describe('childLogger', () => {
  it('adds its fields to every line', () => {
    const { lines, write } = recordingLogger();
    childLogger(createJsonLogger({ write }), { requestId: 'r1' }).info('hello', { a: 1 });
    expect(lines[0]).toEqual({ level: 'info', message: 'hello', requestId: 'r1', a: 1 });
  });
});
