import { awsErrorOf, roleNameOf, signedClientFor } from '@internal-apis/stage-harness';

// Against the stage: the local stage by default, a deployed one with `npm run test:integration --
// --stage dev`. API Gateway checks every call before the handler runs: a signed call from a principal
// granted execute-api:Invoke reaches it; any other principal gets 403 AccessDeniedException.

describe('GET /__SERVICE__/ping', () => {
  it('answers a permitted principal (you, the runner) with the caller API Gateway identified', async () => {
    const permitted = await signedClientFor('__SERVICE__');

    const response = await permitted.get('/__SERVICE__/ping');

    expect(response.status).toBe(200);
    expect(response.data).toEqual({
      service: '__SERVICE__',
      caller: expect.stringMatching(/^arn:aws[a-z-]*:/),
    });
  });

  it('refuses a principal without a grant: its own function role, which may call nobody', async () => {
    const asItsOwnRole = await signedClientFor('__SERVICE__', { as: { service: '__SERVICE__' } });

    const answer = awsErrorOf(await asItsOwnRole.get('/__SERVICE__/ping'));

    expect(answer).toMatchObject({ status: 403, errorType: 'AccessDeniedException' });
    expect(answer.message).toMatch(
      new RegExp(
        `assumed-role/${roleNameOf('__SERVICE__')}/.+ is not authorized to perform: execute-api:Invoke on resource: .+/GET/__SERVICE__/ping$`,
      ),
    );
  });
});
