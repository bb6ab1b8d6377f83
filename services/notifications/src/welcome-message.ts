import type { User } from '@internal-apis/users/client';

export interface Message {
  subject: string;
  body: string;
}

/**
 * The welcome message for a new user, as plain text.
 *
 * @example
 * renderWelcome({ name: 'Ada' }).subject; // 'Welcome, Ada!'
 */
export function renderWelcome(user: Pick<User, 'name'>): Message {
  return {
    subject: `Welcome, ${user.name}!`,
    body: `Hello ${user.name},\n\nYour account is ready. We are glad to have you with us.\n`,
  };
}
