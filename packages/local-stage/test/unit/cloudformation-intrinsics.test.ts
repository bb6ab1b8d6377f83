// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub strings are written in CloudFormation's ${Name} syntax
import { resolveValue } from '../../src/cloudformation';
import { TemplateError } from '../../src/errors';
import { fakeContext } from '../fixtures/cloudformation/helpers';

const at = { logicalId: 'OrdersFunction', path: 'Properties' };
const resolve = (value: unknown, ctx = fakeContext()) => resolveValue(value, ctx, at);

function errorOf(run: () => unknown): TemplateError {
  try {
    run();
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error('expected a TemplateError');
}

describe('Ref', () => {
  it.each([
    ['AWS::Region', 'us-east-1'],
    ['AWS::AccountId', '000000000000'],
    ['AWS::Partition', 'aws'],
    ['AWS::URLSuffix', 'amazonaws.com'],
    ['AWS::StackName', 'orders-local'],
  ])('resolves the pseudo parameter %s', (name, expected) => {
    expect(resolve({ Ref: name })).toBe(expected);
  });

  it('gives AWS::StackId as a stable stack ARN', () => {
    const stackId = resolve({ Ref: 'AWS::StackId' });
    expect(stackId).toMatch(
      /^arn:aws:cloudformation:us-east-1:000000000000:stack\/orders-local\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(resolve({ Ref: 'AWS::StackId' })).toBe(stackId);
  });

  it('removes a property or list element that is AWS::NoValue', () => {
    const value = { Name: 'x', Tags: { Ref: 'AWS::NoValue' }, List: ['a', { Ref: 'AWS::NoValue' }, 'b'] };
    expect(resolve(value)).toEqual({ Name: 'x', List: ['a', 'b'] });
    expect(resolve({ Ref: 'AWS::NoValue' })).toBeUndefined();
  });

  it('resolves template parameters, lists included, before resources', () => {
    expect(resolve({ Ref: 'UsersApiId' })).toBe('a1b2c3d4e5');
    expect(resolve({ Ref: 'Subnets' })).toEqual(['subnet-1', 'subnet-2']);
  });

  it("gives a resource's physical id from the context", () => {
    expect(resolve({ Ref: 'UsersTable' }, fakeContext({ physicalIds: { UsersTable: 'users-local' } }))).toBe(
      'users-local',
    );
  });

  it('rejects an unknown pseudo parameter', () => {
    expect(errorOf(() => resolve({ Value: { Ref: 'AWS::Nope' } })).message).toBe(
      'Stack orders-local, OrdersFunction.Properties.Value: Ref AWS::Nope: no such pseudo parameter',
    );
  });
});

describe('Fn::GetAtt', () => {
  it('accepts the list form and the dotted form, splitting at the first dot', () => {
    expect(resolve({ 'Fn::GetAtt': ['UsersTable', 'Arn'] })).toBe('arn:fake:UsersTable:Arn');
    expect(resolve({ 'Fn::GetAtt': 'Database.Endpoint.Address' })).toBe('arn:fake:Database:Endpoint.Address');
  });

  it('resolves an attribute name given as a Ref', () => {
    const ctx = fakeContext({ parameters: { Attribute: 'StreamArn' } });
    expect(resolve({ 'Fn::GetAtt': ['UsersTable', { Ref: 'Attribute' }] }, ctx)).toBe(
      'arn:fake:UsersTable:StreamArn',
    );
  });

  it('rejects a malformed argument at its property', () => {
    expect(errorOf(() => resolve({ Role: { 'Fn::GetAtt': 'JustAName' } })).message).toMatch(
      /^Stack orders-local, OrdersFunction\.Properties\.Role: Fn::GetAtt takes/,
    );
  });
});

describe('Fn::Sub', () => {
  it('substitutes pseudo parameters, parameters, resources and attributes', () => {
    const text =
      'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${UsersApiId}/${Api}/${Table.Arn}';
    expect(resolve({ 'Fn::Sub': text })).toBe(
      'arn:aws:execute-api:us-east-1:000000000000:a1b2c3d4e5/api-id/arn:fake:Table:Arn',
    );
  });

  it('keeps ${!Literal} as the text ${Literal}', () => {
    expect(resolve({ 'Fn::Sub': '${!Literal}-${AWS::Region}-${!Other.Attr}' })).toBe(
      '${Literal}-us-east-1-${Other.Attr}',
    );
  });

  it('takes variables from its map, resolving intrinsics in them, before anything else', () => {
    const value = {
      'Fn::Sub': [
        '${Base}/users/${AWS::Region}/${UsersApiId}',
        { Base: { 'Fn::ImportValue': 'users-local-url' }, UsersApiId: 'override' },
      ],
    };
    expect(resolve(value)).toBe('https://users.example/local/users/us-east-1/override');
  });

  it('rejects a variable that resolves to a list', () => {
    expect(errorOf(() => resolve({ Subnet: { 'Fn::Sub': 'subnet ${Subnets}' } })).message).toBe(
      'Stack orders-local, OrdersFunction.Properties.Subnet: Fn::Sub variable ${Subnets} does not resolve to a string (got a list)',
    );
  });
});

describe('Fn::Join, Fn::Select, Fn::Split, Fn::GetAZs, Fn::Base64, Fn::ImportValue', () => {
  it('joins resolved elements, including a list produced by another function', () => {
    const uri = {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':lambda:', { 'Fn::GetAtt': ['Fn', 'Arn'] }]],
    };
    expect(resolve(uri)).toBe('arn:aws:lambda:arn:fake:Fn:Arn');
    expect(resolve({ 'Fn::Join': [',', { Ref: 'Subnets' }] })).toBe('subnet-1,subnet-2');
  });

  it('selects from a split string, from GetAZs and from a list parameter', () => {
    expect(resolve({ 'Fn::Select': [1, { 'Fn::Split': ['/', '/local/users/url'] }] })).toBe('local');
    expect(resolve({ 'Fn::Select': ['2', { 'Fn::GetAZs': '' }] })).toBe('us-east-1c');
    expect(resolve({ 'Fn::Select': [0, { Ref: 'Subnets' }] })).toBe('subnet-1');
  });

  it('rejects an index out of bounds', () => {
    expect(
      errorOf(() => resolve({ Az: { 'Fn::Select': [3, { 'Fn::GetAZs': { Ref: 'AWS::Region' } }] } })).message,
    ).toBe(
      'Stack orders-local, OrdersFunction.Properties.Az: Fn::Select index 3 is out of bounds of a list of 3',
    );
  });

  it('gives zones of an explicit region', () => {
    expect(resolve({ 'Fn::GetAZs': 'eu-west-1' })).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
  });

  it('splits a resolved string', () => {
    expect(resolve({ 'Fn::Split': ['.', { 'Fn::Sub': '${Api}.execute-api' }] })).toEqual([
      'api-id',
      'execute-api',
    ]);
  });

  it('encodes Base64 after resolving', () => {
    expect(
      Buffer.from(
        String(resolve({ 'Fn::Base64': { 'Fn::Sub': 'region=${AWS::Region}' } })),
        'base64',
      ).toString(),
    ).toBe('region=us-east-1');
  });

  it('imports an export whose name is built with Fn::Sub', () => {
    expect(
      resolve(
        { 'Fn::ImportValue': { 'Fn::Sub': 'users-${AWS::StackName}' } },
        fakeContext({ stackName: 'local-url' }),
      ),
    ).toBe('https://users.example/local');
  });
});

