/** The tables a users function works on, named by the environment serverless.yml sets. */
export interface UsersTables {
  usersTable: string;
  emailsTable: string;
}

/**
 * Reads USERS_TABLE and USERS_EMAILS_TABLE; throws if either is missing, so a misconfigured
 * function fails at cold start (visible in its init log) instead of on its first request.
 *
 * @example
 * const { usersTable, emailsTable } = usersTablesFromEnv();
 */
export function usersTablesFromEnv(env: NodeJS.ProcessEnv = process.env): UsersTables {
  const usersTable = env.USERS_TABLE;
  const emailsTable = env.USERS_EMAILS_TABLE;
  const missing = [usersTable ? '' : 'USERS_TABLE', emailsTable ? '' : 'USERS_EMAILS_TABLE'].filter(Boolean);
  if (!usersTable || !emailsTable) {
    throw new Error(`Missing environment variable(s) ${missing.join(', ')}: set them in serverless.yml`);
  }
  return { usersTable, emailsTable };
}
