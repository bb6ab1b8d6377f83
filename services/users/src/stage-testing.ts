/**
 * What the services' integration tests share on a stage (the local one, or a deployed one): a user
 * to work with, and an answer read the way every endpoint's property test checks it. Import it as
 * `@internal-apis/users/stage-testing` from integration tests only; no handler imports it, so no
 * bundle carries it.
 */
import { randomUUID } from 'node:crypto';
import { expectExplainedAnswer } from '@internal-apis/lambda-http/property-testing';
import { sendRaw, signedClientFor, signedRequestFor } from '@internal-apis/stage-harness';
import type { User } from './client';

/**
 * Creates a user through the users API, signed as the runner, with an email no other run uses
 * (`{emailPrefix}-{uuid}@example.com`), and returns it as the API answered.
 *
 * @example
 * let buyer: User;
 * beforeAll(async () => { buyer = await createTestUser('buyer'); });
 */
export async function createTestUser(emailPrefix: string, name = 'Ada'): Promise<User> {
  const users = await signedClientFor('users');
  const created = await users.post('/users', { email: `${emailPrefix}-${randomUUID()}@example.com`, name });
  if (created.status !== 201) {
    throw new Error(`Creating a test user answered ${created.status}: ${JSON.stringify(created.data)}`);
  }
  return created.data as User;
}

/**
 * The statuses of a URL over API Gateway's limit (8192 characters), refused before any function
 * runs and never a 5xx: AWS answers 414, not always in JSON; the local stage 431 (Node's limit on
 * the request line and headers), with no body.
 */
export const URL_TOO_LONG: readonly number[] = [414, 431];

/** A service's answer: its status, and its body as JSON (undefined for a 204). */
export interface ExplainedAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: a JSON body, read by each test as the route defines it
  body: any;
}

/**
 * Sends exactly this method, path and body to `service`, signed as the runner (no client in between,
 * so hostile bytes arrive as written), and checks what every answer owes: no 5xx, every 400 naming
 * its fields (`expectExplainedAnswer`), a JSON body (none with a 204, anything with a URL too long),
 * and a 403 only from API Gateway (with its `x-amzn-ErrorType`: a path no route serves, or a
 * signature over a query the verifier reads otherwise), never from a function.
 *
 * @example
 * const { status, body } = await explainedAnswer('orders', 'POST', '/orders', '{"userId": "\\ud800"}');
 */
export async function explainedAnswer(
  service: string,
  method: string,
  path: string,
  body?: string,
): Promise<ExplainedAnswer> {
  const raw = await sendRaw(await signedRequestFor(service, { method, path, body }));
  const what = `${method} ${path.slice(0, 80)}`;
  const parsed = bodyOf(raw.body, raw.status, what);
  expectExplainedAnswer(raw.status, parsed, what);
  if (raw.status === 403 && !raw.headers['x-amzn-errortype']) {
    throw new Error(`${what}: 403 from the function`);
  }
  return { status: raw.status, body: parsed };
}

function bodyOf(text: string, status: number, what: string): unknown {
  if (URL_TOO_LONG.includes(status) || (status === 204 && text === '')) return text === '' ? undefined : text;
  try {
    return JSON.parse(text);
  } catch (error) {
    if (status >= 500) return text; // expectExplainedAnswer reports it as the 5xx it is
    throw new Error(`${what} answered ${status} with a body that is not JSON: ${text.slice(0, 200)}`, {
      cause: error,
    });
  }
}
