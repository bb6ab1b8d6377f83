import type { PackagedStack } from '../../src/cloudformation';
import type { KeyRing } from '../../src/identity/key-ring';
import { type ProvisionedStack, provisionStack, reprovisionStack } from '../../src/provision/provision-stack';
import { ACCOUNT, sampleWorkspace } from '../fixtures/cloudformation/provisioning-stage';

// The packaged sample service (see the fixture), provisioned, edited and provisioned again.
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/sample-local-us-east-1-lambdaRole`;

const sample = sampleWorkspace('reprovision-');
const { newStage, sampleStack } = sample;

/** The sample stack as after an edit of its serverless.yml: `change` rewrites the template. */
// biome-ignore lint/suspicious/noExplicitAny: a test edits a template deep down, as a person would edit YAML.
function edited(stack: PackagedStack, change: (resources: Record<string, any>) => void): PackagedStack {
  const template = structuredClone(stack.template);
  change(template.Resources);
  return { ...stack, template };
}

/** listUsers, its method and permission removed; getUser also answers GET /users/{id}/again. */
function withoutListUsersWithNewRoute(stack: PackagedStack): PackagedStack {
  return edited(stack, (resources) => {
    for (const id of [
      'ListUsersLambdaFunction',
      'ListUsersLogGroup',
      'ApiGatewayMethodUsersGet',
      'ListUsersLambdaPermissionApiGateway',
    ])
      delete resources[id];
    resources.ApiGatewayResourceUsersIdVarAgain = {
      Type: 'AWS::ApiGateway::Resource',
      Properties: {
        ParentId: { Ref: 'ApiGatewayResourceUsersIdVar' },
        PathPart: 'again',
        RestApiId: { Ref: 'ApiGatewayRestApi' },
      },
    };
    resources.ApiGatewayMethodUsersIdVarAgainGet = {
      ...structuredClone(resources.ApiGatewayMethodUsersIdVarGet),
      Properties: {
        ...structuredClone(resources.ApiGatewayMethodUsersIdVarGet.Properties),
        ResourceId: { Ref: 'ApiGatewayResourceUsersIdVarAgain' },
      },
    };
    const deployment = Object.keys(resources).find((id) => id.startsWith('ApiGatewayDeployment')) ?? '';
    resources[deployment].DependsOn = ['ApiGatewayMethodUsersIdVarGet', 'ApiGatewayMethodUsersIdVarAgainGet'];
    // A tag for the role, and one more statement: dynamodb:PutItem on the table.
    resources.IamRoleLambdaExecution.Properties.Tags = [{ Key: 'team', Value: 'blue' }];
    resources.IamRoleLambdaExecution.Properties.Policies[0].PolicyDocument.Statement.push({
      Effect: 'Allow',
      Action: ['dynamodb:PutItem'],
      Resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/sample-local-users',
    });
  });
}

describe('reprovisionStack: an edited template over the running stack', () => {
  let stage: ReturnType<typeof newStage>;
  let before: ProvisionedStack;
  let after: ProvisionedStack;
  let providesChanged: boolean;
  let sessionBefore: ReturnType<KeyRing['roleSession']>;

  beforeAll(async () => {
    stage = newStage();
    const stack = sampleStack('edited');
    before = await provisionStack(stack, stage);
    const role = stage.roles.get(ROLE_ARN);
    if (!role) throw new Error('no role');
    sessionBefore = stage.keys.roleSession(role, 'sample-local-getUser');
    await sample.dynamodb.call('PutItem', { TableName: 'sample-local-users', Item: { id: { S: 'kept' } } });
    stage.ssm.put('/local/unrelated', 'mine', { type: 'String' });
    ({ provisioned: after, providesChanged } = await reprovisionStack(
      withoutListUsersWithNewRoute(stack),
      stage,
      before,
      {
        removeFunction: async (name) => void stage.removed.push(name),
      },
    ));
  });

  it('keeps the REST API id, so the URL every caller discovered, and serves the new route', () => {
    const apiId = before.resources.get('ApiGatewayRestApi')?.physicalId ?? '';
    expect(after.resources.get('ApiGatewayRestApi')?.physicalId).toBe(apiId);
    expect(
      stage.apis.get(apiId)?.router.match('/users/42/again', 'GET')?.method.integration.functionName,
    ).toBe('sample-local-getUser');
  });

  it('removes what the template no longer declares: the function, its method and its invoke permission', () => {
    const apiId = after.resources.get('ApiGatewayRestApi')?.physicalId ?? '';
    expect(stage.removed).toEqual(['sample-local-listUsers']);
    expect(stage.apis.get(apiId)?.router.match('/users', 'GET')).toBeUndefined();
    expect([...stage.invocableFunctions]).toEqual(['sample-local-getUser']);
  });

  it('keeps the table and its items, and SSM values it does not own', async () => {
    const { output } = await sample.dynamodb.call('GetItem', {
      TableName: 'sample-local-users',
      Key: { id: { S: 'kept' } },
    });
    expect(output.Item).toEqual({ id: { S: 'kept' } });
    expect(stage.ssm.get('/local/unrelated')?.value).toBe('mine');
  });

  it('keeps the role, its id and the access keys issued for it, now under the new policies and tags', () => {
    const role = stage.roles.get(ROLE_ARN);
    expect(role?.roleId).toBe(before.resources.get('IamRoleLambdaExecution')?.attributes.RoleId);
    const session = stage.keys.roleSession(role as NonNullable<typeof role>, 'sample-local-getUser');
    expect(session.accessKeyId).toBe(sessionBefore.accessKeyId);
    expect(JSON.stringify(sessionBefore.principal.policies)).toContain('dynamodb:PutItem');
    expect(sessionBefore.principal.tags).toEqual({ team: 'blue' });
    const redeployed = stage.deployed.filter((fn) => fn.functionName === 'sample-local-getUser').at(-1);
    expect(redeployed?.credentials().accessKeyId).toBe(sessionBefore.accessKeyId);
  });

  it('reports that what other stacks read from it (SSM values, exports) did not change', () => {
    expect(providesChanged).toBe(false);
    expect(after.exports).toEqual(before.exports);
  });

  it('reports a change to a published value, so the stacks reading it are provisioned again', async () => {
    const changed = edited(sampleStack('edited-again'), (resources) => {
      resources.UrlParameter.Properties.Value = 'https://example.com/moved';
    });
    const result = await reprovisionStack(changed, stage, after, { removeFunction: async () => undefined });
    expect(result.providesChanged).toBe(true);
  });
});
