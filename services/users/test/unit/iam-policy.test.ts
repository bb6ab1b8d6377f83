import { contract } from '../../src/contract';
import { stageIamForTests } from '../../src/iam-testing';

// What the users role may do and who may call the users API, read from the compiled templates and
// evaluated by the local stage's IAM engine, without running anything.

const iam = stageIamForTests();

describe('the users role', () => {
  it.each(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'])('may %s on its users table', (operation) => {
    expect(iam().role('users').can(`dynamodb:${operation}`, 'users-local')).toBe(true);
  });

  it('may neither scan nor query its tables, nor touch another service’s', () => {
    expect(iam().role('users').can('dynamodb:Scan', 'users-local')).toBe(false);
    expect(iam().role('users').can('dynamodb:Query', 'users-local/index/byEmail')).toBe(false);
    expect(iam().role('users').can('dynamodb:GetItem', 'orders-local')).toBe(false);
  });

  it('keeps the email claims table to get, put and delete: a claim is never updated', () => {
    expect(iam().role('users').can('dynamodb:PutItem', 'users-emails-local')).toBe(true);
    expect(iam().role('users').can('dynamodb:UpdateItem', 'users-emails-local')).toBe(false);
  });
});

describe('the users API', () => {
  it('serves every route its client declares, each behind AWS_IAM', () => {
    const routes = iam()
      .api('users')
      ?.routes.map((route) => `${route.method} ${route.path} ${route.authorizationType}`);

    for (const route of Object.values(contract.routes))
      expect(routes).toContain(`${route.method} ${route.path} AWS_IAM`);
  });

  it('answers a path it does not serve before any IAM decision, as API Gateway does', () => {
    const { allowed, explanation } = iam().role('orders').check('GET', 'users', '/user/42');

    expect(allowed).toBe(false);
    expect(explanation.effect).toBe('NoRoute');
  });
});
