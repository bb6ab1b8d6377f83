import { usersRoutesOfThisContainer } from '../container';

/** GET /users/{id}: the user, or 404. Built at cold start, which fails if the table names are not set. */
export const handler = usersRoutesOfThisContainer().getUser;
