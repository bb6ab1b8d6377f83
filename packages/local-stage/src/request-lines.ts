import type { RequestEvent } from './front-door/request-events';

/**
 * How much the stage's terminal shows: `quiet` only refusals and failures; `normal` those and the
 * functions' own output; `verbose` also a line for every request.
 */
export type Verbosity = 'quiet' | 'normal' | 'verbose';

const TAG = '[front door]';
/** Long AWS messages (a canonical request) are cut here: the caller has the whole of it. */
const MAX_MESSAGE = 200;

/**
 * Whether the terminal shows a line for this request: a refusal by the stage (signature, IAM, route,
 * limits) or a failure (5xx) always, any other request only when verbose.
 *
 * @example showsRequest({ ...event, status: 200 }, 'normal') // false
 */
export function showsRequest(event: RequestEvent, verbosity: Verbosity): boolean {
  return verbosity === 'verbose' || event.refusal !== undefined || event.status >= 500;
}

/**
 * One line per request, tab-separated like a function's log lines and carrying the same request id:
 * time, request id, status and error type, what was called, by whom, and what was refused (with the
 * stage's explanation of an access denial, or its diagnosis of a signature) or invoked.
 *
 * @example
 * requestLine(event, new Date());
 * // '[front door] 2026-05-04T10:00:00.000Z\t3f2a…\t403 AccessDeniedException\tGET /k3q9x0abcd/local/users/42\tby arn:…:assumed-role/…\texecute-api:Invoke on arn:aws:execute-api:…'
 */
export function requestLine(event: RequestEvent, now = new Date()): string {
  const fields = [
    `${TAG} ${now.toISOString()}`,
    event.requestId,
    [event.status, event.refusal?.errorType].filter(Boolean).join(' '),
    calledAs(event),
    `by ${event.principal ?? 'an unsigned caller'}`,
  ];
  const { refusal, invocation } = event;
  if (refusal?.denial) {
    fields.push(`${refusal.denial.action} on ${refusal.denial.resource}`);
    if (refusal.denial.explanation) fields.push(refusal.denial.explanation);
  } else if (refusal?.diagnosis) {
    // The stage's reading of a signature refused says more than AWS's message does.
    fields.push(refusal.diagnosis);
  } else if (refusal?.message) {
    fields.push(shortened(refusal.message));
  }
  if (invocation) {
    fields.push(
      invocation.errorType
        ? `${invocation.functionName} failed: ${invocation.errorType}`
        : invocation.functionName,
    );
  }
  fields.push(`${event.durationMs.toFixed(0)} ms`);
  return fields.join('\t');
}

/** `GET /{apiId}/{stage}/users/42` for an API, `ssm GetParameter` for a service call. */
function calledAs(event: RequestEvent): string {
  if (event.service === 'execute-api') return `${event.method} ${event.path}`;
  return [event.service, event.operation].filter(Boolean).join(' ');
}

function shortened(message: string): string {
  const line = message.replace(/\s+/g, ' ');
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE - 1)}…` : line;
}
