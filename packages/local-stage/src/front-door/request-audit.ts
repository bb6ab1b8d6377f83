import type { Decision, RequestToAuthorize } from '../iam';
import type { Principal } from '../types';

/** One access decision the front door made while answering a request. */
export interface AuditedDecision {
  principalArn: string;
  action: string;
  resource: string;
  effect: Decision['effect'];
}

/**
 * What one request did inside the stage: every access decision made for it, and every backend call it
 * led to (`lambda.invoke`, `ssm.get`, `dynamodb.forward`, …, and `keys.roleSession` when STS issued a
 * role's credentials), observed where the front door hands the request to those backends. The fuzz
 * suite checks these against what the client actually sent.
 */
export interface RequestAudit {
  requestId: string;
  method: string;
  target: string;
  /** The status answered, or `undefined` when the connection was closed without an answer. */
  status: number | undefined;
  decisions: AuditedDecision[];
  reached: string[];
}

/**
 * The backends a request can reach, each observed under its name: every call of the first three; of
 * the key ring, only the issue of a role session's credentials (every signed request looks its key up).
 */
const BACKENDS: Record<string, (method: string) => boolean> = {
  lambda: () => true,
  ssm: () => true,
  dynamodb: () => true,
  keys: (method) => method === 'roleSession',
};

/**
 * Gives a request its own view of the front door's dependencies, in which every access decision
 * and every call on a backend is written to `audit`. The handlers cannot tell the difference.
 *
 * @example
 * const audit: RequestAudit = { requestId, method: 'GET', target: '/', status: undefined, decisions: [], reached: [] };
 * await handleExecuteApi(request, requestId, audited(deps, audit));
 * audit.reached; // ['lambda.invoke']
 */
export function audited<T extends { recorder: { record: (...args: never[]) => void } }>(
  deps: T,
  audit: RequestAudit,
): T {
  const view: Record<string, unknown> = { ...deps };
  view.recorder = observed(deps.recorder, (method, args) => {
    if (method !== 'record') return;
    const [principal, request, decision] = args as [Principal, RequestToAuthorize, Decision];
    audit.decisions.push({
      principalArn: principal.arn,
      action: request.action,
      resource: request.resource,
      effect: decision.effect,
    });
  });
  for (const [name, reaches] of Object.entries(BACKENDS)) {
    const backend = (deps as Record<string, unknown>)[name];
    if (backend && typeof backend === 'object') {
      view[name] = observed(backend, (method) => {
        if (reaches(method)) audit.reached.push(`${name}.${method}`);
      });
    }
  }
  return view as T;
}

/** The object itself, with each method call reported before it runs. */
function observed<T extends object>(target: T, onCall: (method: string, args: unknown[]) => void): T {
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        onCall(String(property), args);
        return value.apply(object, args);
      };
    },
  });
}
