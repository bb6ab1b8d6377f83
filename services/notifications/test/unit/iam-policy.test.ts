import { itCallsUsersExactly, stageIamForTests } from '@internal-apis/users/iam-testing';
import { calls } from '../../src/calls';

// What notifications' role may do, read from its compiled template and evaluated by the local stage's
// IAM engine, without running anything: read users, append to its outbox, nothing more.

const iam = stageIamForTests();
const notifications = () => iam().role('notifications');

describe('the notifications role', () => {
  itCallsUsersExactly(notifications, calls.users);

  it('reads no other service’s URL', () => {
    expect(notifications().can('ssm:GetParameter', '/local/orders/url')).toBe(false);
  });

  it('appends to its outbox and can neither read nor delete it', () => {
    expect(notifications().can('dynamodb:PutItem', 'notifications-outbox-local')).toBe(true);
    expect(notifications().can('dynamodb:GetItem', 'notifications-outbox-local')).toBe(false);
    expect(notifications().can('dynamodb:DeleteItem', 'notifications-outbox-local')).toBe(false);
  });

  it('is refused POST /users because its grant names GET, and is told which line to change', () => {
    const { allowed, explanation } = notifications().check('POST', 'users', '/users');

    expect(allowed).toBe(false);
    expect(explanation.closest[0]?.differences.map((difference) => difference.part)).toEqual([
      'verb',
      'path',
    ]);
    expect(explanation.closest[0]?.site).toMatchObject({
      file: 'services/notifications/serverless.yml',
      line: expect.any(Number),
    });
  });
});