describe('what the local stage does not resolve', () => {
  it.each([
    ['Fn::If', { 'Fn::If': ['IsProd', 'a', 'b'] }],
    ['Condition', { Condition: 'IsProd' }],
    ['Fn::FindInMap', { 'Fn::FindInMap': ['Map', 'Key', 'Value'] }],
    ['Fn::Transform', { 'Fn::Transform': { Name: 'AWS::Include' } }],
    ['Fn::Cidr', { 'Fn::Cidr': ['10.0.0.0/16', 2, 8] }],
  ])('stops at %s, naming the stack, resource and property path', (name, value) => {
    const error = errorOf(() =>
      resolve({ Environment: { Variables: { X: { 'Fn::Join': ['', ['a', value]] } } } }),
    );
    expect(error.message).toMatch(
      new RegExp(
        `^Stack orders-local, OrdersFunction\\.Properties\\.Environment\\.Variables\\.X: ${name} is not supported`,
      ),
    );
    expect(error).toMatchObject({
      stackName: 'orders-local',
      logicalId: 'OrdersFunction',
      propertyPath: 'Properties.Environment.Variables.X',
    });
  });

  it('names list positions in the property path', () => {
    const policies = [
      { PolicyDocument: { Statement: [{ Effect: 'Allow' }, { Resource: { 'Fn::If': [] } }] } },
    ];
    expect(errorOf(() => resolve({ Policies: policies })).propertyPath).toBe(
      'Properties.Policies[0].PolicyDocument.Statement[1].Resource',
    );
  });

  it('leaves an IAM Condition block beside Effect alone', () => {
    const statement = { Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': false } } };
    expect(resolve(statement)).toEqual(statement);
  });
});

describe('errors from the context', () => {
  it('reports a failing Ref or import at the property that holds it', () => {
    const ctx = fakeContext({
      ref: () => {
        throw new Error('not provisioned yet');
      },
    });
    const error = errorOf(() => resolve({ Role: { 'Fn::Sub': '${Role}' } }, ctx));
    expect(error.message).toBe(
      'Stack orders-local, OrdersFunction.Properties.Role: Ref Role: not provisioned yet',
    );
    expect(error.cause).toEqual(new Error('not provisioned yet'));
    expect(errorOf(() => resolve({ Url: { 'Fn::ImportValue': 'nope' } })).message).toBe(
      'Stack orders-local, OrdersFunction.Properties.Url: Fn::ImportValue nope: no stack exports nope',
    );
  });

  it('passes on a TemplateError the context throws', () => {
    const thrown = new TemplateError(
      'orders-local',
      'Table',
      undefined,
      'referenced before it was provisioned',
    );
    const ctx = fakeContext({
      getAtt: () => {
        throw thrown;
      },
    });
    expect(errorOf(() => resolve({ Arn: { 'Fn::GetAtt': ['Table', 'Arn'] } }, ctx))).toBe(thrown);
  });
});
