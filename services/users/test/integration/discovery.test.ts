import { randomUUID } from 'node:crypto';
import {
  DeleteParameterCommand,
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { createDiscovery, ServiceNotFoundError } from '@internal-apis/discovery';
import { HttpError } from '@internal-apis/lambda-http';
import { createSignedClient } from '@internal-apis/signed-client';
import { awsClientConfig, credentialsFor, signedClientFor, stageTarget } from '@internal-apis/stage-harness';
import { createUsersClient, UsersUnavailableError, usersErrorToHttp } from '@internal-apis/users/client';

// Callers find the users API through SSM: `/{stage}/users/url`, published by the users stack. These
// tests read it as the runner and as a caller's role, and remove it to see how a caller fails.

const { stage } = stageTarget();
const URL_PARAMETER = `/${stage}/users/url`;
const runnerSsm = new SSMClient(awsClientConfig());

/** The error a promise rejects with; fails the test if it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`Expected a rejection, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(Error);
  return outcome.error as Error;
}

async function parameterValue(name: string): Promise<string | undefined> {
  const { Parameter } = await runnerSsm.send(new GetParameterCommand({ Name: name }));
  return Parameter?.Value;
}

test('the users URL published in SSM serves the users API', async () => {
  const url = await parameterValue(URL_PARAMETER);
  expect(url).toMatch(/^https?:\/\/\S+$/);

  const users = await signedClientFor('users');
  const unknownId = randomUUID();
  const response = await users.get(`${url}/users/${unknownId}`);

  // The users code answered (API Gateway's own 404 would carry x-amzn-ErrorType).
  expect(response.status).toBe(404);
  expect(response.data).toEqual({ message: `User ${unknownId} not found` });
});

test('the users API id published in SSM is the API the URL points at', async () => {
  const [url, apiId] = await Promise.all([
    parameterValue(URL_PARAMETER),
    parameterValue(`/${stage}/users/api-id`),
  ]);

  expect(apiId).toMatch(/^[a-z0-9]+$/);
  expect(url).toContain(apiId);
});

test("a caller's role reads the users URL and no other parameter", async () => {
  const ordersSsm = new SSMClient(awsClientConfig({ service: 'orders' }));

  await expect(ordersSsm.send(new GetParameterCommand({ Name: URL_PARAMETER }))).resolves.toMatchObject({
    Parameter: { Name: URL_PARAMETER },
  });
  await expect(
    ordersSsm.send(new GetParameterCommand({ Name: `/${stage}/users/api-id` })),
  ).rejects.toMatchObject({
    name: 'AccessDeniedException',
    message: expect.stringContaining(`is not authorized to perform: ssm:GetParameter on resource:`),
  });
});

describe('with the users URL parameter removed', () => {
  /**
   * The users client exactly as the orders function builds it, but with a discovery cache of its own
   * on a clock the test moves: a deployed caller keeps the URL it found for its container's lifetime, so only a
   * caller that has not located users yet shows what a missing parameter does, and no test can make
   * a deployed container forget. It reads SSM and signs with the orders role's credentials, so IAM is
   * what the orders function meets. (On the local stage, packages/local-stage/test/integration/
   * discovery-outage.test.ts also shows the deployed callers' 503, on a private stage of its own.)
   *
   * While the parameter is removed, any other caller that is not warm fails too: against a shared
   * AWS stage the window is a few hundred milliseconds, and the parameter is restored in `finally`.
   */
  function coldOrdersCaller() {
    const { region } = stageTarget();
    const credentials = credentialsFor({ service: 'orders' });
    const clock = { now: 0 };
    const ssmClient = new SSMClient(awsClientConfig({ service: 'orders' }));
    const users = createUsersClient({
      discovery: createDiscovery({ stage, ssmClient, now: () => clock.now }),
      http: createSignedClient({ callee: 'users', region, credentials, retry: { retries: 0 } }),
    });
    return { users, clock };
  }

  let userId: string;
  let publishedUrl: string;

  beforeAll(async () => {
    const users = await signedClientFor('users');
    userId = (await users.post('/users', { email: `discovery-${randomUUID()}@example.com`, name: 'Ada' }))
      .data.id;
    publishedUrl = (await parameterValue(URL_PARAMETER)) ?? '';
    expect(publishedUrl).not.toBe('');
  });

  /** Removes the parameter for the duration of `run`, and puts the published value back whatever happens. */
  async function withoutUrlParameter(run: () => Promise<void>): Promise<void> {
    await runnerSsm.send(new DeleteParameterCommand({ Name: URL_PARAMETER }));
    try {
      await run();
    } finally {
      await runnerSsm.send(
        new PutParameterCommand({
          Name: URL_PARAMETER,
          Value: publishedUrl,
          Type: 'String',
          Overwrite: true,
        }),
      );
    }
  }

  test('SSM answers ParameterNotFound', async () => {
    await withoutUrlParameter(async () => {
      await expect(parameterValue(URL_PARAMETER)).rejects.toBeInstanceOf(ParameterNotFound);
    });
  });

  test('a caller that has not located users yet fails naming the parameter, which callers answer with 503', async () => {
    const { users, clock } = coldOrdersCaller();

    await withoutUrlParameter(async () => {
      const failure = await rejectionOf(users.getUser(userId));
      expect(failure).toBeInstanceOf(UsersUnavailableError);
      expect(failure).toMatchObject({ kind: 'discovery' });
      expect(failure.cause).toBeInstanceOf(ServiceNotFoundError);
      expect(failure.message).toContain(`SSM parameter ${URL_PARAMETER} does not exist`);

      // What the orders and notifications handlers answer for it: they map users failures with this.
      const answer = await rejectionOf(Promise.reject(failure).catch(usersErrorToHttp));
      expect(answer).toBeInstanceOf(HttpError);
      expect(answer).toMatchObject({ statusCode: 503 });
      expect((answer as HttpError).toBody()).toEqual({
        message: 'The users service could not be located',
        upstream: { callee: 'users', fault: 'discovery', kind: 'discovery' },
      });
    });

    // A failed lookup is given to callers for one refresh interval (1 s), not asked of SSM per call;
    // then the same caller finds users again.
    await expect(users.getUser(userId)).rejects.toMatchObject({ kind: 'discovery' });
    clock.now += 1_000;
    await expect(users.getUser(userId)).resolves.toMatchObject({ id: userId });
  });
});
