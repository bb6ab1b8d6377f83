import { usersRoutesOfThisContainer } from '../container';

/** GET /users?email=…: the user with that email, or 404. Built at cold start, which fails if the table names are not set. */
export const handler = usersRoutesOfThisContainer().findUserByEmail;
