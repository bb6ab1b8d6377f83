// biome-ignore-all lint/suspicious/noTemplateCurlyInString: serverless.yml's variables are written ${…}
import { itCallsUsersExactly, stageIamForTests } from '@internal-apis/users/iam-testing';
import { calls } from '../../src/calls';

// What orders' role may do, read from its compiled template and evaluated by the local stage's IAM
// engine, without running anything: exactly what placing and reading an order needs.

const iam = stageIamForTests();
const orders = () => iam().role('orders');

describe('the orders role', () => {
  itCallsUsersExactly(orders, calls.users);

  it('calls no other API, its own included', () => {
    expect(orders().can('POST', 'notifications', '/notifications/welcome')).toBe(false);
    expect(orders().can('GET', 'orders', '/orders/1')).toBe(false);
  });

  it('reads no other service’s URL', () => {
    expect(orders().can('ssm:GetParameter', '/local/notifications/url')).toBe(false);
  });

  it('puts and gets orders, and nothing else on its table or any other', () => {
    expect(orders().can('dynamodb:PutItem', 'orders-local')).toBe(true);
    expect(orders().can('dynamodb:GetItem', 'orders-local')).toBe(true);
    expect(orders().can('dynamodb:DeleteItem', 'orders-local')).toBe(false);
    expect(orders().can('dynamodb:Scan', 'orders-local')).toBe(false);
    expect(orders().can('dynamodb:GetItem', 'users-local')).toBe(false);
  });

  it('explains a denial with the statement to add to its serverless.yml', () => {
    const { explanation } = orders().check('PATCH', 'users', '/users/42');

    expect(explanation.closest[0]?.differences).toEqual([
      { part: 'verb', statement: 'GET', request: 'PATCH' },
    ]);
    expect(explanation.fix?.file).toBe('services/orders/serverless.yml');
    expect(explanation.fix?.yaml?.join('\n')).toContain('#{UsersApiId}/${sls:stage}/PATCH/users/*"');
  });
});
