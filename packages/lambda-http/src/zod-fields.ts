import type { z } from 'zod';

/** One field at fault, as 400 bodies list them: `{ path: 'address.city', message: '...' }`. */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * Turns zod issues into field errors that name each field, unknown keys included.
 *
 * @example
 * const result = schema.safeParse(input);
 * if (!result.success) throw new BadRequestError('Invalid request body', { fields: toFieldErrors(result.error) });
 */
export function toFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const parent = issue.path.map(String);
    // zod reports unknown keys once, on their parent object; callers want each key named.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...parent, key].join('.'), message: 'Unknown field' }));
    }
    return [{ path: parent.join('.'), message: issue.message }];
  });
}
