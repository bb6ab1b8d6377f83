import type { IncomingMessage } from 'node:http';
import { type AccessDenial, AccessDeniedError, type AwsError } from '../errors';
import type { AccessRecorder } from '../iam';
import type { KeyRing } from '../identity/key-ring';
import type { ReceivedRequest } from '../types';
import type { Answer } from './answers';

/** One request the front door answered: what the stage's terminal prints a line about. */
export interface RequestEvent {
  /** The request id the caller got in `x-amzn-RequestId`; a function's log lines carry the same. */
  requestId: string;
  /** `execute-api`, `ssm`, `dynamodb` or `sts`. */
  service: string;
  /** The operation of an SSM, DynamoDB or STS call, e.g. `GetParameter`. */
  operation?: string;
  method: string;
  /** The request's path, without its query string. */
  path: string;
  status: number;
  /** Who signed it: the principal's ARN, the access key id when the stage issued no such key, else absent. */
  principal?: string;
  /** Set when the stage refused the request itself (signature, IAM, route, limits): AWS's error type. */
  refusal?: {
    errorType: string;
    message: string;
    /** For an access denial: who was refused what, and the stage's explanation of why. */
    denial?: AccessDenial;
    /** For a signature refused: its likely causes in a sentence, as the stage diagnosed them. */
    diagnosis?: string;
  };
  /** For API calls: the function invoked and, when it failed, Lambda's error type. */
  invocation?: { functionName: string; errorType?: string };
  durationMs: number;
}

/** Told of every request once answered; must not throw (what it does is its own concern). */
export type RequestObserver = (event: RequestEvent) => void;

/** What the front door learnt about one request while answering it, for its event. */
export interface RequestNotes {
  /** The access decision that refused it, with the stage's explanation. */
  denial?: AccessDenial;
  /** Why its signature was refused, as the stage diagnosed it. */
  diagnosis?: string;
}

interface NotedDeps {
  recorder: AccessRecorder;
  onSignatureRefused?: (request: ReceivedRequest, service: string, error: AwsError) => string | undefined;
}

/**
 * A request's own view of the front door's dependencies, in which the access decisions and the
 * signature refusals it meets are noted, with the explanations the stage gives them. The handlers
 * cannot tell the difference.
 *
 * @example
 * const notes: RequestNotes = {};
 * await handleExecuteApi(request, requestId, noted(deps, notes));
 * notes.denial?.explanation; // 'no statement of role orders-… allows execute-api:Invoke on DELETE /users/*'
 */
export function noted<T extends NotedDeps>(deps: T, notes: RequestNotes): T {
  const { recorder, onSignatureRefused } = deps;
  const record: AccessRecorder['record'] = (principal, request, decision, detail) => {
    const explanation = recorder.record(principal, request, decision, detail);
    if (decision.effect !== 'Allow') {
      notes.denial = {
        principal: principal.arn,
        action: request.action,
        resource: request.resource,
        ...(explanation && { explanation }),
      };
    }
    return explanation;
  };
  const view: T = {
    ...deps,
    recorder: new Proxy(recorder, {
      get: (target, property) => (property === 'record' ? record : Reflect.get(target, property, target)),
    }),
  };
  if (onSignatureRefused) {
    view.onSignatureRefused = (request, service, error) => {
      const diagnosis = onSignatureRefused(request, service, error);
      if (typeof diagnosis === 'string') notes.diagnosis = diagnosis;
      return diagnosis;
    };
  }
  return view;
}

/**
 * The event for a request and its answer.
 *
 * @example
 * deps.onRequest?.(requestEvent(req, requestId, answer, { service: 'ssm', operation: 'GetParameter' }, notes, 3.2, keys));
 */
export function requestEvent(
  req: IncomingMessage,
  requestId: string,
  answer: Answer,
  call: { service: string; operation?: string },
  notes: RequestNotes,
  durationMs: number,
  keys: Pick<KeyRing, 'lookup'>,
): RequestEvent {
  const target = req.url ?? '/';
  const query = target.indexOf('?');
  const refusal = answer.refusal;
  const denial = notes.denial ?? (refusal instanceof AccessDeniedError ? refusal.denial : undefined);
  return {
    requestId,
    ...call,
    method: req.method ?? 'GET',
    path: query < 0 ? target : target.slice(0, query),
    status: answer.statusCode,
    principal: principalOf(req, keys),
    ...(refusal && {
      refusal: {
        errorType: refusal.errorType,
        message: refusal.message,
        ...(refusal.errorType.includes('AccessDenied') && denial && { denial }),
        ...(notes.diagnosis && { diagnosis: notes.diagnosis }),
      },
    }),
    ...(answer.invocation && { invocation: answer.invocation }),
    durationMs,
  };
}

/** The access key a request names (header or presigned query), mapped to its principal's ARN. */
function principalOf(req: IncomingMessage, keys: Pick<KeyRing, 'lookup'>): string | undefined {
  const authorization = req.headers.authorization;
  const source = typeof authorization === 'string' ? authorization : (req.url ?? '');
  const accessKeyId = /Credential(?:=|%3D)([A-Za-z0-9]{1,128})(?:\/|%2F)/i.exec(source)?.[1];
  if (!accessKeyId) return undefined;
  return keys.lookup(accessKeyId)?.principal.arn ?? accessKeyId;
}
