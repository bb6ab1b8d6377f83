/** What AWS said when it refused a request: status, `x-amzn-ErrorType` and message. */
export interface AwsErrorAnswer {
  status: number;
  errorType: string | undefined;
  message: string | undefined;
}

/**
 * Reads AWS's refusal from an answer, whether `sendRaw` or axios got it. API Gateway sends the
 * message as `message`, or `Message` for an IAM denial; the error type may carry a
 * `:http://internal.amazon.com/…` suffix, which is dropped.
 *
 * @example
 * expect(awsErrorOf(await users.post('/users', input))).toMatchObject({ status: 403, errorType: 'AccessDeniedException' });
 */
export function awsErrorOf(answer: {
  status: number;
  headers: unknown;
  data?: unknown;
  body?: unknown;
}): AwsErrorAnswer {
  const errorType = headerOf(answer.headers, 'x-amzn-errortype');
  const body = parsed(answer.data ?? answer.body);
  const message = body?.message ?? body?.Message;
  return {
    status: answer.status,
    errorType: errorType?.split(':')[0],
    message: typeof message === 'string' ? message : undefined,
  };
}

// Node's headers and axios's AxiosHeaders both hold one own property per header name.
function headerOf(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const value = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function parsed(body: unknown): Record<string, unknown> | undefined {
  if (typeof body === 'object' && body !== null) return body as Record<string, unknown>;
  if (typeof body !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
