import {
  awsErrorToHttp,
  jsonHandler,
  type Logger,
  parseInput,
  parseJsonBody,
  type RouteHandler,
} from '@internal-apis/lambda-http';
import type { APIGatewayProxyHandler } from 'aws-lambda';
import { emailQuerySchema, newUserSchema, userPatchSchema } from './user';
import type { Users } from './users';

export interface UsersRoutesOptions {
  /** Default: JSON lines on stdout. */
  logger?: Logger;
}

/** One Lambda handler per endpoint of the users API. */
export interface UsersRoutes {
  createUser: APIGatewayProxyHandler;
  getUser: APIGatewayProxyHandler;
  findUserByEmail: APIGatewayProxyHandler;
  updateUser: APIGatewayProxyHandler;
  deleteUser: APIGatewayProxyHandler;
}

/**
 * The users API over a Users domain: parse the event, call the domain, shape the response.
 * Path ids are not validated here: the domain answers a malformed id with 404, like an unknown one.
 * A DynamoDB call that fails names the party at fault, as the callers' handlers do for their own
 * tables: the function's credentials or role (500, `fault: "caller"`) or AWS throttling or failing
 * (503, `fault: "aws"`), with AWS's error type and request id; never an unexplained 500.
 *
 * @example
 * export const handler = createUsersRoutes(createUsers({ store })).getUser;
 */
export function createUsersRoutes(users: Users, options: UsersRoutesOptions = {}): UsersRoutes {
  /** `action` completes "This service cannot …" when the users tables fail it. */
  const route = (name: string, action: string, handle: RouteHandler) =>
    jsonHandler(name, (event, ctx) => handle(event, ctx).catch(awsErrorToHttp(action)), {
      logger: options.logger,
    });
  return {
    createUser: route('POST /users', 'create the user', async (event) => {
      const user = await users.create(parseJsonBody(event, newUserSchema));
      // Relative to the request URL, so it is right behind any base path: /{stage} on AWS, the
      // local stage's /{apiId}/{stage}, a custom domain's mapping.
      return { statusCode: 201, headers: { Location: `users/${user.id}` }, body: user };
    }),
    getUser: route('GET /users/{id}', 'read the user', async (event) => ({
      statusCode: 200,
      body: await users.get(pathId(event.pathParameters)),
    })),
    findUserByEmail: route('GET /users', 'find the user by email', async (event) => {
      const { email } = parseInput(event.queryStringParameters, emailQuerySchema, 'query');
      return { statusCode: 200, body: await users.findByEmail(email) };
    }),
    updateUser: route('PATCH /users/{id}', 'update the user', async (event) => {
      const patch = parseJsonBody(event, userPatchSchema);
      return { statusCode: 200, body: await users.update(pathId(event.pathParameters), patch) };
    }),
    deleteUser: route('DELETE /users/{id}', 'delete the user', async (event) => {
      await users.delete(pathId(event.pathParameters));
      return { statusCode: 204 };
    }),
  };
}

function pathId(pathParameters: Record<string, string | undefined> | null): string {
  return pathParameters?.id ?? '';
}
