import { usersRoutesOfThisContainer } from '../container';

/** PATCH /users/{id} with {email?, name?}: the updated user; 404, or 409 for a taken email. Built at cold start, which fails if the table names are not set. */
export const handler = usersRoutesOfThisContainer().updateUser;
