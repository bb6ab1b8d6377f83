import { randomUUID } from 'node:crypto';
import { awsErrorOf, roleNameOf, signedClientFor, stageTarget } from '@internal-apis/stage-harness';
import type { AxiosInstance } from 'axios';

// Each caller's role may do exactly what its serverless.yml grants: notifications and orders may read
// users (GET /users/*) and nothing else. A denial is API Gateway's 403 AccessDeniedException naming
// the role and the method ARN, and the users code never runs (nothing is created, changed or deleted).

let runner: AxiosInstance;
let user: { id: string; email: string; name: string };

beforeAll(async () => {
  runner = await signedClientFor('users');
  const created = await runner.post('/users', { email: `least-${randomUUID()}@example.com`, name: 'Ada' });
  expect(created.status).toBe(201);
  user = created.data;
});

/**
 * API Gateway's words for denying `caller`'s role `execute-api:Invoke` on `{verb} {path}` of the users
 * API. AWS may mask the account id in the resource ARN (`********1234`), hence `[0-9*]`.
 */
function accessDenied(caller: string, verb: string, path: string) {
  const { region, stage } = stageTarget();
  const role = escapeRegExp(roleNameOf(caller));
  const resource = `arn:aws:execute-api:${region}:[0-9*]{12}:[a-z0-9]+/${escapeRegExp(`${stage}/${verb}${path}`)}`;
  return {
    status: 403,
    errorType: 'AccessDeniedException',
    message: expect.stringMatching(
      new RegExp(
        `^User: arn:aws:sts::\\d{12}:assumed-role/${role}/[\\w+=,.@-]+ is not authorized to perform: execute-api:Invoke on resource: ${resource}$`,
      ),
    ),
  };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('as the notifications role', () => {
  let users: AxiosInstance;

  beforeAll(async () => {
    users = await signedClientFor('users', { as: { service: 'notifications' } });
  });

  test('GET /users/{id} is allowed', async () => {
    const response = await users.get(`/users/${user.id}`);

    expect(response.status).toBe(200);
    expect(response.data).toEqual(user);
  });

  test('POST /users is AccessDenied, and nobody is created', async () => {
    const email = `by-notifications-${randomUUID()}@example.com`;

    const response = await users.post('/users', { email, name: 'Not allowed' });

    expect(awsErrorOf(response)).toEqual(accessDenied('notifications', 'POST', '/users'));
    expect(response.data).toHaveProperty('Message');
    expect((await runner.get('/users', { params: { email } })).status).toBe(404);
  });

  test('DELETE /users/{id} is AccessDenied, and the user is still there', async () => {
    const response = await users.delete(`/users/${user.id}`);

    expect(awsErrorOf(response)).toEqual(accessDenied('notifications', 'DELETE', `/users/${user.id}`));
    expect((await runner.get(`/users/${user.id}`)).status).toBe(200);
  });
});

describe('as the orders role', () => {
  let users: AxiosInstance;

  beforeAll(async () => {
    users = await signedClientFor('users', { as: { service: 'orders' } });
  });

  test('GET /users/{id} is allowed', async () => {
    expect((await users.get(`/users/${user.id}`)).status).toBe(200);
  });

  test('PATCH /users/{id} is AccessDenied, and the user is unchanged', async () => {
    const response = await users.patch(`/users/${user.id}`, { name: 'Changed by orders' });

    expect(awsErrorOf(response)).toEqual(accessDenied('orders', 'PATCH', `/users/${user.id}`));
    expect((await runner.get(`/users/${user.id}`)).data).toEqual(user);
  });
});
