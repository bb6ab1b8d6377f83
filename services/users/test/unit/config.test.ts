import { usersTablesFromEnv } from '../../src/config';

describe('usersTablesFromEnv', () => {
  it('reads both table names', () => {
    expect(usersTablesFromEnv({ USERS_TABLE: 'users-dev', USERS_EMAILS_TABLE: 'users-emails-dev' })).toEqual({
      usersTable: 'users-dev',
      emailsTable: 'users-emails-dev',
    });
  });

  it('fails naming every missing variable', () => {
    expect(() => usersTablesFromEnv({})).toThrow('USERS_TABLE, USERS_EMAILS_TABLE');
    expect(() => usersTablesFromEnv({ USERS_TABLE: 'users-dev' })).toThrow(
      /^Missing environment variable\(s\) USERS_EMAILS_TABLE:/,
    );
  });
});
