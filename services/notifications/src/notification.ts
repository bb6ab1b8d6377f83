import { isWellFormedText, NOT_WELL_FORMED } from '@internal-apis/lambda-http';
import * as z from 'zod';

/**
 * The body of `POST /notifications/welcome`. A userId with a lone surrogate (valid in JSON, not in
 * UTF-8) is refused with a 400 naming it: no URL to the users API and no DynamoDB item could carry it.
 */
export const welcomeRequestSchema = z.strictObject({
  userId: z.string().refine(isWellFormedText, { message: NOT_WELL_FORMED }).min(1).max(128),
});

export type WelcomeRequest = z.infer<typeof welcomeRequestSchema>;

/** A message waiting in the outbox for a sender to deliver it. */
export interface Notification {
  id: string;
  userId: string;
  email: string;
  subject: string;
  body: string;
  createdAt: string;
  status: 'pending';
}
