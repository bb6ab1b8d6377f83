import type { RequestAudit } from '../../../src/front-door/request-audit';
import type { RawAnswer } from '../../fixtures/http/raw-exchange';
import type { WireRequest } from './wire';

/**
 * What must hold for every request, whatever it was: the problems found, empty when none.
 * - An answer, unless the client never sent a whole request (it then closed its side).
 * - No 5xx unless a function ran: API Gateway's 502 (function error, malformed proxy response) and
 *   504 (integration timeout), and a function's own 5xx, are what AWS sends too. SSM, DynamoDB and
 *   API Gateway itself answer nothing the client sent with a 5xx.
 * - Nothing reached (no function invoked, no SSM parameter or DynamoDB item touched) and nothing
 *   authorized without a valid signature; nothing reached without at least one decision, all Allow.
 *   A method without authorization (`NONE`) is the one exception, as on API Gateway.
 * - The same for the calls the request led to (a function's own calls to SSM, DynamoDB, other APIs).
 * - No credentials in an answer (STS AssumeRole) unless the request was validly signed and the stage
 *   issued them after decisions that were all Allow.
 *
 * @example
 * expect(violations(wire, answer, audits, openMethods(map, urls))).toEqual([]);
 */
export function violations(
  wire: WireRequest,
  answer: RawAnswer | undefined,
  audits: RequestAudit[],
  isOpenMethod: (method: string, target: string) => boolean,
): string[] {
  const found: string[] = [];
  const requestId = answer?.headers.get('x-amzn-requestid');
  const own = audits.find((audit) => audit.requestId === requestId);
  if (!answer && !wire.endAfterWrite) found.push('closed the connection without an answer');
  if (answer && answer.status >= 500 && !own?.reached.includes('lambda.invoke')) {
    found.push(
      `answered ${answer.status} without a function having run: ${answer.body.toString().slice(0, 300)}`,
    );
  }
  const open = own !== undefined && isOpenMethod(own.method, own.target);
  if (own && !open && !wire.validlySigned && (own.reached.length > 0 || own.decisions.length > 0)) {
    found.push(
      `without a valid signature, reached [${own.reached.join(', ')}] after ${own.decisions.length} access decisions`,
    );
  }
  const issued = own?.reached.includes('keys.roleSession') ?? false;
  if (answer && /<SecretAccessKey>/.test(answer.body.toString()) && !(wire.validlySigned && issued)) {
    found.push(
      `answered credentials (${answer.status}) ${wire.validlySigned ? 'that the stage did not issue' : 'without a valid signature'}`,
    );
  }
  for (const audit of audits) {
    if (audit.reached.length === 0) continue;
    // A method without authorization invokes its function with no decision, unless a resource
    // policy has one to make; then the decisions must still all be Allow.
    if (audit.decisions.length === 0 && isOpenMethod(audit.method, audit.target)) continue;
    const refused = audit.decisions.filter((decision) => decision.effect !== 'Allow');
    if (audit.decisions.length === 0 || refused.length > 0) {
      found.push(
        `${audit.method} ${audit.target.slice(0, 120)} reached [${audit.reached.join(', ')}] with decisions ` +
          JSON.stringify(
            audit.decisions.map(({ action, resource, effect }) => ({ action, resource, effect })),
          ),
      );
    }
  }
  return found;
}
