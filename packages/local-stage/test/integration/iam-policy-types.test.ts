import { randomUUID } from 'node:crypto';
import { awsErrorOf, roleNameOf, signedClientFor, stageTarget } from '@internal-apis/stage-harness';

// The fixture service bounded-caller (packages/local-stage/test/fixtures/services): its role is
// granted by inline and managed policies under a permissions boundary, and its API has a resource
// policy. Each answer here is the one AWS gives for the same template.

let existingUserId: string;

beforeAll(async () => {
  const users = await signedClientFor('users');
  const created = await users.post('/users', {
    email: `bounded-${randomUUID()}@example.com`,
    name: 'Bounded',
  });
  expect(created.status).toBe(201);
  existingUserId = created.data.id;
});

/** The fixtures are provisioned only by the local stage (see jest.config.js). */
function localTarget() {
  const target = stageTarget();
  if (target.kind !== 'local') throw new Error('The fixture services exist only on the local stage');
  return target;
}

test('a managed policy grants: the role discovers the users URL through the only ssm:GetParameter it has', async () => {
  const client = await signedClientFor('bounded-caller');

  const answer = await client.get(`/probe/${existingUserId}`);

  expect(answer.status).toBe(200);
  expect(answer.data).toEqual({ outcome: 'allowed' });
});

test('a permissions boundary caps the role: a write its policy grants is refused by the boundary', async () => {
  const { region, accountId, stage } = localTarget();
  const client = await signedClientFor('bounded-caller');

  const answer = await client.post('/probe');

  expect(answer.status).toBe(200);
  expect(answer.data.outcome).toBe('refused');
  expect(answer.data.errors?.[0]).toEqual({
    name: 'AccessDeniedException',
    message: expect.stringMatching(
      new RegExp(
        `^User: arn:aws:sts::${accountId}:assumed-role/${roleNameOf('bounded-caller')}/\\S+ is not authorized to perform: ` +
          `dynamodb:PutItem on resource: arn:aws:dynamodb:${region}:${accountId}:table/bounded-caller-${stage} ` +
          'because no permissions boundary allows the dynamodb:PutItem action$',
      ),
    ),
  });
});

test("the API's resource policy denies a caller its identity policy allows: 403 AccessDeniedException", async () => {
  const { region, accountId, stage, services } = localTarget();
  const apiId = new URL(services['bounded-caller']?.url ?? '').pathname.split('/')[1];
  // The runner is an administrator: its identity policy allows every call.
  const client = await signedClientFor('bounded-caller');

  const answer = await client.get('/closed');

  expect(awsErrorOf(answer)).toEqual({
    status: 403,
    errorType: 'AccessDeniedException',
    message: expect.stringMatching(
      new RegExp(
        `is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:${region}:${accountId}:${apiId}/${stage}/GET/closed with an explicit deny$`,
      ),
    ),
  });
});
