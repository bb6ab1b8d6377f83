import { conditionContext, evaluateConditions } from '../../src/iam/conditions';

type Block = Record<string, Record<string, unknown>>;

function check(
  block: Block,
  context: Record<string, string | string[]>,
  variables = true,
  absentKeys: string[] = [],
) {
  return evaluateConditions(block, conditionContext(context, absentKeys), variables).kind;
}

describe('condition operators', () => {
  it.each([
    [{ StringEquals: { 'aws:PrincipalAccount': '000000000000' } }, 'true'],
    [{ StringEquals: { 'aws:PrincipalAccount': ['111111111111', '000000000000'] } }, 'true'],
    [{ StringEquals: { 'aws:PrincipalAccount': '111111111111' } }, 'false'],
    [{ StringNotEquals: { 'aws:PrincipalAccount': ['111111111111', '222222222222'] } }, 'true'],
    [{ StringNotEquals: { 'aws:PrincipalAccount': ['111111111111', '000000000000'] } }, 'false'],
    [{ StringEqualsIgnoreCase: { 'aws:PrincipalType': 'assumedrole' } }, 'true'],
    [{ StringNotEqualsIgnoreCase: { 'aws:PrincipalType': 'ASSUMEDROLE' } }, 'false'],
    [{ StringEquals: { 'aws:PrincipalType': 'assumedrole' } }, 'false'],
    [{ StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/orders-*' } }, 'true'],
    [{ StringNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/users-*' } }, 'true'],
    [{ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::000000000000:role/orders-*' } }, 'true'],
    [{ ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::000000000000:role/*' } }, 'true'],
    [{ ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::000000000000:role/orders-*' } }, 'false'],
    [{ Bool: { 'aws:SecureTransport': 'false' } }, 'true'],
    [{ Bool: { 'aws:SecureTransport': false } }, 'true'],
    [{ Bool: { 'aws:SecureTransport': 'true' } }, 'false'],
    [{ IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '127.0.0.0/8'] } }, 'true'],
    [{ IpAddress: { 'aws:SourceIp': '127.0.0.1' } }, 'true'],
    [{ NotIpAddress: { 'aws:SourceIp': '127.0.0.0/8' } }, 'false'],
    [{ NumericLessThan: { 'aws:EpochTime': '1800000000' } }, 'true'],
    [{ NumericGreaterThanEquals: { 'aws:EpochTime': 1767225600 } }, 'true'],
    [{ NumericEquals: { 'aws:EpochTime': '1767225601' } }, 'false'],
    [{ NumericNotEquals: { 'aws:EpochTime': '1767225601' } }, 'true'],
    [{ DateLessThan: { 'aws:CurrentTime': '2026-06-01T00:00:00Z' } }, 'true'],
    [{ DateGreaterThan: { 'aws:CurrentTime': '2026-06-01T00:00:00Z' } }, 'false'],
    [{ DateEquals: { 'aws:CurrentTime': '1767225600' } }, 'true'],
    [{ DateLessThanEquals: { 'aws:EpochTime': '2026-01-01T00:00:00Z' } }, 'true'],
    [{ Null: { 'aws:TokenIssueTime': 'true' } }, 'true'],
    [{ Null: { 'aws:SourceIp': 'true' } }, 'false'],
    [{ Null: { 'aws:SourceIp': 'false' } }, 'true'],
  ])('%j → %s', (block, expected) => {
    const context = {
      'aws:PrincipalAccount': '000000000000',
      'aws:PrincipalType': 'AssumedRole',
      'aws:PrincipalArn': 'arn:aws:iam::000000000000:role/orders-local-us-east-1-lambdaRole',
      'aws:SecureTransport': 'false',
      'aws:SourceIp': '127.0.0.1',
      'aws:EpochTime': '1767225600',
      'aws:CurrentTime': '2026-01-01T00:00:00.000Z',
    };
    expect(check(block as Block, context, true, ['aws:TokenIssueTime'])).toBe(expected);
  });

  it('compares condition key names case-insensitively', () => {
    expect(check({ StringEquals: { 'AWS:SOURCEIP': '127.0.0.1' } }, { 'aws:SourceIp': '127.0.0.1' })).toBe(
      'true',
    );
  });

  it('reads the IPv4 address inside an IPv4-mapped IPv6 source address', () => {
    expect(
      check({ IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } }, { 'aws:SourceIp': '::ffff:127.0.0.1' }),
    ).toBe('true');
  });

  it('matches IPv6 addresses against IPv6 blocks', () => {
    expect(check({ IpAddress: { 'aws:SourceIp': '::1/128' } }, { 'aws:SourceIp': '::1' })).toBe('true');
    expect(check({ IpAddress: { 'aws:SourceIp': '2001:db8::/32' } }, { 'aws:SourceIp': '::1' })).toBe(
      'false',
    );
  });

  it('ANDs operators and keys: one false makes the block false', () => {
    const block = { Bool: { 'aws:SecureTransport': 'false' }, StringEquals: { 'aws:SourceIp': '10.0.0.1' } };
    expect(check(block, { 'aws:SecureTransport': 'false', 'aws:SourceIp': '127.0.0.1' })).toBe('false');
  });
});

describe('conditions the local stage cannot evaluate', () => {
  it('a key the stage does not know is unevaluable with any operator, IfExists and Null included', () => {
    expect(
      evaluateConditions({ StringEquals: { 'aws:SourceVpc': 'vpc-1' } }, conditionContext({}), true),
    ).toEqual({
      kind: 'unevaluable',
      reasons: [
        'StringEquals on aws:SourceVpc: the local stage does not know aws:SourceVpc for this request',
      ],
    });
    expect(check({ StringEqualsIfExists: { 'aws:SourceVpc': 'vpc-1' } }, {})).toBe('unevaluable');
    expect(check({ StringNotEquals: { 'aws:SourceVpc': 'vpc-1' } }, {})).toBe('unevaluable');
    expect(check({ Null: { 'aws:SourceVpc': 'true' } }, {})).toBe('unevaluable');
    expect(check({ 'ForAllValues:StringEquals': { 'aws:ResourceTag/team': 'a' } }, {})).toBe('unevaluable');
  });

  it('IfExists still checks a key that is present', () => {
    expect(check({ StringEqualsIfExists: { 'aws:SourceVpc': 'vpc-1' } }, { 'aws:SourceVpc': 'vpc-2' })).toBe(
      'false',
    );
  });

  it('an unparsable value is unevaluable rather than false', () => {
    expect(
      evaluateConditions(
        { NumericLessThan: { 'aws:EpochTime': 'soon' } },
        conditionContext({ 'aws:EpochTime': '1' }),
        true,
      ),
    ).toEqual({
      kind: 'unevaluable',
      reasons: ["NumericLessThan on aws:EpochTime: 'soon' is not a number"],
    });
    expect(check({ IpAddress: { 'aws:SourceIp': '300.0.0.0/8' } }, { 'aws:SourceIp': '127.0.0.1' })).toBe(
      'unevaluable',
    );
    expect(
      check(
        { DateLessThan: { 'aws:CurrentTime': 'tomorrow' } },
        { 'aws:CurrentTime': '2026-01-01T00:00:00Z' },
      ),
    ).toBe('unevaluable');
  });

  it('BinaryEquals is not evaluated', () => {
    expect(check({ BinaryEquals: { 'aws:SourceIp': 'AAAA' } }, { 'aws:SourceIp': '127.0.0.1' })).toBe(
      'unevaluable',
    );
  });

  it('a multi-valued key without a set operator is unevaluable', () => {
    expect(check({ StringEquals: { 'aws:TagKeys': 'team' } }, { 'aws:TagKeys': ['team', 'cost'] })).toBe(
      'unevaluable',
    );
  });
});

describe('ForAnyValue and ForAllValues', () => {
  const tags = { 'aws:TagKeys': ['team', 'cost'] };

  it('ForAnyValue holds when one request value matches', () => {
    expect(check({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['cost', 'owner'] } }, tags)).toBe('true');
    expect(check({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['owner'] } }, tags)).toBe('false');
  });

  it('ForAllValues holds when every request value matches', () => {
    expect(check({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'cost', 'owner'] } }, tags)).toBe(
      'true',
    );
    expect(check({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } }, tags)).toBe('false');
  });

  it('ForAllValues holds vacuously for an empty set, ForAnyValue does not', () => {
    expect(check({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } }, { 'aws:TagKeys': [] })).toBe(
      'true',
    );
    expect(check({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team'] } }, { 'aws:TagKeys': [] })).toBe(
      'false',
    );
  });

  it('combines with IfExists', () => {
    expect(
      check({ 'ForAnyValue:StringLikeIfExists': { 'aws:TagKeys': 'te*' } }, {}, true, ['aws:TagKeys']),
    ).toBe('true');
  });
});

/** Writes an IAM policy variable, `${key}`, without a string that looks like a mistaken template. */
const variable = (inner: string) => `\${${inner}}`;

describe('policy variables in condition values', () => {
  it('are substituted in 2012-10-17 policies', () => {
    const block = { StringEquals: { 'aws:PrincipalTag/owner': variable('aws:username') } };
    expect(check(block, { 'aws:PrincipalTag/owner': 'ada', 'aws:username': 'ada' })).toBe('true');
  });

  it('take their default when the key is missing, and honour the escape for a literal *', () => {
    expect(
      check(
        { StringEquals: { 'aws:SourceVpc': variable("aws:username, 'nobody'") } },
        { 'aws:SourceVpc': 'nobody' },
      ),
    ).toBe('true');
    expect(
      check({ StringEquals: { 'aws:SourceVpc': `a${variable('*')}b` } }, { 'aws:SourceVpc': 'a*b' }),
    ).toBe('true');
  });

  it('make the condition unevaluable when their key is missing', () => {
    expect(
      check({ StringEquals: { 'aws:SourceVpc': variable('aws:username') } }, { 'aws:SourceVpc': 'vpc' }),
    ).toBe('unevaluable');
  });

  it('are literal text when the policy predates 2012-10-17', () => {
    expect(
      check(
        { StringEquals: { 'aws:SourceVpc': variable('aws:username') } },
        { 'aws:SourceVpc': variable('aws:username') },
        false,
      ),
    ).toBe('true');
  });
});

describe('IAM JSON policy elements: Condition operators — a key absent from the request context', () => {
  // aws:TokenIssueTime is absent for long-term keys; the request context says so.
  const absent = (block: Block) => check(block, {}, true, ['aws:TokenIssueTime']);

  it.each([
    ['StringEquals', 'false'],
    ['StringNotEquals', 'true'],
    ['StringEqualsIgnoreCase', 'false'],
    ['StringNotEqualsIgnoreCase', 'true'],
    ['StringLike', 'false'],
    ['StringNotLike', 'true'],
    ['ArnEquals', 'false'],
    ['ArnLike', 'false'],
    ['ArnNotEquals', 'true'],
    ['ArnNotLike', 'true'],
    ['NumericEquals', 'false'],
    ['NumericNotEquals', 'true'],
    ['NumericLessThan', 'false'],
    ['DateEquals', 'false'],
    ['DateNotEquals', 'true'],
    ['DateGreaterThan', 'false'],
    ['Bool', 'false'],
    ['IpAddress', 'false'],
    ['NotIpAddress', 'true'],
  ])('%s → %s: positive operators do not match, negated ones do', (operator, expected) => {
    expect(absent({ [operator]: { 'aws:TokenIssueTime': '1' } })).toBe(expected);
  });

  it.each([
    ['StringEqualsIfExists', 'true'],
    ['StringNotEqualsIfExists', 'true'],
    ['DateLessThanIfExists', 'true'],
    ['ForAllValues:StringEquals', 'true'],
    ['ForAllValues:StringNotLike', 'true'],
    ['ForAnyValue:StringEquals', 'false'],
    ['ForAnyValue:StringNotEquals', 'false'],
    ['ForAnyValue:StringEqualsIfExists', 'true'],
  ])('%s → %s: …IfExists and ForAllValues: hold, ForAnyValue: does not', (operator, expected) => {
    expect(absent({ [operator]: { 'aws:TokenIssueTime': '1' } })).toBe(expected);
  });

  it('Null tests for absence', () => {
    expect(absent({ Null: { 'aws:TokenIssueTime': 'true' } })).toBe('true');
    expect(absent({ Null: { 'aws:TokenIssueTime': 'false' } })).toBe('false');
  });

  it('a family declared absent covers each of its keys, and a present key of it is compared', () => {
    const families = ['aws:PrincipalTag/*'];
    expect(check({ StringNotEquals: { 'aws:PrincipalTag/team': 'x' } }, {}, true, families)).toBe('true');
    expect(check({ StringEquals: { 'aws:PrincipalTag/team': 'x' } }, {}, true, families)).toBe('false');
    expect(
      check(
        { StringEquals: { 'aws:PrincipalTag/team': 'x' } },
        { 'aws:PrincipalTag/team': 'x' },
        true,
        families,
      ),
    ).toBe('true');
  });

  it('an unknown operator stays unevaluable even on an absent key', () => {
    expect(absent({ StringSortOf: { 'aws:TokenIssueTime': '1' } })).toBe('unevaluable');
  });
});
