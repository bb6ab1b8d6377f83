import { loadStageIam, type RoleIam } from '@internal-apis/local-stage/iam';

// What notifications' role may do, read from its compiled template and evaluated by the local stage's
// IAM engine, without running anything: read users, append to its outbox, nothing more.

let notifications: RoleIam;

beforeAll(async () => {
  notifications = (await loadStageIam({ stage: 'local' })).role('notifications');
}, 180_000);

describe('the notifications role', () => {
  it('may read one user', () => {
    expect(notifications.can('GET', 'users', '/users/42')).toBe(true);
  });

  it.each([
    ['POST', '/users'],
    ['PATCH', '/users/42'],
    ['DELETE', '/users/42'],
  ])('may neither create, change nor delete users: %s %s', (method, path) => {
    expect(notifications.can(method, 'users', path)).toBe(false);
  });

  it('reads the users URL and no other parameter', () => {
    expect(notifications.can('ssm:GetParameter', '/local/users/url')).toBe(true);
    expect(notifications.can('ssm:GetParameter', '/local/orders/url')).toBe(false);
  });

  it('appends to its outbox and can neither read nor delete it', () => {
    expect(notifications.can('dynamodb:PutItem', 'notifications-outbox-local')).toBe(true);
    expect(notifications.can('dynamodb:GetItem', 'notifications-outbox-local')).toBe(false);
    expect(notifications.can('dynamodb:DeleteItem', 'notifications-outbox-local')).toBe(false);
  });

  it('is refused POST /users because its grant names GET, and is told which line to change', () => {
    const { allowed, explanation } = notifications.check('POST', 'users', '/users');

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
