// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub strings are written in CloudFormation's ${Name} syntax
import { type PackagedStack, stackOrder, type Template } from '../../src/cloudformation';
import { LocalStageError } from '../../src/errors';
import { stackOf } from '../fixtures/cloudformation/helpers';

const names = (stacks: PackagedStack[]) => stacks.map((stack) => stack.stackName);

function creating(parameterNames: unknown[], outputs: Template['Outputs'] = {}): Template {
  const resources = Object.fromEntries(
    parameterNames.map((Name, index) => [
      `Parameter${index}`,
      { Type: 'AWS::SSM::Parameter', Properties: { Name, Value: 'v' } },
    ]),
  );
  return { Resources: resources, Outputs: outputs };
}

function reading(ssmName: string, resources: Template['Resources'] = {}): Template {
  return {
    Parameters: { UsersApiId: { Type: 'AWS::SSM::Parameter::Value<String>', Default: ssmName } },
    Resources: resources,
  };
}

function errorOf(run: () => unknown): LocalStageError {
  try {
    run();
  } catch (error) {
    if (error instanceof LocalStageError) return error;
    throw error;
  }
  throw new Error('expected a LocalStageError');
}

describe('stackOrder', () => {
  it('puts the stack that creates an SSM parameter before the stacks that read it', () => {
    const orders = stackOf('orders-local', reading('/local/users/api-id'));
    const notifications = stackOf('notifications-local', reading('/local/users/api-id'));
    const users = stackOf('users-local', creating(['/local/users/api-id']));
    expect(names(stackOrder([orders, notifications, users]))).toEqual([
      'users-local',
      'orders-local',
      'notifications-local',
    ]);
  });

  it('resolves parameter names built with Fn::Sub or Fn::Join from pseudo parameters', () => {
    const users = stackOf('users-local', creating([{ 'Fn::Sub': '/local/${AWS::Region}/api-id' }]));
    const billing = stackOf(
      'billing-local',
      creating([{ 'Fn::Join': ['/', ['', 'local', { Ref: 'AWS::StackName' }]] }]),
    );
    const orders = stackOf('orders-local', reading('/local/us-east-1/api-id'));
    const audit = stackOf('audit-local', reading('/local/billing-local'));
    expect(names(stackOrder([audit, orders, users, billing]))).toEqual([
      'billing-local',
      'audit-local',
      'users-local',
      'orders-local',
    ]);
  });

  it('follows the SSM name given as an override instead of the Default', () => {
    const orders = stackOf('orders-local', reading('/local/users/api-id'));
    const users = stackOf('users-local', creating(['/local/users/api-id']));
    const ordersOverridden = { 'orders-local': { UsersApiId: '/elsewhere' } };
    expect(names(stackOrder([orders, users], { overrides: ordersOverridden }))).toEqual([
      'orders-local',
      'users-local',
    ]);
  });

  it('treats a name built from a resource as unknown rather than failing', () => {
    const users = stackOf('users-local', creating([{ 'Fn::Sub': '/local/${Api}/id' }]));
    const orders = stackOf('orders-local', reading('/local/users/api-id'));
    expect(names(stackOrder([orders, users]))).toEqual(['orders-local', 'users-local']);
  });

  it('matches names with the account id only when it is given', () => {
    const users = stackOf('users-local', creating([{ 'Fn::Sub': '/${AWS::AccountId}/users/api-id' }]));
    const orders = stackOf('orders-local', reading('/000000000000/users/api-id'));
    expect(names(stackOrder([orders, users]))).toEqual(['orders-local', 'users-local']);
    expect(names(stackOrder([orders, users], { accountId: '000000000000' }))).toEqual([
      'users-local',
      'orders-local',
    ]);
  });

  it('puts the stack that exports a value before the stacks that import it', () => {
    const users = stackOf(
      'users-local',
      creating([], { Url: { Value: 'https://x', Export: { Name: { 'Fn::Sub': '${AWS::StackName}-url' } } } }),
    );
    const importer = {
      Type: 'AWS::SSM::Parameter',
      Properties: { Value: { 'Fn::ImportValue': 'users-local-url' } },
    };
    const orders = stackOf('orders-local', { Resources: { UsersUrl: importer } });
    expect(names(stackOrder([orders, users]))).toEqual(['users-local', 'orders-local']);
  });

  it('reports stacks that read from each other', () => {
    const users = stackOf('users-local', {
      ...reading('/local/orders/url'),
      ...creating(['/local/users/api-id']),
    });
    const orders = stackOf('orders-local', {
      ...reading('/local/users/api-id'),
      ...creating(['/local/orders/url']),
    });
    expect(errorOf(() => stackOrder([users, orders])).message).toMatch(
      /^Circular dependency between stacks: \[users-local, orders-local\]/,
    );
  });

  it('reports two stacks that create the same SSM parameter', () => {
    const users = stackOf('users-local', creating(['/local/users/url']));
    const copy = stackOf('copy-local', creating(['/local/users/url']));
    expect(errorOf(() => stackOrder([users, copy])).message).toBe(
      'Stacks users-local and copy-local both create the SSM parameter /local/users/url',
    );
  });
});
