import type { DynaliteBackend } from '../../src/dynamodb/dynalite-backend';
import { MAX_JSON_DEPTH, nestingDepth } from '../../src/front-door/json-body';
import { AllowedPatternMatcher } from '../../src/ssm';
import { type DoorUnderTest, startDoor } from '../fixtures/front-door/door-under-test';

const SSM = { target: 'AmazonSSM.', contentType: 'application/x-amz-json-1.1', service: 'ssm' };
const DYNAMODB = {
  target: 'DynamoDB_20120810.',
  contentType: 'application/x-amz-json-1.0',
  service: 'dynamodb',
};

const patterns = new AllowedPatternMatcher({ timeoutMs: 300 });
const backendCalls: string[] = [];
let door: DoorUnderTest;
beforeAll(async () => {
  // A DynamoDB backend that only records: these calls must be refused before they reach it.
  const dynamodb = {
    handle: async () => {
      backendCalls.push('handle');
      return { statusCode: 200, body: Buffer.from('{}') };
    },
  } as unknown as DynaliteBackend;
  door = await startDoor({ dynamodb, patterns });
  door.ssm.put('/local/users/url', 'http://users.example', { type: 'String' });
});
afterAll(async () => {
  await door.close();
  await patterns.close();
});

async function call(service: typeof SSM, operation: string, body: string) {
  const answer = await door.sendSigned(
    {
      method: 'POST',
      path: '/',
      headers: [
        ['content-type', service.contentType],
        ['x-amz-target', `${service.target}${operation}`],
      ],
      body,
    },
    { service: service.service },
  );
  return { status: answer?.status, ...JSON.parse(answer?.body.toString() || '{}') };
}

/** `{"Name":"/local/users/url","Extra":[[[…]]]}` with the body nested `depth` levels in all. */
const nestedBody = (depth: number) =>
  `{"Name":"/local/users/url","Extra":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;

describe('JSON bodies', () => {
  it('measures nesting without parsing, brackets inside strings not counted', () => {
    expect(nestingDepth('{"a":[1,{"b":"[[{{\\"]]"}]}', 100)).toBe(3);
    expect(nestingDepth('['.repeat(1_000_000), 100)).toBe(101);
  });

  it('answers an SSM body nested past the limit with 400 SerializationException, as AWS does', async () => {
    expect(await call(SSM, 'GetParameter', nestedBody(MAX_JSON_DEPTH))).toMatchObject({
      status: 200,
      Parameter: { Value: 'http://users.example' },
    });
    for (const depth of [MAX_JSON_DEPTH + 1, 100_000]) {
      expect(await call(SSM, 'GetParameter', nestedBody(depth))).toEqual({
        status: 400,
        __type: 'SerializationException',
        message: `[local stage] The request body nests deeper than ${MAX_JSON_DEPTH} levels`,
      });
    }
  });

  it('answers a deep Name (once a stack overflow, a 500) with 400', async () => {
    const answer = await call(SSM, 'GetParameter', `{"Name":${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
    expect([answer.status, answer.__type]).toEqual([400, 'SerializationException']);
  });

  it('answers a DynamoDB body nested past the limit as DynamoDB does, before it reaches the backend', async () => {
    const item = `{"TableName":"t","Item":{"a":${'{"L":['.repeat(2_000)}{"S":"x"}${']}'.repeat(2_000)}}}`;
    expect(await call(DYNAMODB, 'PutItem', item)).toEqual({
      status: 400,
      __type: 'ValidationException',
      message: 'Nesting Levels have exceeded supported limits',
    });
    expect(backendCalls).toEqual([]);
  });

  it('answers a member of the wrong JSON type with SerializationException, whatever it holds', async () => {
    for (const body of [
      '{"Name":{"toString":1}}',
      '{"Name":{"valueOf":{}}}',
      '{"Name":["a"]}',
      '{"Name":7}',
    ]) {
      expect([body, (await call(SSM, 'GetParameter', body)).__type]).toEqual([
        body,
        'SerializationException',
      ]);
    }
    expect((await call(SSM, 'GetParameters', '{"Names":[{"toString":1}]}')).__type).toBe(
      'SerializationException',
    );
  });

  it('reads members the caller sent, never ones Object.prototype has', async () => {
    expect(await call(SSM, 'GetParameter', '{"__proto__":{"Name":"/local/users/url"}}')).toMatchObject({
      status: 400,
      __type: 'ValidationException',
      message: expect.stringContaining("Value null at 'name'"),
    });
    expect(
      await call(
        SSM,
        'GetParameter',
        '{"Name":"/local/users/url","__proto__":{"WithDecryption":"x"},"constructor":1}',
      ),
    ).toMatchObject({ status: 200, Parameter: { Name: '/local/users/url' } });
  });
});

describe('AllowedPattern', () => {
  it('is evaluated off the main thread: a catastrophic pattern delays no other caller', async () => {
    const order: string[] = [];
    const put = call(
      SSM,
      'PutParameter',
      JSON.stringify({
        Name: '/local/slow',
        Value: `${'a'.repeat(40)}!`,
        Type: 'String',
        AllowedPattern: '^(a+)+$',
      }),
    ).then((answer) => {
      order.push('put');
      return answer;
    });
    const get = call(SSM, 'GetParameter', '{"Name":"/local/users/url"}').then((answer) => {
      order.push('get');
      return answer;
    });

    expect((await get).status).toBe(200);
    expect(await put).toMatchObject({
      status: 400,
      __type: 'ValidationException',
      message: expect.stringContaining('[local stage] AllowedPattern ^(a+)+$ did not finish within 300 ms'),
    });
    // Run on the main thread, the pattern would have held the GetParameter until it finished.
    expect(order).toEqual(['get', 'put']);
    expect(door.ssm.get('/local/slow')).toBeUndefined();
  });

  it('still checks values against sane patterns, and refuses a pattern over 1,024 characters', async () => {
    const put = (value: string, pattern: string) =>
      call(
        SSM,
        'PutParameter',
        JSON.stringify({ Name: '/local/n', Value: value, Type: 'String', AllowedPattern: pattern }),
      );
    expect((await put('abc', '^\\d+$')).__type).toBe('ParameterPatternMismatchException');
    expect((await put('abc', '(')).__type).toBe('InvalidAllowedPatternException');
    expect((await put('abc', 'x'.repeat(1_025))).message).toContain(
      'Member must have length less than or equal to 1024',
    );
    expect(await put('123', '^\\d+$')).toEqual({ status: 200, Version: 1, Tier: 'Standard' });
  });
});
