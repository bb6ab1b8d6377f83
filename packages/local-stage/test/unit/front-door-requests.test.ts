import fc from 'fast-check';
import { routedSegments, signedSegments, TRICKY_SEGMENTS } from '../fixtures/apigateway/path-segments';
import {
  ACCOUNT,
  apiBase,
  api as apiUnderTest,
  type DoorUnderTest,
  REGION,
  role,
  startDoor,
} from '../fixtures/front-door/door-under-test';

// Requests are signed by @smithy/signature-v4 and written to the socket byte for byte, so the front
// door is tried with exactly the paths, names and sizes a client can send.

const ARN = `arn:aws:execute-api:${REGION}:${ACCOUNT}:${apiUnderTest.apiId}/local`;
const OPEN_FUNCTIONS = ['users-local-home', 'users-local-catchAll'];
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'];

let door: DoorUnderTest;
beforeAll(async () => {
  door = await startDoor();
});
afterAll(() => door.close());
beforeEach(() => {
  door.invocations.length = 0;
  door.audits.length = 0;
});

let roles = 0;
/** A session of a new role with these statements (a role name is issued its policies once). */
function sessionOf(statement: Parameters<typeof role>[1]) {
  roles += 1;
  return door.keys.roleSession(role(`caller-${roles}`, statement), 'test');
}

const allow = (resource: string) => ({
  Effect: 'Allow' as const,
  Action: 'execute-api:Invoke',
  Resource: resource,
});
const deny = (resource: string) => ({
  Effect: 'Deny' as const,
  Action: 'execute-api:Invoke',
  Resource: resource,
});

describe('query and header names are data', () => {
  it('passes a query or header named after an Object.prototype member to the function as sent', async () => {
    // @smithy/signature-v4 (like aws4) leaves a `__proto__` query parameter out of what it signs, so
    // that one is sent to the API's unauthenticated `{proxy+}` route; everything else is signed.
    const signed = await door.sendSigned({
      method: 'GET',
      path: `${apiBase}/users/42`,
      query: PROTOTYPE_NAMES.filter((name) => name !== '__proto__').map((name) => [name, `q-${name}`]),
      headers: PROTOTYPE_NAMES.map((name) => [name.toLowerCase(), `h-${name}`]),
    });
    const open = await door.send({
      method: 'GET',
      target: `${apiBase}/anything?__proto__=q-__proto__&__proto__=again`,
      headers: [['Host', 'localhost']],
    });

    expect([signed?.status, open?.status]).toEqual([200, 200]);
    // The function receives the event as JSON, as Lambda hands it over.
    const [first, second] = door.invocations.map(({ event }) => JSON.parse(JSON.stringify(event)));
    for (const name of PROTOTYPE_NAMES) {
      expect(Object.getOwnPropertyDescriptor(first.headers, name.toLowerCase())?.value).toBe(`h-${name}`);
      if (name === '__proto__') continue;
      expect(Object.getOwnPropertyDescriptor(first.queryStringParameters, name)?.value).toBe(`q-${name}`);
    }
    expect(Object.getOwnPropertyDescriptor(second.queryStringParameters, '__proto__')?.value).toBe('again');
    expect(
      Object.getOwnPropertyDescriptor(second.multiValueQueryStringParameters, '__proto__')?.value,
    ).toEqual(['q-__proto__', 'again']);
  });
});

