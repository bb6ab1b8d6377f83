// biome-ignore-all lint/suspicious/noTemplateCurlyInString: serverless.yml's variables are written ${…}
import { loadStageIam, type RoleIam } from '@internal-apis/local-stage/iam';

// What orders' role may do, read from its compiled template and evaluated by the local stage's IAM
// engine, without running anything: exactly what placing and reading an order needs.

let orders: RoleIam;

beforeAll(async () => {
  // Packages the services whose package is out of date first, as `npm start` does.
  orders = (await loadStageIam({ stage: 'local' })).role('orders');
}, 180_000);

describe('the orders role', () => {
  it('may read one user, on the users API of its own stage', () => {
    expect(orders.can('GET', 'users', '/users/42')).toBe(true);
  });

  it.each([
    ['POST', '/users'],
    ['PATCH', '/users/42'],
    ['DELETE', '/users/42'],
    ['GET', '/users?email=ada@example.com'],
  ])('may not %s %s on users', (method, path) => {
    expect(orders.can(method, 'users', path)).toBe(false);
  });

  it('calls no other API, its own included', () => {
    expect(orders.can('POST', 'notifications', '/notifications/welcome')).toBe(false);
    expect(orders.can('GET', 'orders', '/orders/1')).toBe(false);
  });

  it('reads exactly one SSM parameter: the users URL', () => {
    expect(orders.can('ssm:GetParameter', '/local/users/url')).toBe(true);
    expect(orders.can('ssm:GetParameter', '/local/users/api-id')).toBe(false);
    expect(orders.can('ssm:PutParameter', '/local/users/url')).toBe(false);
  });

  it('puts and gets orders, and nothing else on its table or any other', () => {
    expect(orders.can('dynamodb:PutItem', 'orders-local')).toBe(true);
    expect(orders.can('dynamodb:GetItem', 'orders-local')).toBe(true);
    expect(orders.can('dynamodb:DeleteItem', 'orders-local')).toBe(false);
    expect(orders.can('dynamodb:Scan', 'orders-local')).toBe(false);
    expect(orders.can('dynamodb:GetItem', 'users-local')).toBe(false);
  });

  it('explains a denial with the statement to add to its serverless.yml', () => {
    const { explanation } = orders.check('PATCH', 'users', '/users/42');

    expect(explanation.closest[0]?.differences).toEqual([
      { part: 'verb', statement: 'GET', request: 'PATCH' },
    ]);
    expect(explanation.fix?.file).toBe('services/orders/serverless.yml');
    expect(explanation.fix?.yaml?.join('\n')).toContain('#{UsersApiId}/${sls:stage}/PATCH/users/*"');
  });
});
