import fc from 'fast-check';
import type { Route, StageMap, Table } from './stage-map';

/** Who signs a request, and how the signature is flawed, if it is. */
export type Signer =
  | { kind: 'unsigned' }
  | { kind: 'header' | 'presigned'; principal: string; flaw: Flaw | undefined };

/**
 * What is wrong with a signature. `skewed` is no flaw: 4 minutes off is inside every service's window.
 * The others each make the request one AWS refuses.
 */
export type Flaw =
  | 'skewed'
  | 'wrong-secret'
  | 'unknown-key'
  | 'no-token'
  | 'other-token'
  | 'other-region'
  | 'other-service'
  | 'expired'
  | 'future';

/**
 * What happens to the request after it is signed. `none` and `extra-header` (an unsigned header the
 * signature does not cover) keep a valid signature valid; every other mutation changes something the
 * signature covers, or sends what is not a whole HTTP request.
 */
export type Mutation =
  | { kind: 'none' }
  | { kind: 'extra-header'; name: string; value: string }
  | { kind: 'signature' | 'body' | 'path' | 'query' | 'method' | 'date' | 'drop-date' }
  | { kind: 'garbage'; bytes: Uint8Array }
  | { kind: 'truncate'; fraction: number };

/** One request the fuzz suite sends: what a client means to send, who signs it, what then changes. */
export interface FuzzCase {
  service: 'execute-api' | 'ssm' | 'dynamodb' | 'sts';
  method: string;
  /** The path as sent, already percent-encoded. */
  path: string;
  /** Query pairs, decoded; they are sent encoded as SigV4 encodes them. */
  query: Array<[string, string]>;
  headers: Array<[string, string]>;
  body: string;
  signer: Signer;
  mutation: Mutation;
}

/** Names that were once object keys somewhere: a header, query or member named so must stay data. */
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'prototype'];

/** Path segments that routing, decoding and signing have each had trouble with somewhere. */
const NASTY_SEGMENTS = [
  '.',
  '..',
  '%2e',
  '%2E%2e',
  '.%2e',
  '%2F',
  'a%2fb',
  '%5C',
  '%zz',
  '%',
  '%FF',
  '%C3',
  '%00',
  '%41',
  '~',
  'a%20b',
  '+',
  "o'brien",
  '*',
  ';x=1',
  '__proto__',
  'constructor',
  '',
  'x'.repeat(1_700),
];

const token = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/);
const printable = fc.string({
  unit: fc.constantFrom(...' !"#$%&()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~'),
  maxLength: 40,
});
const anyText = fc.oneof(
  printable,
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(...PROTOTYPE_NAMES),
);
/** Mostly what a caller sends, sometimes anything at all. */
const mostly = <T>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 5, arbitrary: usual }, { weight: 1, arbitrary: odd });

const segment = fc.oneof(
  { weight: 4, arbitrary: fc.oneof(fc.uuid(), token) },
  {
    weight: 2,
    arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).map(encodeURIComponent),
  },
  { weight: 2, arbitrary: fc.constantFrom(...NASTY_SEGMENTS) },
);

/** Fills a route's `{param}` parts, and sometimes adds a segment, a trailing slash or a wrong stage or API. */
function executeApiPath(route: Route, urls: ReadonlyMap<string, string>) {
  const parts = route.resourcePath.split('/').filter(Boolean);
  return fc
    .record({
      values: fc.array(segment, { minLength: parts.length, maxLength: parts.length }),
      extra: fc.oneof({ weight: 15, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: segment }),
      trailingSlash: fc.integer({ min: 0, max: 9 }).map((roll) => roll < 2),
      base: fc.constantFrom(...Array<string>(20).fill('own'), 'wrong-stage', 'unknown-api'),
    })
    .map(({ values, extra, trailingSlash, base }) => {
      const [, apiId = '', stage = ''] = new URL(urls.get(route.service) ?? 'http://x/a/b').pathname.split(
        '/',
      );
      const prefix =
        base === 'own'
          ? `/${apiId}/${stage}`
          : base === 'wrong-stage'
            ? `/${apiId}/prod`
            : `/zzzzzzzzzz/${stage}`;
      const filled = parts.map((part, index) => (part.startsWith('{') ? (values[index] ?? 'x') : part));
      if (extra !== null) filled.push(extra);
      return `${prefix}/${filled.join('/')}${trailingSlash ? '/' : ''}`;
    });
}

