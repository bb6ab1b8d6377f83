// biome-ignore-all lint/suspicious/noTemplateCurlyInString: serverless.yml's variables are written ${…}
import { ciFailures, usageReport } from '../../src/iam/usage-report';
import { formatUsageReport } from '../../src/iam/usage-report-format';
import { ANY_USER_ROUTE, GET_USER, recordedRun, syntheticStage } from '../fixtures/iam/synthetic-stage';

const ORDERS_FILE = 'services/orders/serverless.yml';

async function reportOf(
  options: Parameters<typeof syntheticStage>[0],
  calls: Parameters<typeof recordedRun>[1],
) {
  const stage = await syntheticStage(options);
  const run = await recordedRun(stage, calls);
  const report = usageReport(stage.iam, run);
  const orders = report.roles.find((role) => role.service === 'orders');
  if (!orders) throw new Error('no orders role in the report');
  return { report, orders, stage };
}

describe('least privilege from use', () => {
  it('finds the routes a wildcard grant allows but the run never called, and narrows it to the route used', async () => {
    const { report, orders } = await reportOf({ grant: ANY_USER_ROUTE }, [
      ['GET', 'users', '/users/42'],
      ['GET', 'users', '/users/43'],
      ['ssm:GetParameter', '/local/users/url'],
      ['dynamodb:PutItem', 'orders-local'],
      ['dynamodb:GetItem', 'orders-local'],
    ]);

    expect(orders.findings).toEqual([
      expect.objectContaining({
        kind: 'routes-never-called',
        site: expect.objectContaining({ file: ORDERS_FILE, line: 7 }),
        text: expect.stringMatching(
          /\/local\/\*\/users\/\* also grants DELETE \/users\/\{id\} \(users\), PATCH \/users\/\{id\} \(users\), never called$/,
        ),
      }),
    ]);
    expect(orders.statements.find((usage) => usage.site?.line === 7)).toMatchObject({
      uses: 2,
      used: [
        expect.objectContaining({ route: 'GET /users/{id} (users)', count: 1 }),
        expect.objectContaining({ route: 'GET /users/{id} (users)', count: 1 }),
      ],
    });
    expect(report.patches).toEqual([
      {
        file: ORDERS_FILE,
        diff: [
          `--- a/${ORDERS_FILE}`,
          `+++ b/${ORDERS_FILE}`,
          '@@ -6,7 +6,7 @@',
          '       statements:',
          '         - Effect: Allow',
          '           Action: execute-api:Invoke',
          '-          Resource: "arn:aws:execute-api:#{AWS::Region}:#{AWS::AccountId}:#{UsersApiId}/${sls:stage}/*/users/*"',
          '+          Resource: "arn:aws:execute-api:#{AWS::Region}:#{AWS::AccountId}:#{UsersApiId}/${sls:stage}/GET/users/*"',
          '         - Effect: Allow',
          '           Action: ssm:GetParameter',
          '           Resource: "arn:aws:ssm:#{AWS::Region}:#{AWS::AccountId}:parameter/${sls:stage}/users/url"',
          '',
        ].join('\n'),
      },
    ]);
    expect(ciFailures(report)).toEqual([
      expect.stringMatching(
        /^services\/orders\/serverless\.yml:7: orders \(orders-local-us-east-1-lambdaRole\): .* also grants DELETE/,
      ),
    ]);
  });

  it('reports a statement never used and an action never called, and removes or narrows them', async () => {
    const { report, orders } = await reportOf({ grant: GET_USER }, [
      ['GET', 'users', '/users/42'],
      ['dynamodb:PutItem', 'orders-local'],
    ]);

    expect(orders.findings.map(({ kind, site, text }) => ({ kind, line: site?.line, text }))).toEqual([
      { kind: 'never-used', line: 11, text: 'never used in this run' },
      { kind: 'action-never-called', line: 14, text: 'dynamodb:GetItem never called' },
    ]);
    const diff = report.patches[0]?.diff ?? '';
    expect(diff).toContain(
      [
        '-        - Effect: Allow',
        '-          Action: ssm:GetParameter',
        '-          Resource: "arn:aws:ssm:#{AWS::Region}:#{AWS::AccountId}:parameter/${sls:stage}/users/url"',
      ].join('\n'),
    );
    expect(diff).toContain(
      [
        '         - Effect: Allow',
        '-          Action:',
        '-            - dynamodb:PutItem',
        '-            - dynamodb:GetItem',
        '+          Action: dynamodb:PutItem',
        '           Resource:',
        '             Fn::GetAtt: [OrdersTable, Arn]',
      ].join('\n'),
    );
  });

  it('keeps a grant broader than its use when custom.iamAllowBroader names it with a reason', async () => {
    const allowBroader = [
      '    - resource: "arn:aws:execute-api:#{AWS::Region}:#{AWS::AccountId}:#{UsersApiId}/${sls:stage}/*/users/*"',
      '      reason: orders will soon update users',
    ];
    const { report, orders } = await reportOf({ grant: ANY_USER_ROUTE, allowBroader }, [
      ['GET', 'users', '/users/42'],
      ['ssm:GetParameter', '/local/users/url'],
      ['dynamodb:PutItem', 'orders-local'],
      ['dynamodb:GetItem', 'orders-local'],
    ]);

    expect(orders.findings).toEqual([
      expect.objectContaining({
        kind: 'routes-never-called',
        allowedBy: { line: 21, reason: 'orders will soon update users' },
      }),
    ]);
    expect(ciFailures(report)).toEqual([]);
    expect(formatUsageReport(report)).toContain('(custom.iamAllowBroader: orders will soon update users)');
  });

  it('fails the CI mode on an allow-list entry without a reason', async () => {
    const allowBroader = [
      '    - resource: "arn:aws:execute-api:#{AWS::Region}:#{AWS::AccountId}:#{UsersApiId}/${sls:stage}/*/users/*"',
    ];
    const { report } = await reportOf({ grant: ANY_USER_ROUTE, allowBroader }, [
      ['GET', 'users', '/users/42'],
    ]);

    expect(ciFailures(report)).toContain(`${ORDERS_FILE}:21: custom.iamAllowBroader entry without a reason`);
  });

  it('lists each denial of the run with the explanation the stage gave', async () => {
    const { orders } = await reportOf({ grant: GET_USER }, [
      ['GET', 'users', '/users/42'],
      ['PATCH', 'users', '/users/42'],
      ['PATCH', 'users', '/users/42'],
    ]);

    expect(orders.denials).toEqual([
      expect.objectContaining({
        action: 'execute-api:Invoke',
        resource: expect.stringMatching(/\/local\/PATCH\/users\/42$/),
        count: 2,
        summary: expect.stringContaining('whose verb differs (GET, not PATCH)'),
        fix: expect.objectContaining({ file: ORDERS_FILE }),
      }),
    ]);
  });

  it('says when the templates changed since the run, and the CI mode refuses the stale run', async () => {
    const stage = await syntheticStage({ grant: GET_USER });
    const run = await recordedRun(stage, [['GET', 'users', '/users/42']]);
    const orders = run.header.services.find((service) => service.name === 'orders');
    if (orders) orders.templateDigest = 'sha256:older';

    const report = usageReport(stage.iam, run);

    expect(report.run.changedServices).toEqual(['orders']);
    expect(ciFailures(report)[0]).toBe(
      'orders: its template changed since this run; run the integration suite again',
    );
  });
});
