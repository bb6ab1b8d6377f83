import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { usersTablesFromEnv } from './config';
import { createUsersRoutes, type UsersRoutes } from './routes';
import { createUsers } from './users';
import { createUsersStore } from './users-store';

let routes: UsersRoutes | undefined;

/**
 * The routes of this Lambda container, wired to DynamoDB once and reused while it stays warm.
 * The default client honours AWS_ENDPOINT_URL_DYNAMODB, which the local stage sets.
 *
 * @example
 * export const handler = usersRoutesOfThisContainer().getUser;
 */
export function usersRoutesOfThisContainer(): UsersRoutes {
  routes ??= createUsersRoutes(
    createUsers({
      store: createUsersStore({
        documentClient: DynamoDBDocumentClient.from(new DynamoDBClient({})),
        ...usersTablesFromEnv(),
      }),
    }),
  );
  return routes;
}
