// biome-ignore-all lint/suspicious/noTemplateCurlyInString: serverless.yml's variables are written ${…}
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ApiContract, checkContracts } from '../../src/iam/contracts';
import { ANY_USER_ROUTE, type CallerGrant, GET_USER, syntheticStage } from '../fixtures/iam/synthetic-stage';

const usersContract: ApiContract = {
  service: 'users',
  client: '@internal-apis/users/client',
  routes: {
    getUser: { method: 'GET', path: '/users/{id}' },
    createUser: { method: 'POST', path: '/users' },
    updateUser: { method: 'PATCH', path: '/users/{id}' },
  },
};

/** A grant left behind when users renamed `/user/{id}` to `/users/{id}`. */
const RENAMED_ROUTE: CallerGrant = {
  yaml: [
    '        - Effect: Allow',
    '          Action: execute-api:Invoke',
    '          Resource: "arn:aws:execute-api:#{AWS::Region}:#{AWS::AccountId}:#{UsersApiId}/${sls:stage}/GET/user/*"',
  ],
  template: [
    {
      Effect: 'Allow',
      Action: ['execute-api:Invoke'],
      Resource: {
        'Fn::Sub': 'arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${UsersApiId}/local/GET/user/*',
      },
    },
  ],
};

describe('contracts between services, checked from the compiled templates', () => {
  it('hold when every declared call is granted and every grant names a declared call', async () => {
    const { iam } = await syntheticStage({ grant: GET_USER });

    expect(
      checkContracts(iam, {
        apis: [usersContract],
        callers: [{ service: 'orders', calls: { users: ['getUser'] } }],
      }),
    ).toEqual([]);
  });

  it('name the call a grant does not cover, the closest statement and the statement to add', async () => {
    const { iam } = await syntheticStage({ grant: GET_USER });

    const problems = checkContracts(iam, {
      apis: [usersContract],
      callers: [{ service: 'orders', calls: { users: ['getUser', 'createUser'] } }],
    });

    expect(problems).toEqual([
      expect.objectContaining({
        kind: 'call-not-granted',
        service: 'orders',
        route: 'POST /users',
        statement: 'statement 1 of policy orders-local-lambda (services/orders/serverless.yml:8)',
        message: expect.stringContaining('#{UsersApiId}/${sls:stage}/POST/users"'),
      }),
    ]);
    expect(problems[0]?.message).toMatch(
      /^orders calls users\.createUser \(POST \/users\), which its role does not allow:/,
    );
  });

  it('find a grant left naming a route the callee no longer has', async () => {
    const { iam } = await syntheticStage({ grant: RENAMED_ROUTE });

    const problems = checkContracts(iam, {
      apis: [usersContract],
      callers: [{ service: 'orders', calls: { users: ['getUser'] } }],
    });

    expect(problems.map((problem) => problem.kind)).toEqual(['call-not-granted', 'grant-without-route']);
    expect(problems[1]).toMatchObject({
      service: 'orders',
      statement: 'statement 1 of policy orders-local-lambda (services/orders/serverless.yml:7)',
      message: expect.stringMatching(
        /grants arn:aws:execute-api:us-east-1:000000000000:\w+\/local\/GET\/user\/\*, which names no route of any API of this stage \(users serves GET \/users, POST \/users, DELETE \/users\/\{id\}, GET \/users\/\{id\}, PATCH \/users\/\{id\}\)/,
      ),
    });
  });

  it('find routes a grant allows that the caller declares no call to', async () => {
    const { iam } = await syntheticStage({ grant: ANY_USER_ROUTE });

    const problems = checkContracts(iam, {
      apis: [usersContract],
      callers: [{ service: 'orders', calls: { users: ['getUser'] } }],
    });

    expect(problems.map(({ kind, route }) => `${kind} ${route}`)).toEqual([
      'grant-beyond-calls DELETE /users/{id} (users)',
      'grant-beyond-calls PATCH /users/{id} (users)',
    ]);
  });

  it("find a declared route the callee's API does not serve", async () => {
    const { iam } = await syntheticStage({ grant: GET_USER });
    const renamed = {
      ...usersContract,
      routes: { ...usersContract.routes, getUser: { method: 'GET', path: '/users/{userId}' } },
    };

    const problems = checkContracts(iam, { apis: [renamed], callers: [] });

    expect(problems).toEqual([
      expect.objectContaining({ kind: 'route-not-served', service: 'users', route: 'GET /users/{userId}' }),
    ]);
  });

  it("find a client method the caller's code calls without declaring it", async () => {
    const { iam, repoRoot } = await syntheticStage({ grant: GET_USER });
    const dir = join(repoRoot, 'services/orders');
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(
      join(dir, 'src/orders.ts'),
      [
        "import { createUsersClient } from '@internal-apis/users/client';",
        'const users = createUsersClient();',
        '// users.updateUser(id) in a comment is no call',
        'export const rename = (id: string) => users.updateUser(id, { name: "x" });',
        'export const read = (id: string) => users.getUser(id);',
      ].join('\n'),
    );

    const problems = checkContracts(iam, {
      apis: [usersContract],
      callers: [{ service: 'orders', calls: { users: ['getUser'] }, dir }],
    });

    expect(problems).toEqual([
      expect.objectContaining({
        kind: 'call-not-declared',
        route: 'PATCH /users/{id}',
        message: expect.stringMatching(
          /^orders calls users\.updateUser at .*services\/orders\/src\/orders\.ts:4 but does not declare it in src\/calls\.ts$/,
        ),
      }),
    ]);
  });
});
