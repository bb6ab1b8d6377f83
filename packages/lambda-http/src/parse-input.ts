import type { z } from 'zod';
import { BadRequestError } from './errors';
import { toFieldErrors } from './zod-fields';

const WHERE_LABEL = { path: 'Invalid path parameters', query: 'Invalid query string' } as const;

/**
 * Validates path parameters or the query string; a failure is a 400 naming the fields.
 * API Gateway sends `null` when there are none, which is read as an empty object.
 *
 * @example
 * const { email } = parseInput(event.queryStringParameters, z.object({ email: z.email() }), 'query');
 */
export function parseInput<S extends z.ZodType>(
  value: unknown,
  schema: S,
  where: 'path' | 'query',
): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    throw new BadRequestError(WHERE_LABEL[where], { fields: toFieldErrors(result.error) });
  }
  return result.data;
}
