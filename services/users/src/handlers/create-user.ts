import { usersRoutesOfThisContainer } from '../container';

/** POST /users: 201 with the user and its Location. Built at cold start, which fails if the table names are not set. */
export const handler = usersRoutesOfThisContainer().createUser;
