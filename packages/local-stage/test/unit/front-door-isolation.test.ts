import { connect } from 'node:net';
import { RestApiRouter } from '../../src/apigateway';
import type { ParameterStore } from '../../src/ssm';
import { api, apiBase, type DoorUnderTest, startDoor } from '../fixtures/front-door/door-under-test';
import { rawExchange } from '../fixtures/http/raw-exchange';

// Every request is isolated: whatever it carries and whatever fails while it is answered ends in that
// request's own answer (or closed connection), logged once, and the next request is served as usual.

let door: DoorUnderTest;
beforeAll(async () => {
  door = await startDoor();
});
afterAll(() => door.close());
beforeEach(() => {
  door.logs.length = 0;
  door.lambda.answer = { ok: true, payload: { statusCode: 200, body: '{"ok":true}' }, durationMs: 1 };
});

/** A signed call that succeeds: the front door is still serving. */
async function stillServing(d: DoorUnderTest = door): Promise<number | undefined> {
  return (await d.sendSigned({ method: 'GET', path: `${apiBase}/users/42` }))?.status;
}

function rawBytes(d: DoorUnderTest, text: string) {
  return rawExchange(d.host, d.port, Buffer.from(text, 'latin1'));
}

describe('requests Node cannot parse', () => {
  it.each([
    ['a malformed request line', 'GARBAGE\r\n\r\n'],
    ['a header without a colon', `GET ${apiBase}/users/42 HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n`],
    [
      'a control character in a header value',
      `GET ${apiBase}/users/42 HTTP/1.1\r\nHost: x\r\nX-A: a\x01b\r\n\r\n`,
    ],
    ['a CONNECT', 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n'],
  ])('answers %s with 400 and closes the connection', async (_, text) => {
    const answer = await rawBytes(door, text);
    expect(answer?.status).toBe(400);
    expect(JSON.parse(answer?.body.toString() ?? '')).toEqual({ message: 'Bad Request' });
    expect(answer?.headers.get('connection')).toBe('close');
    expect(await stillServing()).toBe(200);
  });

  it('answers an HTTP/1.1 request without Host with 400, as Node itself does', async () => {
    const answer = await rawBytes(door, `GET ${apiBase}/users/42 HTTP/1.1\r\n\r\n`);
    expect([answer?.status, answer?.headers.get('connection')]).toEqual([400, 'close']);
    expect(await stillServing()).toBe(200);
  });

  it("answers headers past Node's own limit with 431", async () => {
    const answer = await rawBytes(door, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
    expect(answer?.status).toBe(431);
    expect(await stillServing()).toBe(200);
  });
});

describe('failures while a request is answered', () => {
  it('answers a function that throws synchronously in the runtime with 500, logged once', async () => {
    door.lambda.answer = () => {
      throw new TypeError('runtime exploded');
    };
    const answer = await door.sendSigned({ method: 'GET', path: `${apiBase}/users/42` });
    expect([answer?.status, JSON.parse(answer?.body.toString() ?? '')]).toEqual([
      500,
      { message: 'Internal server error' },
    ]);
    const requestId = answer?.headers.get('x-amzn-requestid') ?? '';
    expect(door.logs.filter((line) => line.includes(requestId))).toEqual([
      `front door: ${requestId}: runtime exploded`,
    ]);
    door.lambda.answer = { ok: true, payload: { statusCode: 200 }, durationMs: 1 };
    expect(await stillServing()).toBe(200);
  });

  it('answers a failing SSM store with a JSON-protocol 500, logged once', async () => {
    const broken = {
      get: () => {
        throw new TypeError('store exploded');
      },
    } as unknown as ParameterStore;
    const failing = await startDoor({ ssm: broken });
    try {
      const answer = await failing.sendSigned(
        {
          method: 'POST',
          path: '/',
          headers: [
            ['content-type', 'application/x-amz-json-1.1'],
            ['x-amz-target', 'AmazonSSM.GetParameter'],
          ],
          body: '{"Name":"/local/x"}',
        },
        { service: 'ssm' },
      );
      expect(answer?.status).toBe(500);
      expect(JSON.parse(answer?.body.toString() ?? '')).toMatchObject({ __type: 'InternalFailure' });
      expect(failing.logs).toHaveLength(1);
      expect(await stillServing(failing)).toBe(200);
    } finally {
      await failing.close();
    }
  });

  it('answers an answer Node refuses to write (a MOCK header with a line break) with 500 instead', async () => {
    const method = {
      resourceId: 'root',
      httpMethod: 'OPTIONS',
      authorizationType: 'NONE',
      integration: { type: 'MOCK', uri: '' },
    };
    const mocked = { ...api, methods: [...api.methods, method] };
    const withMock = await startDoor({
      apis: new Map([
        [
          api.apiId,
          {
            definition: mocked,
            router: new RestApiRouter(mocked),
            invocableFunctions: new Set(['users-local-getUser']),
            mockResponses: new Map([[method, { statusCode: 200, headers: { 'X-Broken': 'a\r\nb' } }]]),
          },
        ],
      ]),
    });
    try {
      const answer = await withMock.send({
        method: 'OPTIONS',
        target: `${apiBase}/`,
        headers: [['Host', 'x']],
      });
      expect(answer?.status).toBe(500);
      expect(answer?.headers.has('x-broken')).toBe(false);
      expect(await stillServing(withMock)).toBe(200);
    } finally {
      await withMock.close();
    }
  });

  it('lets a client go away before the function answers, and writes to no closed socket', async () => {
    let finish: (result: unknown) => void = () => undefined;
    door.lambda.answer = () => new Promise((resolve) => (finish = resolve)) as never;
    const socket = connect(door.port, door.host);
    socket.write(`GET ${apiBase}/ HTTP/1.1\r\nHost: x\r\n\r\n`);
    await waitFor(() => door.invocations.some(({ functionName }) => functionName === 'users-local-home'));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 20));
    finish({ ok: true, payload: { statusCode: 200, body: 'late' }, durationMs: 1 });

    await waitFor(() => door.audits.some((audit) => audit.target === `${apiBase}/`));
    expect(door.audits.find((audit) => audit.target === `${apiBase}/`)?.status).toBeUndefined();
    door.lambda.answer = { ok: true, payload: { statusCode: 200 }, durationMs: 1 };
    expect(await stillServing()).toBe(200);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let tries = 0; !condition(); tries++) {
    if (tries > 200) throw new Error('condition never met');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
