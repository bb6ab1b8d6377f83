import type { RequestEvent } from '../../src/front-door/request-events';
import { requestLine, showsRequest } from '../../src/request-lines';

const at = new Date('2026-05-04T10:00:00.000Z');
const ok: RequestEvent = {
  requestId: 'req-1',
  service: 'execute-api',
  method: 'GET',
  path: '/abcdefghij/local/users/42',
  status: 200,
  principal: 'arn:aws:iam::000000000000:user/local-developer',
  invocation: { functionName: 'users-local-getUser' },
  durationMs: 12.4,
};
const denied: RequestEvent = {
  ...ok,
  requestId: 'req-2',
  method: 'DELETE',
  status: 403,
  principal: 'arn:aws:sts::000000000000:assumed-role/reader/s',
  invocation: undefined,
  refusal: {
    errorType: 'AccessDeniedException',
    message: 'User: … is not authorized …',
    denial: {
      principal: 'arn:aws:sts::000000000000:assumed-role/reader/s',
      action: 'execute-api:Invoke',
      resource: 'arn:aws:execute-api:us-east-1:000000000000:abcdefghij/local/DELETE/users/42',
    },
  },
  durationMs: 3,
};
const failed: RequestEvent = {
  ...ok,
  status: 502,
  invocation: { functionName: 'users-local-getUser', errorType: 'Runtime.OutOfMemory' },
};

describe('request lines in the terminal', () => {
  it('shows refusals and failures always, every request only when verbose', () => {
    for (const verbosity of ['quiet', 'normal', 'verbose'] as const) {
      expect([showsRequest(denied, verbosity), showsRequest(failed, verbosity)]).toEqual([true, true]);
    }
    expect([showsRequest(ok, 'quiet'), showsRequest(ok, 'normal'), showsRequest(ok, 'verbose')]).toEqual([
      false,
      false,
      true,
    ]);
  });

  it('names status, error type, call, principal, and for a denial the action and resource', () => {
    expect(requestLine(denied, at)).toBe(
      [
        '[front door] 2026-05-04T10:00:00.000Z',
        'req-2',
        '403 AccessDeniedException',
        'DELETE /abcdefghij/local/users/42',
        'by arn:aws:sts::000000000000:assumed-role/reader/s',
        'execute-api:Invoke on arn:aws:execute-api:us-east-1:000000000000:abcdefghij/local/DELETE/users/42',
        '3 ms',
      ].join('\t'),
    );
  });

  it('names the function of an API call and why its invocation failed', () => {
    expect(requestLine(ok, at)).toBe(
      '[front door] 2026-05-04T10:00:00.000Z\treq-1\t200\tGET /abcdefghij/local/users/42\tby arn:aws:iam::000000000000:user/local-developer\tusers-local-getUser\t12 ms',
    );
    expect(requestLine(failed, at)).toContain('\t502\t');
    expect(requestLine(failed, at)).toContain('\tusers-local-getUser failed: Runtime.OutOfMemory\t');
  });

  it('names a service call by its operation, an unsigned caller as such, and shortens long messages', () => {
    const line = requestLine(
      {
        ...ok,
        service: 'ssm',
        operation: 'GetParameter',
        path: '/',
        status: 400,
        principal: undefined,
        invocation: undefined,
        refusal: { errorType: 'MissingAuthenticationTokenException', message: `x${' y'.repeat(300)}` },
      },
      at,
    );
    expect(line).toContain(
      '\t400 MissingAuthenticationTokenException\tssm GetParameter\tby an unsigned caller\t',
    );
    expect(line.split('\t')[5]).toHaveLength(200);
  });
});