const methods = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS');

/** A JSON body nested `depth` levels, in the shape of an attribute value or of plain lists. */
function deepJson(depth: number, shape: 'lists' | 'dynamodb'): string {
  return shape === 'lists'
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"L":['.repeat(depth)}{"S":"x"}${']}'.repeat(depth)}`;
}

const depths = fc.constantFrom(31, 33, 40, 99, 101, 2_000, 50_000);

const executeApiBody = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({ email: fc.emailAddress(), name: fc.string({ minLength: 1, maxLength: 20 }) })
      .map((value) => JSON.stringify(value)),
  },
  { weight: 2, arbitrary: fc.constant('') },
  {
    weight: 1,
    arbitrary: fc.record({ email: anyText, name: anyText }).map((value) => JSON.stringify(value)),
  },
  { weight: 1, arbitrary: fc.json({ maxDepth: 4 }) },
  { weight: 1, arbitrary: printable },
  { weight: 1, arbitrary: depths.map((depth) => deepJson(depth, 'lists')) },
);

function executeApiCase(map: StageMap, urls: ReadonlyMap<string, string>) {
  return fc.constantFrom(...map.routes).chain((route) =>
    fc.record({
      service: fc.constant('execute-api' as const),
      method: fc.oneof(
        { weight: 8, arbitrary: fc.constant(route.method) },
        { weight: 1, arbitrary: methods },
      ),
      path: executeApiPath(route, urls),
      query: fc.oneof(
        { weight: 3, arbitrary: fc.constant<Array<[string, string]>>([]) },
        {
          weight: 2,
          arbitrary: fc.array(fc.tuple(fc.oneof(token, anyText), anyText), { minLength: 1, maxLength: 4 }),
        },
      ),
      headers: fc.constantFrom<Array<[string, string]>>(
        [['content-type', 'application/json']],
        [['accept', 'application/json']],
        [],
      ),
      body: executeApiBody,
    }),
  );
}

const readableName = mostly(
  fc.constantFrom(
    '/local/users/url',
    '/local/users/api-id',
    '/local/orders/url',
    'arn:aws:ssm:us-east-1:000000000000:parameter/local/users/url',
    '/local/users/url:1',
  ),
  anyText,
);
/** Writes stay under `/local/fuzz/`: overwriting the services' own URLs would only break their calls. */
const writableName = mostly(
  segment.map((name) => `/local/fuzz/${name.replace(/[^A-Za-z0-9_.-]/g, '') || 'x'}`),
  anyText.map((name) => `/local/fuzz/${name}`),
);
/** A catastrophic pattern (nested quantifiers on a near miss) is rare: each costs the evaluation bound. */
const allowedPattern = fc.oneof(
  { weight: 12, arbitrary: fc.constant(undefined) },
  { weight: 4, arbitrary: fc.oneof(fc.constantFrom('^\\d+$', '^[a-z]+$', '(', '[', '^.*$'), printable) },
  { weight: 1, arbitrary: fc.constant('^(a+)+$') },
);
const parameterValue = fc.oneof(
  { weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) },
  { weight: 1, arbitrary: fc.constant(`${'a'.repeat(28)}!`) },
  { weight: 1, arbitrary: fc.constant('x'.repeat(5_000)) },
);

