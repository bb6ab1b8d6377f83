import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrontDoor } from '../../src/front-door/server';
import { AccessRecorder, formatAccessReport } from '../../src/iam';
import { type RunFile, readRun } from '../../src/iam/run-file';
import { StageExplainer } from '../../src/iam/stage-explainer';
import { KeyRing } from '../../src/identity/key-ring';
import { doorDeps } from '../fixtures/front-door/door-deps';
import { fetchAs } from '../fixtures/http/signed-fetch';
import { openRun, type SyntheticStage, syntheticStage, WRONG_STAGE } from '../fixtures/iam/synthetic-stage';

// A refusal explained where the stage's user looks (its log, the access report, the run file) while
// the answer on the wire stays AWS's, word for word.

describe('the front door explains each refusal, and answers as AWS does', () => {
  const logged: string[] = [];
  let stage: SyntheticStage;
  let door: FrontDoor;
  let run: RunFile;
  let recorder: AccessRecorder;
  let keys: KeyRing;

  beforeAll(async () => {
    stage = await syntheticStage({ grant: WRONG_STAGE });
    const { iam } = stage;
    keys = new KeyRing('000000000000');
    run = openRun(stage, join(mkdtempSync(join(tmpdir(), 'runs-')), 'runs'));
    const explainer = new StageExplainer({
      iam: () => iam,
      run: () => run,
      log: (line) => void logged.push(line),
      verbose: true,
      region: 'us-east-1',
      now: () => new Date(),
      lookupKey: (id) => keys.lookup(id),
    });
    recorder = new AccessRecorder({ onDecision: (decided) => explainer.decided(decided) });
    const api = iam.api('users');
    if (!api) throw new Error('no users API');
    door = await FrontDoor.listen(
      doorDeps({
        keys,
        recorder,
        onSignatureRefused: (request, service, error) => explainer.signatureRefused(request, service, error),
        apis: new Map([
          [api.apiId, { ...api.deployed, invocableFunctions: new Set(['users-local-getUser']) }],
        ]),
      }),
      { port: 0 },
    );
  });
  afterAll(() => door.close());

  it('answers a denied call with AWS message alone, and logs why with the grant to add', async () => {
    const orders = stage.iam.role('orders').role;
    const session = keys.roleSession(orders, 'orders-local-createOrder');
    const url = `${door.url}/${stage.usersApiId}/local/users/42`;
    const response = await fetchAs(session, 'GET', url);

    const resource = `arn:aws:execute-api:us-east-1:000000000000:${stage.usersApiId}/local/GET/users/42`;
    expect(await response.json()).toEqual({
      Message: `User: ${session.principal.arn} is not authorized to perform: execute-api:Invoke on resource: ${resource}`,
    });
    expect(logged[0]).toBe(
      `[iam] 403 AccessDenied: ${session.principal.arn} → execute-api:Invoke on ${resource}: no identity-based policy allows it; closest: statement 1 of policy orders-local-lambda (services/orders/serverless.yml:7), whose stage differs (prod, not local); add to services/orders/serverless.yml, provider.iam.role.statements (line 6): execute-api:Invoke on "arn:aws:execute-api:#{AWS::Region}:#{AWS::AccountId}:#{UsersApiId}/\${sls:stage}/GET/users/*"`,
    );
    expect(logged[1]).toContain('    fix        add to services/orders/serverless.yml');
    expect(formatAccessReport(recorder.report([]))).toContain(
      '      explained: no identity-based policy allows it; closest: statement 1',
    );
  });

  it('logs the likely cause of a refused signature and records it in the run', async () => {
    const url = `${door.url}/${stage.usersApiId}/local/users/42`;
    logged.length = 0;

    const response = await fetchAs(keys.developer, 'GET', url, { region: 'eu-west-1' });

    expect(response.status).toBe(403);
    expect(logged[0]).toMatch(
      /^\[sigv4\] 403 InvalidSignatureException: GET \/\w+\/local\/users\/42 \(execute-api\): likely: signed for region eu-west-1; this endpoint is us-east-1/,
    );
    await run.close();
    const recorded = readRun(run.file);
    expect(recorded.signatureFailures).toEqual([
      expect.objectContaining({
        service: 'execute-api',
        diagnosis: expect.objectContaining({ errorType: 'InvalidSignatureException' }),
      }),
    ]);
    expect(recorded.decisions).toEqual([
      expect.objectContaining({
        effect: 'ImplicitDeny',
        principal: {
          arn: expect.stringContaining('assumed-role/orders-local-us-east-1-lambdaRole/'),
          role: 'orders-local-us-east-1-lambdaRole',
        },
        explanation: expect.objectContaining({
          fix: expect.objectContaining({ file: 'services/orders/serverless.yml' }),
        }),
      }),
    ]);
  });
});
