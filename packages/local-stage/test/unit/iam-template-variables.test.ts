// biome-ignore-all lint/suspicious/noTemplateCurlyInString: serverless.yml's variables are written ${…}
import { apiIdParameterName, serverlessResource, yamlStatementLines } from '../../src/iam/template-variables';

const VARIABLES = {
  region: 'us-east-1',
  accountId: '000000000000',
  stage: 'local',
  parameters: { UsersApiId: 'k3q8x0abcd' },
  tables: { 'orders-local': 'OrdersTable' },
};

describe('a resolved ARN written back as serverless.yml writes it', () => {
  it.each([
    [
      'a method ARN, its API id by the parameter that reads it and its stage by variable',
      'arn:aws:execute-api:us-east-1:000000000000:k3q8x0abcd/local/GET/users/*',
      { sub: 'arn:aws:execute-api:#{AWS::Region}:#{AWS::AccountId}:#{UsersApiId}/${sls:stage}/GET/users/*' },
    ],
    [
      'a parameter path, the stage where it stands as a segment',
      'arn:aws:ssm:us-east-1:000000000000:parameter/local/users/url',
      { sub: 'arn:aws:ssm:#{AWS::Region}:#{AWS::AccountId}:parameter/${sls:stage}/users/url' },
    ],
    [
      "the service's own table, by Fn::GetAtt",
      'arn:aws:dynamodb:us-east-1:000000000000:table/orders-local',
      { getAtt: ['OrdersTable', 'Arn'] },
    ],
    [
      "another service's table, the stage as a word of its name",
      'arn:aws:dynamodb:us-east-1:000000000000:table/users-local',
      { sub: 'arn:aws:dynamodb:#{AWS::Region}:#{AWS::AccountId}:table/users-${sls:stage}' },
    ],
    [
      'another account and region, left as they are',
      'arn:aws:ssm:eu-west-1:111111111111:parameter/local/shared',
      { sub: 'arn:aws:ssm:eu-west-1:111111111111:parameter/${sls:stage}/shared' },
    ],
    [
      'a name that merely contains the stage, unchanged',
      'arn:aws:ssm:us-east-1:000000000000:parameter/locality',
      { sub: 'arn:aws:ssm:#{AWS::Region}:#{AWS::AccountId}:parameter/locality' },
    ],
  ])('%s', (_case, arn, expected) => {
    expect(serverlessResource(arn, VARIABLES)).toEqual(expected);
  });

  it('writes #{AWS::Partition} where the file does', () => {
    expect(
      serverlessResource('arn:aws:ssm:us-east-1:000000000000:parameter/local/x', {
        ...VARIABLES,
        partitionVariable: true,
      }),
    ).toEqual({
      sub: 'arn:#{AWS::Partition}:ssm:#{AWS::Region}:#{AWS::AccountId}:parameter/${sls:stage}/x',
    });
  });

  it('writes a statement as a list item at the list indentation, several actions and resources as lists', () => {
    expect(
      yamlStatementLines(
        {
          effect: 'Allow',
          actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
          resources: [{ getAtt: ['T', 'Arn'] }, { sub: 'arn:x' }],
        },
        4,
      ),
    ).toEqual([
      '    - Effect: Allow',
      '      Action:',
      '        - dynamodb:GetItem',
      '        - dynamodb:PutItem',
      '      Resource:',
      '        -',
      '          Fn::GetAtt: [T, Arn]',
      '        - "arn:x"',
    ]);
  });

  it('names a callee API id parameter as the template does', () => {
    expect(apiIdParameterName('users')).toBe('UsersApiId');
    expect(apiIdParameterName('user-profiles')).toBe('UserProfilesApiId');
  });
});