describe('paths are routed, authorized and handed on as API Gateway does, or refused', () => {
  it('refuses a dot segment even under a valid signature, which the signer computed over the resolved path', async () => {
    // smithy signs `/files/../users/42` as `/users/42`: the signature is valid for a path other than
    // the one the greedy `/files/{path+}` route would be handed.
    const answer = await door.sendSigned({ method: 'GET', path: `${apiBase}/files/../users/42` });
    expect(answer?.status).toBe(403);
    expect(JSON.parse(answer?.body.toString() ?? '')).toEqual({
      message: expect.stringContaining("[local stage] The path has a dot segment ('..')"),
    });
    expect(door.invocations).toHaveLength(0);
  });

  it.each([
    ['an encoded dot segment', '/files/%2e%2e/users/42'],
    ['an encoded slash', '/users/a%2Fb'],
    ['a repeated slash', '/users//42'],
    ['a malformed escape', '/users/%zz'],
    ['an escape that is not UTF-8', '/users/%C3'],
  ])('refuses %s as a path no route serves, before any signature check', async (_, path) => {
    const answer = await door.send({ method: 'GET', target: `${apiBase}${path}`, headers: [['Host', 'x']] });
    expect(answer?.status).toBe(403);
    expect(answer?.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(door.invocations).toHaveLength(0);
  });

  it('routes a trailing slash to the resource and hands it on, when both ARN spellings are allowed', async () => {
    const caller = sessionOf([allow(`${ARN}/GET/users/*`)]);
    const answer = await door.sendSigned({ method: 'GET', path: `${apiBase}/users/42/` }, { key: caller });
    expect(answer?.status).toBe(200);
    expect(door.invocations[0]?.event).toMatchObject({
      resource: '/users/{id}',
      path: '/users/42/',
      pathParameters: { id: '42' },
      requestContext: { path: '/local/users/42/', resourcePath: '/users/{id}' },
    });
    expect(door.audits[0]?.decisions.map((decision) => decision.resource)).toEqual([
      `${ARN}/GET/users/42/`,
      `${ARN}/GET/users/42`,
    ]);
  });

  it('never lets a trailing slash or an escape get around a Deny, nor stretch an exact Allow', async () => {
    const denied = sessionOf([allow(`${ARN}/GET/users/*`), deny(`${ARN}/GET/users/admin`)]);
    for (const path of ['/users/admin/', '/users/%61dmin', '/users/%61dmin/']) {
      const answer = await door.sendSigned({ method: 'GET', path: `${apiBase}${path}` }, { key: denied });
      expect([path, answer?.status, answer?.headers.get('x-amzn-errortype')]).toEqual([
        path,
        403,
        'AccessDeniedException',
      ]);
    }
    const exact = sessionOf([allow(`${ARN}/GET/users/42`)]);
    const answer = await door.sendSigned({ method: 'GET', path: `${apiBase}/users/42/` }, { key: exact });
    expect(answer?.status).toBe(403);
    expect(door.invocations).toHaveLength(0);
  });

  it('hands the function the path and path parameters percent-encoded, as received', async () => {
    const answer = await door.sendSigned({ method: 'GET', path: `${apiBase}/users/ada%40example.com` });
    expect(answer?.status).toBe(200);
    expect(door.invocations[0]?.event).toMatchObject({
      path: '/users/ada%40example.com',
      pathParameters: { id: 'ada%40example.com' },
    });
  });

  // The invariant: the signature, the IAM resource and the route are computed from one path. Whatever
  // path a client signs and sends, a function is invoked only when the path the signer signed is the
  // path routed and the path in every ARN authorized.
  it('invokes a function only when the signed, routed and authorized paths are one', async () => {
    const caller = sessionOf([allow(`${ARN}/GET/users/*`), allow(`${ARN}/GET/files/*`)]);
    const segment = fc.oneof(
      fc.constantFrom('users', 'files', '42', 'me', ...TRICKY_SEGMENTS),
      fc.stringMatching(/^[a-z0-9%.~-]{0,4}$/),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(segment, { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        async (segments, trailing) => {
          door.invocations.length = 0;
          door.audits.length = 0;
          const path = `/${segments.join('/')}${trailing ? '/' : ''}`;
          const answer = await door.sendSigned({ method: 'GET', path: `${apiBase}${path}` }, { key: caller });
          expect(answer).toBeDefined();
          expect(answer?.status ?? 500).toBeLessThan(500);
          const invocation = door.invocations[0];
          if (!invocation) return;
          expect(invocation.event.path).toBe(path);
          expect(signedSegments(path)).toEqual(routedSegments(path));
          // The API's root and `{proxy+}` methods are open (authorization NONE): nothing to authorize.
          if (OPEN_FUNCTIONS.includes(invocation.functionName)) return;
          const authorized = door.audits[0]?.decisions.map((decision) => decision.resource) ?? [];
          expect(authorized).toContain(`${ARN}/GET${path.replace(/\/$/, '')}`);
          for (const resource of authorized) {
            expect(decodeURIComponent(resource).replace(/\/$/, '')).toBe(
              decodeURIComponent(`${ARN}/GET${path}`).replace(/\/$/, ''),
            );
          }
        },
      ),
      { seed: 11, numRuns: 150 },
    );
  });
});

describe("API Gateway's quotas", () => {
  const caller = () => sessionOf([allow(`${ARN}/*`)]);

  it('refuses headers over 10,240 bytes in all with 431, before any signature check', async () => {
    const padding = 'p'.repeat(10_241);
    const answer = await door.send({
      method: 'GET',
      target: `${apiBase}/users/42`,
      headers: [
        ['Host', 'localhost'],
        ['X-Padding', padding],
      ],
    });
    expect([answer?.status, answer?.headers.get('x-amzn-errortype')]).toEqual([
      431,
      'RequestHeaderFieldsTooLarge',
    ]);
  });

  it('refuses a URL over 10,240 characters (regional API) with 414', async () => {
    const answer = await door.sendSigned(
      { method: 'GET', path: `${apiBase}/users/42`, query: [['q', 'x'.repeat(10_200)]] },
      { key: caller() },
    );
    expect(answer?.status).toBe(414);
    expect(JSON.parse(answer?.body.toString() ?? '')).toEqual({ message: 'Request URI too long' });
  });

  it('refuses a method ARN over 1,600 bytes with 414 Request URI too long, as the quotas page says', async () => {
    const answer = await door.sendSigned(
      { method: 'GET', path: `${apiBase}/users/${'x'.repeat(1_600)}` },
      { key: caller() },
    );
    expect(answer?.status).toBe(414);
    const fits = await door.sendSigned(
      { method: 'GET', path: `${apiBase}/users/${'x'.repeat(1_500)}` },
      { key: caller() },
    );
    expect(fits?.status).toBe(200);
  });
});
