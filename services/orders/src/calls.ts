import type { UsersMethod } from '@internal-apis/users/contract';

/**
 * The client methods orders calls on other services. `npm test` checks, from the compiled templates,
 * that its role is granted exactly their routes (no more) and that its code calls nothing else.
 */
export const calls = {
  users: ['getUser'],
} as const satisfies { users: readonly UsersMethod[] };
