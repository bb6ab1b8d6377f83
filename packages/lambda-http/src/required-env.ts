import { MisconfiguredServiceError } from './errors';

/**
 * A variable the function's template sets. Without it the function cannot work whatever the request,
 * so this throws a MisconfiguredServiceError: a 500 that names the variable, never an unexplained one.
 * Read it where the container's clients are built, not at module load, so the answer is that 500
 * rather than a failed cold start (API Gateway's bare 502).
 *
 * @example
 * const orders = createOrders({ tableName: requiredEnv('ORDERS_TABLE') });
 */
export function requiredEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value) return value;
  throw new MisconfiguredServiceError(`This service is not configured: its ${name} variable is not set`, {
    fault: 'caller',
  });
}
