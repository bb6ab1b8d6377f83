import { isWellFormedText, NOT_WELL_FORMED } from '@internal-apis/lambda-http';
import * as z from 'zod';

/** A user as the API returns it and the users table stores it. */
export interface User {
  id: string;
  email: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * An email address, trimmed and lower-cased before it is checked, stored or compared, so
 * `Ada@Example.com` and `ada@example.com` are one address (uniqueness is enforced on this form).
 */
export const emailSchema = z.string().trim().toLowerCase().max(254).pipe(z.email());

/**
 * A display name: 1–200 characters once surrounding whitespace is removed, and well-formed Unicode (a
 * lone surrogate is valid in JSON but has no UTF-8 form for DynamoDB to store).
 */
export const nameSchema = z
  .string()
  .refine(isWellFormedText, { message: NOT_WELL_FORMED })
  .trim()
  .min(1)
  .max(200);

/** `POST /users` body; unknown fields are rejected so a typo is a 400, not silently dropped data. */
export const newUserSchema = z.strictObject({ email: emailSchema, name: nameSchema });
export type NewUser = z.infer<typeof newUserSchema>;

/** `PATCH /users/{id}` body: at least one of email and name. */
export const userPatchSchema = z
  .strictObject({ email: emailSchema.optional(), name: nameSchema.optional() })
  .refine((patch) => patch.email !== undefined || patch.name !== undefined, {
    message: 'Provide at least one of: email, name',
  });
export type UserPatch = z.infer<typeof userPatchSchema>;

/** `GET /users?email=…` query; other query parameters are ignored. */
export const emailQuerySchema = z.object({ email: emailSchema });

const userIdSchema = z.uuid();

/**
 * Whether `value` can be a user id (ids are random UUIDs). A malformed id in a path is answered
 * with 404, not 400: no user has it, and callers that resolve ids they were given (orders) then
 * see one "unknown user" case instead of two.
 *
 * @example
 * if (!isUserId(event.pathParameters?.id)) throw new NotFoundError('User not found');
 */
export function isUserId(value: unknown): value is string {
  return userIdSchema.safeParse(value).success;
}

/**
 * The public fields of a stored item (anything else in the item stays private).
 *
 * @example
 * const user = toUser(Item);
 */
export function toUser(item: Record<string, unknown>): User {
  const { id, email, name, createdAt, updatedAt } = item as unknown as User;
  return { id, email, name, createdAt, updatedAt };
}
