// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub strings are written in CloudFormation's ${Name} syntax
import { provisioningOrder, type TemplateResource } from '../../src/cloudformation';
import { problemOf } from '../fixtures/cloudformation/helpers';

const order = (resources: Record<string, TemplateResource>, parameters = {}) =>
  provisioningOrder({ Parameters: parameters, Resources: resources }, 'users-local');

const queue = { Type: 'AWS::SQS::Queue' };

describe('provisioningOrder', () => {
  it('keeps template order for unrelated resources', () => {
    expect(order({ B: queue, A: queue, C: queue })).toEqual(['B', 'A', 'C']);
  });

  it('puts a resource after what it names in DependsOn, as a string or a list', () => {
    expect(order({ Fn: { ...queue, DependsOn: 'Logs' }, Logs: queue })).toEqual(['Logs', 'Fn']);
    expect(
      order({
        Deployment: { ...queue, DependsOn: ['GetMethod', 'PostMethod'] },
        GetMethod: queue,
        PostMethod: queue,
      }),
    ).toEqual(['GetMethod', 'PostMethod', 'Deployment']);
  });

  it('puts a resource after what it references with Ref and Fn::GetAtt, however deeply nested', () => {
    const fn = {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
        Environment: { Variables: { TABLE: { 'Fn::Join': ['', [{ Ref: 'Table' }]] } } },
      },
    };
    expect(order({ Fn: fn, Role: queue, Table: queue })).toEqual(['Role', 'Table', 'Fn']);
    expect(
      order({ Fn: { ...queue, Properties: { Attr: { 'Fn::GetAtt': 'Db.Endpoint.Address' } } }, Db: queue }),
    ).toEqual(['Db', 'Fn']);
  });

  it('follows Fn::Sub placeholders, but not its own variables, escapes, parameters or pseudo parameters', () => {
    const parameter = {
      Type: 'AWS::SSM::Parameter',
      Properties: {
        Value: {
          'Fn::Sub': [
            'https://${Api}.execute-api.${AWS::Region}/${Stage}/${!Literal}/${Table.Arn}',
            { Stage: 'local' },
          ],
        },
        Description: { 'Fn::Sub': '${UsersApiId}' },
      },
    };
    const resources = { UrlParameter: parameter, Table: queue, Api: queue, Stage: queue, Literal: queue };
    expect(order(resources, { UsersApiId: { Type: 'String' } })).toEqual([
      'Api',
      'Table',
      'UrlParameter',
      'Stage',
      'Literal',
    ]);
  });

  it('reports a cycle with the resources in it', () => {
    const resources = {
      Role: { ...queue, Properties: { Policy: { Ref: 'Fn' } } },
      Fn: { ...queue, Properties: { Role: { 'Fn::GetAtt': ['Role', 'Arn'] } } },
    };
    expect(problemOf(() => order(resources))).toBe(
      'Stack users-local: Circular dependency between resources: [Role, Fn]',
    );
    expect(problemOf(() => order({ Self: { ...queue, DependsOn: 'Self' } }))).toBe(
      'Stack users-local: Circular dependency between resources: [Self]',
    );
  });

  it('names the resource and property that reference something that does not exist', () => {
    const fn = {
      ...queue,
      Properties: { Environment: { Variables: { URL: { 'Fn::Sub': '${Missing.Url}' } } } },
    };
    expect(problemOf(() => order({ Fn: fn }))).toBe(
      'Stack users-local, Fn.Properties.Environment.Variables.URL: Template format error: Unresolved resource dependencies [Missing] in the Resources block of the template',
    );
    expect(problemOf(() => order({ Fn: { ...queue, DependsOn: ['Gone'] } }))).toBe(
      'Stack users-local, Fn.DependsOn: Template format error: Unresolved resource dependencies [Gone] in the Resources block of the template',
    );
  });

  it('stops at a resource-level Condition', () => {
    expect(problemOf(() => order({ Alarm: { ...queue, Condition: 'IsProd' } }))).toBe(
      'Stack users-local, Alarm.Condition: resource conditions are not supported by the local stage',
    );
  });
});
