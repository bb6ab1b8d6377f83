import { resolveParameters, type TemplateParameter } from '../../src/cloudformation';
import { problemOf, stackOf } from '../fixtures/cloudformation/helpers';

const ssm = new Map([
  ['/local/users/api-id', 'a1b2c3d4e5'],
  ['/local/users/other-api-id', 'f6g7h8i9j0'],
  ['/local/vpc/subnets', 'subnet-1,subnet-2'],
]);
const readSsm = (name: string) => ssm.get(name);

function resolveWith(parameters: Record<string, TemplateParameter>, overrides?: Record<string, string>) {
  const stack = stackOf('orders-local', { Parameters: parameters, Resources: {} });
  return resolveParameters(stack, { overrides, readSsm });
}

describe('resolveParameters', () => {
  it('takes the override, else the Default', () => {
    const parameters = {
      Stage: { Type: 'String', Default: 'local' },
      Level: { Type: 'String', Default: 'info' },
    };
    expect(resolveWith(parameters, { Level: 'debug' })).toEqual({ Stage: 'local', Level: 'debug' });
  });

  it('reads an AWS::SSM::Parameter::Value<String> from the SSM name in its Default or override', () => {
    const parameters = {
      UsersApiId: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/local/users/api-id' },
    };
    expect(resolveWith(parameters)).toEqual({ UsersApiId: 'a1b2c3d4e5' });
    expect(resolveWith(parameters, { UsersApiId: '/local/users/other-api-id' })).toEqual({
      UsersApiId: 'f6g7h8i9j0',
    });
  });

  it('splits an AWS::SSM::Parameter::Value<List<String>> into a list', () => {
    const parameters = {
      Subnets: { Type: 'AWS::SSM::Parameter::Value<List<String>>', Default: '/local/vpc/subnets' },
    };
    expect(resolveWith(parameters)).toEqual({ Subnets: ['subnet-1', 'subnet-2'] });
  });

  it('fails as CloudFormation does when the SSM parameter does not exist', () => {
    const parameters = {
      UsersApiId: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/local/nobody/api-id' },
    };
    const message = problemOf(() => resolveWith(parameters));
    expect(message).toMatch(/^Stack orders-local: Parameters: \[UsersApiId\] /);
    expect(message).toContain(
      'Unable to fetch parameters [/local/nobody/api-id] from parameter store for this account',
    );
    expect(message).toContain('/local/nobody/api-id does not exist');
  });

  it('names every parameter that has neither a value nor a default', () => {
    const parameters = { A: { Type: 'String' }, B: { Type: 'String', Default: 'b' }, C: { Type: 'Number' } };
    expect(problemOf(() => resolveWith(parameters))).toBe(
      'Stack orders-local: Parameters: [A, C] must have values',
    );
  });

  it('rejects an override for a parameter the template does not declare', () => {
    expect(problemOf(() => resolveWith({}, { Typo: 'x' }))).toBe(
      'Stack orders-local: Parameters: [Typo] do not exist in the template',
    );
  });

  it('checks AllowedValues and MinLength', () => {
    const stage = { Type: 'String', Default: 'local', AllowedValues: ['local', 'prod'], MinLength: 3 };
    expect(resolveWith({ Stage: stage })).toEqual({ Stage: 'local' });
    expect(problemOf(() => resolveWith({ Stage: stage }, { Stage: 'dev' }))).toBe(
      "Stack orders-local: Parameter 'Stage' must be one of AllowedValues",
    );
    expect(problemOf(() => resolveWith({ Name: { Type: 'String', MinLength: 3 } }, { Name: 'ab' }))).toBe(
      "Stack orders-local: Parameter 'Name' must contain at least 3 characters",
    );
  });

  it('requires AllowedPattern to match the whole value', () => {
    const id = { Type: 'String', AllowedPattern: '[a-z0-9]{10}' };
    expect(resolveWith({ Id: id }, { Id: 'a1b2c3d4e5' })).toEqual({ Id: 'a1b2c3d4e5' });
    expect(problemOf(() => resolveWith({ Id: id }, { Id: 'a1b2c3d4e5-extra' }))).toBe(
      "Stack orders-local: Parameter 'Id' must match pattern [a-z0-9]{10}",
    );
  });

  it('shows the ConstraintDescription instead of the rule when there is one', () => {
    const id = { Type: 'String', AllowedPattern: '[a-z]+', ConstraintDescription: 'lower-case letters only' };
    expect(problemOf(() => resolveWith({ Id: id }, { Id: 'ABC' }))).toBe(
      'Stack orders-local: Parameter Id failed to satisfy constraint: lower-case letters only',
    );
  });

  it('checks Number values and bounds, keeping the text as given', () => {
    const timeout = { Type: 'Number', Default: 10, MinValue: 1, MaxValue: 900 };
    expect(resolveWith({ Timeout: timeout })).toEqual({ Timeout: '10' });
    expect(problemOf(() => resolveWith({ Timeout: timeout }, { Timeout: 'ten' }))).toBe(
      "Stack orders-local: Parameter 'Timeout' must be a number",
    );
    expect(problemOf(() => resolveWith({ Timeout: timeout }, { Timeout: '901' }))).toBe(
      "Stack orders-local: Parameter 'Timeout' must be a number not greater than 900",
    );
  });

  it('splits a CommaDelimitedList and checks each item', () => {
    const verbs = { Type: 'CommaDelimitedList', Default: 'GET,POST', AllowedValues: ['GET', 'POST', 'PUT'] };
    expect(resolveWith({ Verbs: verbs })).toEqual({ Verbs: ['GET', 'POST'] });
    expect(problemOf(() => resolveWith({ Verbs: verbs }, { Verbs: 'GET,DELETE' }))).toBe(
      "Stack orders-local: Parameter 'Verbs' must be one of AllowedValues",
    );
    expect(resolveWith({ Ports: { Type: 'List<Number>', Default: '80,443' } })).toEqual({
      Ports: ['80', '443'],
    });
  });

  it('takes AWS-specific types as given and rejects unknown types', () => {
    expect(resolveWith({ Key: { Type: 'AWS::EC2::KeyPair::KeyName', Default: 'dev' } })).toEqual({
      Key: 'dev',
    });
    expect(problemOf(() => resolveWith({ X: { Type: 'Text', Default: 'x' } }))).toBe(
      'Stack orders-local: Template format error: Unrecognized parameter type: Text (parameter X)',
    );
  });
});
