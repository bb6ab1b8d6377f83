import * as z from 'zod';

/** The body of `POST /notifications/welcome`. */
export const welcomeRequestSchema = z.strictObject({
  userId: z.string().min(1).max(128),
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
