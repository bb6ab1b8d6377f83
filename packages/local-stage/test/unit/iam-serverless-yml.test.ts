// biome-ignore-all lint/suspicious/noTemplateCurlyInString: serverless.yml's variables are written ${…}
import { ServerlessYml } from '../../src/iam/serverless-yml';
import { unifiedDiff } from '../../src/iam/yaml-patch';

const TEXT = [
  'service: orders',
  'provider:',
  '  iamRoleStatements:',
  '    # Read one user.',
  '    - Effect: Allow',
  '      Action: execute-api:Invoke',
  '      Resource: "arn:aws:execute-api:#{AWS::Region}:#{AWS::AccountId}:#{UsersApiId}/${sls:stage}/GET/users/*"',
  '    - Effect: Allow',
  '      Action: [dynamodb:GetItem, dynamodb:PutItem]',
  '      Resource:',
  '        Fn::GetAtt: [OrdersTable, Arn]',
  'custom:',
  '  iamAllowBroader:',
  '    - sid: ReadAnyUser',
  '      reason: reads users on behalf of support',
  '    - resource: "arn:aws:ssm:*"',
  '',
].join('\n');

describe('serverless.yml, read for the lines of its IAM statements', () => {
  const yml = ServerlessYml.fromText('services/orders/serverless.yml', TEXT);

  it('finds the statements of the older provider.iamRoleStatements, each with its lines and what it says', () => {
    expect(yml.providerStatementsPath).toEqual(['provider', 'iamRoleStatements']);
    expect(yml.statementList(yml.providerStatementsPath)).toEqual({
      path: ['provider', 'iamRoleStatements'],
      where: 'provider.iamRoleStatements',
      line: 3,
      indent: 4,
      items: [
        {
          index: 0,
          startLine: 5,
          endLine: 7,
          indent: 4,
          effect: 'Allow',
          actions: ['execute-api:Invoke'],
          resources: [
            'arn:aws:execute-api:#{AWS::Region}:#{AWS::AccountId}:#{UsersApiId}/${sls:stage}/GET/users/*',
          ],
        },
        {
          index: 1,
          startLine: 8,
          endLine: 11,
          indent: 4,
          effect: 'Allow',
          actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
          resources: ['Fn::GetAtt: [OrdersTable, Arn]'],
        },
      ],
    });
  });

  it('reads custom.iamAllowBroader with the line of each entry', () => {
    expect(yml.allowBroader()).toEqual([
      { sid: 'ReadAnyUser', reason: 'reads users on behalf of support', line: 14 },
      { resource: 'arn:aws:ssm:*', line: 16 },
    ]);
  });

  it('writes an edit as a unified diff with three lines of context', () => {
    const diff = unifiedDiff('services/orders/serverless.yml', TEXT, [
      { from: 9, to: 9, lines: ['      Action: dynamodb:PutItem'] },
    ]);

    expect(diff).toBe(
      [
        '--- a/services/orders/serverless.yml',
        '+++ b/services/orders/serverless.yml',
        '@@ -6,7 +6,7 @@',
        '       Action: execute-api:Invoke',
        '       Resource: "arn:aws:execute-api:#{AWS::Region}:#{AWS::AccountId}:#{UsersApiId}/${sls:stage}/GET/users/*"',
        '     - Effect: Allow',
        '-      Action: [dynamodb:GetItem, dynamodb:PutItem]',
        '+      Action: dynamodb:PutItem',
        '       Resource:',
        '         Fn::GetAtt: [OrdersTable, Arn]',
        ' custom:',
        '',
      ].join('\n'),
    );
  });

  it('numbers the lines after a removal in the next hunk', () => {
    const diff = unifiedDiff('f.yml', Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n'), [
      { from: 5, to: 6, lines: [] },
      { from: 20, to: 20, lines: ['twenty', 'twenty bis'] },
    ]);

    expect(diff.split('\n').filter((line) => line.startsWith('@@'))).toEqual([
      '@@ -2,8 +2,6 @@',
      '@@ -17,7 +15,8 @@',
    ]);
  });
});
