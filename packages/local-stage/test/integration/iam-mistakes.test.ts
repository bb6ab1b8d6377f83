import { randomUUID } from 'node:crypto';
import { roleNameOf, signedClientFor, stageTarget } from '@internal-apis/stage-harness';

// Fixture services with one IAM mistake each (packages/local-stage/test/fixtures/services). Each probe
// attempts the AWS call its role was never granted and reports what happened; the local stage must
// refuse it with AccessDenied, as AWS would, instead of letting it pass.

interface ProbeAnswer {
  outcome: 'allowed' | 'refused';
  errors?: Array<{ name: string; message: string }>;
  text?: string;
}

let existingUserId: string;

beforeAll(async () => {
  // A real user, so a probe that reads users would succeed but for its IAM mistake.
  const users = await signedClientFor('users');
  const created = await users.post('/users', { email: `probe-${randomUUID()}@example.com`, name: 'Probe' });
  expect(created.status).toBe(201);
  existingUserId = created.data.id;
});

async function probe(service: string, method: 'GET' | 'POST', path: string): Promise<ProbeAnswer> {
  const client = await signedClientFor(service);
  const response = await client.request({ method, url: path });
  expect(response.status).toBe(200);
  return response.data;
}

/** `User: {role session} is not authorized to perform: {action} on resource: {arn}`, as AWS words it. */
function notAuthorized(role: string, action: string, resource: string): RegExp {
  const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(
    `User: arn:aws:sts::\\d{12}:assumed-role/${escaped(role)}/\\S+ is not authorized to perform: ${escaped(action)} on resource: ${escaped(resource)}`,
  );
}

test('a role without ssm:GetParameter cannot discover the users URL', async () => {
  const { region, accountId, stage } = localTarget();

  const answer = await probe('no-ssm-caller', 'GET', `/probe/${existingUserId}`);

  expect(answer.outcome).toBe('refused');
  expect(answer.errors?.map((error) => error.name)).toEqual([
    'UsersUnavailableError',
    'DiscoveryAccessDeniedError',
    'AccessDeniedException',
  ]);
  expect(answer.errors?.at(-1)?.message).toMatch(
    notAuthorized(
      roleNameOf('no-ssm-caller'),
      'ssm:GetParameter',
      `arn:aws:ssm:${region}:${accountId}:parameter/${stage}/users/url`,
    ),
  );
});

test('an execute-api ARN naming another stage does not let the caller read users', async () => {
  const { region, accountId, stage, services } = localTarget();
  // On the local stage a service's URL is `{endpoint}/{apiId}/{stage}`.
  const usersApiId = new URL(services.users?.url ?? '').pathname.split('/')[1];

  const answer = await probe('wrong-stage-caller', 'GET', `/probe/${existingUserId}`);

  expect(answer.outcome).toBe('refused');
  expect(answer.errors?.map((error) => error.name)).toEqual(['UsersUnavailableError', 'HttpStatusError']);
  expect(answer.text).toContain('returned 403: AccessDeniedException');
  expect(answer.text).toMatch(
    notAuthorized(
      roleNameOf('wrong-stage-caller'),
      'execute-api:Invoke',
      `arn:aws:execute-api:${region}:${accountId}:${usersApiId}/${stage}/GET/users/${existingUserId}`,
    ),
  );
});

test('a role without dynamodb:PutItem cannot write to its own table', async () => {
  const { region, accountId, stage } = localTarget();

  const answer = await probe('no-put-writer', 'POST', '/probe');

  expect(answer.outcome).toBe('refused');
  expect(answer.errors?.map((error) => error.name)).toEqual(['AccessDeniedException']);
  expect(answer.errors?.[0]?.message).toMatch(
    notAuthorized(
      roleNameOf('no-put-writer'),
      'dynamodb:PutItem',
      `arn:aws:dynamodb:${region}:${accountId}:table/no-put-writer-${stage}`,
    ),
  );
});

/** The fixtures are provisioned only by the local stage (see jest.config.js). */
function localTarget() {
  const target = stageTarget();
  if (target.kind !== 'local') throw new Error('The IAM-mistake fixtures exist only on the local stage');
  return target;
}
