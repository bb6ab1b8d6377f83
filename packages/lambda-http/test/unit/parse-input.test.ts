import * as z from 'zod';
import { BadRequestError, parseInput } from '../../src';
import { caught } from '../../src/testing';

describe('parseInput', () => {
  const query = z.object({ email: z.email() });

  it('returns the validated value', () => {
    expect(parseInput({ email: 'a@example.com' }, query, 'query')).toEqual({ email: 'a@example.com' });
  });

  it('reports query failures as 400 naming the fields', () => {
    const error = caught(() => parseInput({ email: 'nope' }, query, 'query'));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.toBody()).toEqual({
      message: 'Invalid query string',
      fields: [{ path: 'email', message: expect.any(String) }],
    });
  });

  it('reads null (API Gateway sends no parameters as null) as an empty object', () => {
    const error = caught(() => parseInput(null, z.object({ id: z.uuid() }), 'path'));
    expect(error.toBody()).toEqual({
      message: 'Invalid path parameters',
      fields: [{ path: 'id', message: expect.any(String) }],
    });
  });
});
