import { notificationsOfThisContainer } from '../../src/container';
import { createNotifications } from '../../src/notifications';
import { renderWelcome } from '../../src/welcome-message';
import { FakeDocumentClient } from './fakes';

describe('renderWelcome', () => {
  it('greets the user by name in the subject and the text', () => {
    const message = renderWelcome({ name: 'Grace Hopper' });
    expect(message.subject).toBe('Welcome, Grace Hopper!');
    expect(message.body).toMatch(/^Hello Grace Hopper,/);
  });
});

describe('createNotifications', () => {
  it('fails at construction when the outbox table name is missing', () => {
    expect(() => createNotifications({ tableName: '', documentClient: new FakeDocumentClient() })).toThrow(
      /OUTBOX_TABLE/,
    );
  });
});

describe('notificationsOfThisContainer', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('creates the Notifications once and reuses it while the container is warm', () => {
    process.env.OUTBOX_TABLE = 'notifications-outbox-test';
    process.env.STAGE = 'test';
    expect(notificationsOfThisContainer()).toBe(notificationsOfThisContainer());
  });
});