/** Members named after Object.prototype's, or anything, mixed into a body. */
const withJunk = (input: Record<string, unknown>) =>
  fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), token), fc.jsonValue({ maxDepth: 2 })), {
      maxLength: 2,
    })
    .map((junk) =>
      JSON.stringify(input).replace(
        /^\{/,
        `{${junk.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)},`).join('')}`,
      ),
    );

const SSM_INPUTS: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  GetParameter: fc.record({ Name: readableName, WithDecryption: fc.boolean() }, { requiredKeys: ['Name'] }),
  GetParameters: fc.record({ Names: fc.array(readableName, { minLength: 1, maxLength: 3 }) }),
  GetParametersByPath: fc.record(
    {
      Path: mostly(fc.constantFrom('/local', '/local/users', '/local/fuzz', '/local/users/'), anyText),
      Recursive: fc.boolean(),
      MaxResults: fc.integer({ min: 0, max: 11 }),
    },
    { requiredKeys: ['Path'] },
  ),
  PutParameter: fc.record(
    {
      Name: writableName,
      Value: parameterValue,
      Type: mostly(fc.constantFrom('String', 'SecureString', 'StringList'), fc.constant('Bogus')),
      Overwrite: fc.constant(true),
      AllowedPattern: allowedPattern,
    },
    { requiredKeys: ['Name', 'Value', 'Type', 'Overwrite'] },
  ),
  DeleteParameter: fc.record({ Name: writableName }),
};

/** A name the operation may use: writes stay under `/local/fuzz/`. */
const nameFor = (operation: string) =>
  operation === 'PutParameter' || operation === 'DeleteParameter' ? '/local/fuzz/deep' : '/local/users/url';

const ssmBody = (operation: string) =>
  fc.oneof(
    { weight: 6, arbitrary: (SSM_INPUTS[operation] ?? fc.constant({})).chain(withJunk) },
    { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
    {
      weight: 1,
      arbitrary: depths.map((depth) => `{"Name":"${nameFor(operation)}","X":${deepJson(depth, 'lists')}}`),
    },
    { weight: 1, arbitrary: printable },
  );

const ssmCase = fc
  .constantFrom(...Object.keys(SSM_INPUTS), 'DescribeParameters', 'NoSuchOperation')
  .chain((operation) =>
    fc.record({
      service: fc.constant('ssm' as const),
      method: fc.constant('POST'),
      path: fc.constant('/'),
      query: fc.constant<Array<[string, string]>>([]),
      headers: fc.constant<Array<[string, string]>>([
        ['content-type', 'application/x-amz-json-1.1'],
        ['x-amz-target', `AmazonSSM.${operation}`],
      ]),
      body: ssmBody(operation),
    }),
  );

/** DynamoDB attribute values, nested a few levels. */
const attributeValue = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ S: anyText }),
    fc.record({ N: fc.oneof(fc.integer().map(String), anyText) }),
    fc.record({ BOOL: fc.boolean() }),
    fc.constant({ NULL: true }),
    fc.record({ L: fc.array(tie('value'), { maxLength: 3 }) }),
    fc.record({ M: fc.dictionary(token, tie('value'), { maxKeys: 3 }) }),
    fc.jsonValue({ maxDepth: 1 }),
  ),
})).value;

/** The inputs of each DynamoDB operation, well formed for a table and its key. */
function dynamodbInputs(table: Table): Record<string, fc.Arbitrary<Record<string, unknown>>> {
  const TableName = mostly(
    fc.constant(table.name),
    fc.constantFrom(
      `arn:aws:dynamodb:us-east-1:000000000000:table/${table.name}`,
      `arn:aws:dynamodb:eu-west-1:111111111111:table/${table.name}`,
      'no-such-table',
    ),
  );
  const Key = fc
    .oneof(
      fc.uuid(),
      token.map((name) => `fuzz-${name}`),
    )
    .map((id) => ({ [table.key]: { S: id } }));
  const Item = fc
    .tuple(Key, fc.dictionary(token, attributeValue, { maxKeys: 3 }))
    .map(([key, rest]) => ({ ...rest, ...key }));
  return {
    GetItem: fc.record({ TableName, Key }),
    PutItem: fc.record({ TableName, Item }),
    DeleteItem: fc.record({ TableName, Key }),
    UpdateItem: fc.record({
      TableName,
      Key,
      UpdateExpression: fc.constant('SET #a = :v'),
      ExpressionAttributeNames: fc.constant({ '#a': 'fuzz' }),
      ExpressionAttributeValues: attributeValue.map((value) => ({ ':v': value })),
    }),
    Query: fc.record({
      TableName,
      KeyConditionExpression: fc.constant('#k = :v'),
      ExpressionAttributeNames: fc.constant({ '#k': table.key }),
      ExpressionAttributeValues: fc.uuid().map((id) => ({ ':v': { S: id } })),
    }),
    Scan: fc.record({ TableName, Limit: fc.integer({ min: 0, max: 5 }) }),
    BatchGetItem: Key.map((key) => ({ RequestItems: { [table.name]: { Keys: [key] } } })),
    BatchWriteItem: Item.map((item) => ({
      RequestItems: { [table.name]: [{ PutRequest: { Item: item } }] },
    })),
    TransactGetItems: fc.record({ TableName, Key }).map((get) => ({ TransactItems: [{ Get: get }] })),
    TransactWriteItems: fc.record({ TableName, Item }).map((put) => ({ TransactItems: [{ Put: put }] })),
    ExecuteStatement: fc.constant({ Statement: `SELECT * FROM "${table.name}"` }),
    DescribeTable: fc.record({ TableName }),
    ListTables: fc.constant({}),
    NoSuchOperation: fc.constant({}),
  };
}

function dynamodbCase(tables: Table[]) {
  return fc.constantFrom(...tables).chain((table) => {
    const inputs = dynamodbInputs(table);
    return fc.constantFrom(...Object.keys(inputs)).chain((operation) =>
      fc.record({
        service: fc.constant('dynamodb' as const),
        method: fc.constant('POST'),
        path: fc.constant('/'),
        query: fc.constant<Array<[string, string]>>([]),
        headers: fc.constant<Array<[string, string]>>([
          ['content-type', 'application/x-amz-json-1.0'],
          ['x-amz-target', `DynamoDB_20120810.${operation}`],
        ]),
        body: fc.oneof(
          { weight: 8, arbitrary: (inputs[operation] ?? fc.constant({})).chain(withJunk) },
          {
            weight: 1,
            arbitrary: depths.map(
              (depth) =>
                `{"TableName":"${table.name}","Item":{"${table.key}":{"S":"fuzz"},"d":${deepJson(depth, 'dynamodb')}}}`,
            ),
          },
          { weight: 1, arbitrary: fc.oneof(fc.json({ maxDepth: 3 }), printable) },
        ),
      }),
    );
  });
}

/** STS's API version: any other is an unknown operation. */
const STS_VERSION = '2011-06-15';

/**
 * The parameters of an STS call on the Query protocol: GetCallerIdentity, AssumeRole of a role of the
 * stage (each principal's, as every function role's trust allows only Lambda, and none but the
 * developer's, as the stage's trust deviation allows it), of a role that is not there or another
 * account's, with each parameter's bounds crossed and the parameters AssumeRole refuses; sometimes an
 * action STS has and the stage does not, or none at all.
 */
function stsParameters(roleArns: string[]) {
  const roleArn = mostly(
    fc.constantFrom(...roleArns),
    fc.oneof(
      fc.constantFrom(
        'arn:aws:iam::000000000000:role/no-such-role',
        'arn:aws:iam::111111111111:role/orders-local-us-east-1-lambdaRole',
        'arn:aws:iam::000000000000:user/local-developer',
        'role',
      ),
      anyText,
    ),
  );
  const sessionName = mostly(
    token,
    fc.oneof(fc.constantFrom('a', 'x'.repeat(65), 'has space', '*'), anyText),
  );
  // Most calls name no duration or one every role allows; the rest cross a bound (a role's maximum
  // session is 1 hour unless it says more).
  const duration = fc.oneof(
    { weight: 4, arbitrary: fc.constant(null) },
    { weight: 2, arbitrary: fc.constantFrom('900', '3600') },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.constantFrom('43200', '899', '43201', '-1', '1e9', 'abc', ''),
        fc.integer({ min: 0, max: 50_000 }).map(String),
      ),
    },
  );
  const extra = fc.array(
    fc.tuple(
      fc.constantFrom(
        'ExternalId',
        'SourceIdentity',
        'Policy',
        'PolicyArns.member.1.arn',
        'Tags.member.1.Key',
        'TokenCode',
        ...PROTOTYPE_NAMES,
      ),
      anyText,
    ),
    { maxLength: 2 },
  );
  const extras = fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: extra });
  const version = mostly(fc.constant(STS_VERSION), fc.constantFrom('2011-06-14', ''));
  const assumeRole = fc
    .record({ version, roleArn, sessionName, duration, extra: extras })
    .map(({ version: v, roleArn: arn, sessionName: name, duration: seconds, extra: more }) => [
      ['Action', 'AssumeRole'],
      ['Version', v],
      ['RoleArn', arn],
      ['RoleSessionName', name],
      ...(seconds === null ? [] : [['DurationSeconds', seconds]]),
      ...more,
    ]);
  const callerIdentity = version.map((v) => [
    ['Action', 'GetCallerIdentity'],
    ['Version', v],
  ]);
  const other = fc
    .tuple(fc.constantFrom('GetSessionToken', 'DecodeAuthorizationMessage', 'NoSuchAction', ''), version)
    .map(([action, v]) => [...(action ? [['Action', action]] : []), ['Version', v]]);
  return fc.oneof(
    { weight: 3, arbitrary: callerIdentity },
    { weight: 5, arbitrary: assumeRole },
    { weight: 1, arbitrary: other },
  ) as fc.Arbitrary<Array<[string, string]>>;
}

/**
 * STS as the AWS SDK and CLI call it (a form-encoded POST to the endpoint's root), and as a presigned
 * GetCallerIdentity is sent (a GET with the parameters in the query string); sometimes a body that is
 * not a form at all.
 */
function stsCase(roleArns: string[]) {
  return fc
    .record({
      params: stsParameters(roleArns),
      inQuery: fc.integer({ min: 0, max: 4 }).map((roll) => roll === 0),
      odd: fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: printable }),
    })
    .map(({ params, inQuery, odd }) => ({
      service: 'sts' as const,
      method: inQuery ? 'GET' : 'POST',
      path: '/',
      query: inQuery ? params : [],
      headers: inQuery
        ? []
        : ([['content-type', 'application/x-www-form-urlencoded; charset=utf-8']] as Array<[string, string]>),
      body: inQuery ? '' : (odd ?? new URLSearchParams(params).toString()),
    }));
}

const FLAWS: Flaw[] = [
  'wrong-secret',
  'unknown-key',
  'no-token',
  'other-token',
  'other-region',
  'other-service',
  'expired',
  'future',
];

function signer(principals: string[]): fc.Arbitrary<Signer> {
  // The developer may call everything; each role only what its statements grant.
  const who = fc.oneof(
    { weight: 1, arbitrary: fc.constant('developer') },
    { weight: 1, arbitrary: fc.constantFrom(...principals) },
  );
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant<Signer>({ kind: 'unsigned' }) },
    {
      weight: 10,
      arbitrary: fc.record({
        kind: fc.constantFrom('header' as const, 'header' as const, 'header' as const, 'presigned' as const),
        principal: who,
        flaw: fc.oneof(
          { weight: 8, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: fc.constant<Flaw>('skewed') },
          { weight: 3, arbitrary: fc.constantFrom(...FLAWS) },
        ),
      }),
    },
  );
}

/** Unsigned headers a client might add after signing; none that framing or SigV4 reads. */
const extraHeaderName = fc.oneof(
  fc.constantFrom(...PROTOTYPE_NAMES, 'x-forwarded-for', 'user-agent', 'accept', 'x-amzn-trace-id'),
  token.filter(
    (name) =>
      !/^(host|authorization|content-|transfer-|connection|expect|te|trailer|upgrade|keep-alive|x-amz-)/.test(
        name,
      ),
  ),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 12, arbitrary: fc.constant<Mutation>({ kind: 'none' }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('extra-header' as const),
      name: extraHeaderName,
      value: fc.oneof(
        { weight: 6, arbitrary: printable },
        { weight: 1, arbitrary: fc.constant('v'.repeat(11_000)) },
      ),
    }),
  },
  {
    weight: 6,
    arbitrary: fc
      .constantFrom('signature', 'body', 'path', 'query', 'method', 'date', 'drop-date')
      .map((kind) => ({ kind }) as Mutation),
  },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ minLength: 1, maxLength: 200 })
      .map((bytes) => ({ kind: 'garbage' as const, bytes })),
  },
  {
    weight: 1,
    arbitrary: fc
      .double({ min: 0, max: 0.99, noNaN: true })
      .map((fraction) => ({ kind: 'truncate' as const, fraction })),
  },
);

/**
 * Every request the fuzz suite can send: to each API route of each service, to SSM, to DynamoDB and to
 * STS, signed by each principal (or not, or wrongly), then possibly mutated. `roleArns` are the roles
 * STS may be asked to hand out.
 *
 * @example
 * fc.sample(fuzzCases(map, urls, ['developer', 'users-local-us-east-1-lambdaRole'], roleArns), 1);
 */
export function fuzzCases(
  map: StageMap,
  urls: ReadonlyMap<string, string>,
  principals: string[],
  roleArns: string[],
): fc.Arbitrary<FuzzCase> {
  const request = fc.oneof(
    { weight: 5, arbitrary: executeApiCase(map, urls) },
    { weight: 2, arbitrary: ssmCase },
    { weight: 2, arbitrary: dynamodbCase(map.tables) },
    { weight: 2, arbitrary: stsCase(roleArns) },
  );
  return fc
    .tuple(request, signer(principals), mutation)
    .map(([base, signedBy, changed]) => ({ ...base, signer: signedBy, mutation: changed }));
}
