import { usersRoutesOfThisContainer } from '../container';

/** DELETE /users/{id}: 204, or 404. Built at cold start, which fails if the table names are not set. */
export const handler = usersRoutesOfThisContainer().deleteUser;
