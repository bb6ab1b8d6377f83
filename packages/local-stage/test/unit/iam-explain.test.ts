// biome-ignore-all lint/suspicious/noTemplateCurlyInString: serverless.yml's variables are written ${…}
import { formatExplanation } from '../../src/iam/explain-format';
import { GET_USER, syntheticStage, WRONG_STAGE } from '../fixtures/iam/synthetic-stage';

describe('explaining a decision with the stage IAM', () => {
  it('names the statement that granted an allowed call, and its line in serverless.yml', async () => {
    const { iam } = await syntheticStage({ grant: GET_USER });

    const answer = iam.role('orders').check('GET', 'users', '/users/42');

    expect(answer.allowed).toBe(true);
    expect(answer.route).toEqual({ service: 'users', method: 'GET', path: '/users/{id}' });
    expect(answer.explanation.matched).toEqual([
      expect.objectContaining({
        statement: { policyName: 'orders-local-lambda', index: 1, policyType: 'identity' },
        site: expect.objectContaining({
          file: 'services/orders/serverless.yml',
          line: 8,
          where: 'provider.iam.role.statements',
        }),
      }),
    ]);
  });

  it('for a grant on another stage, says the stage is the one part that differs and writes the grant with ${sls:stage}', async () => {
    const { iam, usersApiId } = await syntheticStage({ grant: WRONG_STAGE });

    const { allowed, explanation } = iam.role('orders').check('GET', 'users', '/users/42');

    expect(allowed).toBe(false);
    expect(explanation.effect).toBe('ImplicitDeny');
    expect(explanation.target).toEqual({
      service: 'users',
      apiId: usersApiId,
      stage: 'local',
      verb: 'GET',
      path: '/users/42',
      route: 'GET /users/{id}',
    });
    expect(explanation.closest).toHaveLength(1);
    expect(explanation.closest[0]?.differences).toEqual([
      { part: 'stage', statement: 'prod', request: 'local' },
    ]);
    expect(explanation.closest[0]?.site).toMatchObject({ file: 'services/orders/serverless.yml', line: 7 });
    expect(explanation.fix).toMatchObject({
      kind: 'add-statement',
      file: 'services/orders/serverless.yml',
      where: 'provider.iam.role.statements',
      line: 6,
    });
    expect(explanation.fix?.yaml).toEqual([
      '        - Effect: Allow',
      '          Action: execute-api:Invoke',
      '          Resource: "arn:aws:execute-api:#{AWS::Region}:#{AWS::AccountId}:#{UsersApiId}/${sls:stage}/GET/users/*"',
    ]);
    expect(explanation.summary).toContain('whose stage differs (prod, not local)');
  });

  it('for another verb, names verb and path, and grants the route the request reached, not its id', async () => {
    const { iam } = await syntheticStage({ grant: GET_USER });

    const { explanation } = iam.role('orders').check('PATCH', 'users', '/users/42');

    expect(explanation.closest[0]?.differences).toEqual([
      { part: 'verb', statement: 'GET', request: 'PATCH' },
    ]);
    expect(explanation.fix?.statement?.Resource).toMatch(/\/local\/PATCH\/users\/\*$/);
    expect(explanation.fix?.yaml?.at(-1)).toContain('#{UsersApiId}/${sls:stage}/PATCH/users/*"');
  });

  it('names an unknown SSM parameter as the resource that differs, written with the stage variable', async () => {
    const { iam } = await syntheticStage();

    const { allowed, explanation } = iam.role('orders').check('ssm:GetParameter', '/local/users/email');

    expect(allowed).toBe(false);
    expect(explanation.closest[0]?.differences).toEqual([
      { part: 'resource', statement: 'parameter/local/users/url', request: 'parameter/local/users/email' },
    ]);
    expect(explanation.fix?.yaml?.at(-1)).toBe(
      '          Resource: "arn:aws:ssm:#{AWS::Region}:#{AWS::AccountId}:parameter/${sls:stage}/users/email"',
    );
  });

  it("grants an action on the service's own table as Fn::GetAtt of the table", async () => {
    const { iam } = await syntheticStage();

    const { explanation } = iam.role('orders').check('dynamodb:DeleteItem', 'orders-local');

    expect(explanation.closest[0]?.differences).toEqual([
      { part: 'action', statement: 'dynamodb:PutItem, dynamodb:GetItem', request: 'dynamodb:DeleteItem' },
    ]);
    expect(explanation.fix?.yaml).toEqual([
      '        - Effect: Allow',
      '          Action: dynamodb:DeleteItem',
      '          Resource:',
      '            Fn::GetAtt: [OrdersTable, Arn]',
    ]);
  });

  it('says a Deny of the callee resource policy wins, where it is written, and that no grant helps', async () => {
    const { iam } = await syntheticStage({
      usersResourcePolicy: {
        yaml: [
          '      - Effect: Deny',
          '        Principal: "*"',
          '        Action: execute-api:Invoke',
          '        Resource: execute-api:/*/DELETE/users/*',
        ],
        document: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Deny',
              Principal: '*',
              Action: 'execute-api:Invoke',
              Resource: 'execute-api:/*/DELETE/users/*',
            },
          ],
        },
      },
      grant: {
        yaml: ['        - Effect: Allow', '          Action: execute-api:Invoke', '          Resource: "*"'],
        template: [{ Effect: 'Allow', Action: ['execute-api:Invoke'], Resource: '*' }],
      },
    });

    const { allowed, explanation } = iam.role('orders').check('DELETE', 'users', '/users/42');

    expect(allowed).toBe(false);
    expect(explanation.effect).toBe('ExplicitDeny');
    expect(explanation.decidedBy).toBe('resource');
    expect(explanation.matched[0]?.site).toMatchObject({
      file: 'services/users/serverless.yml',
      line: 6,
      where: 'provider.apiGateway.resourcePolicy',
    });
    expect(explanation.fix?.kind).toBe('explicit-deny');
  });

  it('finds a grant written in a policy resource, and adds the new one there, with the partition variable the file uses', async () => {
    const { iam } = await syntheticStage({ grant: WRONG_STAGE, grantInPolicyResource: true });

    const { explanation } = iam.role('orders').check('GET', 'users', '/users/42');

    expect(explanation.closest[0]).toMatchObject({
      statement: { policyName: 'orders-local-calls-users', index: 0 },
      site: {
        file: 'services/orders/serverless.yml',
        line: 30,
        where: 'resources.Resources.CallsUsersPolicy.Properties.PolicyDocument.Statement',
      },
    });
    expect(explanation.fix).toMatchObject({
      where: 'resources.Resources.CallsUsersPolicy.Properties.PolicyDocument.Statement',
      line: 29,
    });
    expect(explanation.fix?.yaml).toEqual([
      '            - Effect: Allow',
      '              Action: execute-api:Invoke',
      '              Resource: "arn:#{AWS::Partition}:execute-api:#{AWS::Region}:#{AWS::AccountId}:#{UsersApiId}/${sls:stage}/GET/users/*"',
    ]);
  });

  it('explains a route the callee does not serve as API Gateway refuses it, listing the routes', async () => {
    const { iam } = await syntheticStage();

    const { allowed, explanation } = iam.role('orders').check('GET', 'users', '/user/42');

    expect(allowed).toBe(false);
    expect(explanation.effect).toBe('NoRoute');
    expect(explanation.summary).toBe(
      'users has no route GET /user/42 (API Gateway answers 403 Missing Authentication Token); its routes: GET /users, POST /users, DELETE /users/{id}, GET /users/{id}, PATCH /users/{id}',
    );
  });

  it('prints the verdict, the closest statement with what differed, and the YAML to add', async () => {
    const { iam } = await syntheticStage({ grant: WRONG_STAGE });

    const text = formatExplanation(iam.role('orders').check('GET', 'users', '/users/42').explanation);

    expect(text).toMatch(
      /^DENIED \(implicit deny\): role orders-local-us-east-1-lambdaRole → execute-api:Invoke on arn:aws:execute-api:/,
    );
    expect(text).toContain(
      '  closest    statement 1 of policy orders-local-lambda — services/orders/serverless.yml:7',
    );
    expect(text).toContain('               stage: the statement has prod, the request local');
    expect(text).toContain(
      '  fix        add to services/orders/serverless.yml, provider.iam.role.statements (line 6):',
    );
    expect(text).toContain(
      '                 Resource: "arn:aws:execute-api:#{AWS::Region}:#{AWS::AccountId}:#{UsersApiId}/${sls:stage}/GET/users/*"',
    );
  });

  it('refuses to guess a role: names the roles there are', async () => {
    const { iam } = await syntheticStage();

    expect(() => iam.role('payments')).toThrow(
      'No role or service payments in stage local; there are: orders (orders-local-us-east-1-lambdaRole)',
    );
  });
});
