import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { AwsError, LocalStageError } from '../errors';
import { firstHeader } from '../sigv4/raw-request';
import { type Answer, asAwsError, jsonErrorAnswer, newRequestId, restErrorAnswer, send } from './answers';
import { type ExecuteApiDeps, handleExecuteApi, internalServerError } from './execute-api';
import {
  handleJsonService,
  type JsonServiceCall,
  type JsonServiceDeps,
  jsonServiceCall,
} from './json-services';
import { readReceivedRequest } from './received';
import { audited, type RequestAudit } from './request-audit';
import {
  noted,
  type RequestEvent,
  type RequestNotes,
  type RequestObserver,
  requestEvent,
} from './request-events';
import { handleSts, isStsRequest, type StsDeps, stsAction, stsErrorAnswer } from './sts';

export type FrontDoorDeps = ExecuteApiDeps &
  JsonServiceDeps &
  StsDeps & {
    log?: (line: string) => void;
    /** Told, once each request is answered, what it was decided and what it reached (tests, tools). */
    audit?: (audit: RequestAudit) => void;
    /** Told of every request once answered: the stage prints refusals (and, verbose, every call) from it. */
    onRequest?: RequestObserver;
  };

/** Which service a request called, for the request events. */
type Call = { service: string; operation?: string };

/**
 * The one endpoint on 127.0.0.1 for `execute-api`, `ssm`, `dynamodb` and `sts`, as the SDKs reach them
 * through `AWS_ENDPOINT_URL_*` (or a profile's `endpoint_url`): JSON-protocol calls are told apart by
 * `X-Amz-Target`, STS Query-protocol calls by their `Action` at the root, everything else is an API
 * Gateway call.
 *
 * Every request is isolated: whatever it carries, and whatever fails while it is answered, becomes that
 * request's AWS-shaped error, logged once, and the front door goes on serving the others.
 */
export class FrontDoor {
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** @example const door = await FrontDoor.listen(deps, { port: 0 }); door.url // 'http://127.0.0.1:41234' */
  static async listen(
    deps: FrontDoorDeps,
    options: { host?: string; port?: number } = {},
  ): Promise<FrontDoor> {
    const server = createServer((req, res) => serve(req, res, deps));
    // A request Node cannot parse never reaches the handler; answer it as AWS endpoints do.
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) =>
      refuseMalformed(error, socket),
    );
    server.on('connect', (_req: IncomingMessage, socket: Duplex) =>
      refuseMalformed(new Error('CONNECT'), socket),
    );
    // Lambda-to-API calls reuse connections (AWS_NODEJS_CONNECTION_REUSE_ENABLED); keep them open.
    server.keepAliveTimeout = 60_000;
    const host = options.host ?? '127.0.0.1';
    const port = options.port ?? 0;
    server.listen(port, host);
    await once(server, 'listening').catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE') throw error;
      throw new LocalStageError(
        `port ${port} on ${host} is in use (another local stage?): stop it, or pass --port 0`,
      );
    });
    server.on('error', (error) => deps.log?.(`front door: ${error.message}`));
    return new FrontDoor(server, `http://${host}:${(server.address() as AddressInfo).port}`);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Answers one request; nothing it does can throw past here or leave an error event unheard. */
function serve(req: IncomingMessage, res: ServerResponse, deps: FrontDoorDeps): void {
  const requestId = newRequestId();
  const began = performance.now();
  // A client that goes away mid-request makes these emit; the request simply ends there.
  req.on('error', () => undefined);
  res.on('error', () => undefined);
  const audit: RequestAudit | undefined = deps.audit && {
    requestId,
    method: req.method ?? '',
    target: req.url ?? '',
    status: undefined,
    decisions: [],
    reached: [],
  };
  const notes: RequestNotes | undefined = deps.onRequest && {};
  let view = audit ? audited(deps, audit) : deps;
  if (notes) view = noted(view, notes);
  answerRequest(req, requestId, view)
    .then(({ answer, call }) => {
      deliver(req, res, answer, requestId, deps);
      if (notes)
        observe(
          deps,
          requestEvent(req, requestId, answer, call, notes, performance.now() - began, deps.keys),
        );
    })
    .catch((error: unknown) => {
      deps.log?.(`front door: could not answer ${requestId}: ${messageOf(error)}`);
      res.destroy();
    })
    .finally(() => {
      if (!audit || !deps.audit) return;
      audit.status = res.headersSent ? res.statusCode : undefined;
      try {
        deps.audit(audit);
      } catch (error) {
        deps.log?.(`front door: the request audit failed: ${messageOf(error)}`);
      }
    });
}

async function answerRequest(
  req: IncomingMessage,
  requestId: string,
  deps: FrontDoorDeps,
): Promise<{ answer: Answer; call: Call }> {
  try {
    const request = await readReceivedRequest(req);
    const json = jsonServiceCall(request.method, firstHeader(request, 'x-amz-target'));
    if (json) return { answer: await handleJsonService(request, json, deps), call: callOf(json) };
    if (isStsRequest(request.method, request.target, firstHeader(request, 'content-type'))) {
      const call = { service: 'sts', operation: stsAction(request) };
      return { answer: await handleSts(request, requestId, deps), call };
    }
    return { answer: await handleExecuteApi(request, requestId, deps), call: callOf(undefined) };
  } catch (error) {
    // Answered in the protocol the request was addressed to, read from the raw request: the error
    // may have come from reading it.
    const json = jsonCallOf(req);
    if (!json && isStsRequest(req.method ?? '', req.url ?? '/', req.headers['content-type'])) {
      if (asAwsError(error).status >= 500) deps.log?.(`front door: ${requestId}: ${messageOf(error)}`);
      return { answer: stsErrorAnswer(error, requestId), call: { service: 'sts' } };
    }
    return { answer: failure(error, json?.contentType, requestId, deps), call: callOf(json) };
  }
}

function callOf(json: JsonServiceCall | undefined): Call {
  return json ? { service: json.service, operation: json.operation } : { service: 'execute-api' };
}

/** Tells the observer; what it does with the event is its own concern and never fails the request. */
function observe(deps: FrontDoorDeps, event: RequestEvent): void {
  try {
    deps.onRequest?.(event);
  } catch (error) {
    deps.log?.(`front door: the request observer failed: ${messageOf(error)}`);
  }
}

/**
 * Writes the answer. An answer Node refuses to write (a header or status HTTP cannot carry) becomes
 * the protocol's internal error instead; a client that has gone is not written to.
 */
function deliver(
  req: IncomingMessage,
  res: ServerResponse,
  answer: Answer,
  requestId: string,
  deps: FrontDoorDeps,
): void {
  if (res.destroyed) return;
  try {
    send(res, answer, requestId);
  } catch (error) {
    if (res.headersSent) throw error;
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    send(res, failure(error, jsonCallOf(req)?.contentType, requestId, deps), requestId);
  }
  // The rest of a body refused as too long is read and dropped, so the client sees the answer
  // rather than a reset connection, and may send its next request on the same one.
  if (!req.complete) req.resume();
}

/** The JSON protocol call (SSM, DynamoDB) the raw request is addressed to, if it is one. */
function jsonCallOf(req: IncomingMessage): JsonServiceCall | undefined {
  const target = req.headers['x-amz-target'];
  return jsonServiceCall(req.method ?? '', typeof target === 'string' ? target : undefined);
}

/**
 * Any failure as the protocol called answers it: `__type` JSON in its content type, or API Gateway's.
 * One the stage did not expect is logged, once, with the request id the client was given.
 */
function failure(
  error: unknown,
  jsonContentType: string | undefined,
  requestId: string,
  deps: FrontDoorDeps,
): Answer {
  const awsError = asAwsError(error);
  if (awsError.status >= 500) deps.log?.(`front door: ${requestId}: ${messageOf(error)}`);
  if (jsonContentType) return jsonErrorAnswer(awsError, jsonContentType);
  // API Gateway shows a caller none of its own faults, only that there was one.
  return restErrorAnswer(error instanceof AwsError ? error : internalServerError());
}

/** Node's reason for a request it could not parse, as the status AWS endpoints answer it with. */
const CLIENT_ERRORS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout'],
};

/**
 * Answers a request Node could not parse (malformed request line or header, headers past Node's
 * limit, a CONNECT) with a 400-class status and closes the connection, unless an answer to an earlier
 * request on it is already under way, which a raw write would corrupt.
 */
function refuseMalformed(error: NodeJS.ErrnoException, socket: Duplex): void {
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, reason] = (error.code && CLIENT_ERRORS[error.code]) || [400, 'Bad Request'];
  const body = JSON.stringify({ message: reason });
  socket.on('error', () => undefined);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n` +
      `x-amzn-RequestId: ${newRequestId()}\r\nConnection: close\r\n\r\n${body}`,
  );
  // A peer that never reads must not hold the socket open.
  setTimeout(() => socket.destroy(), 5_000).unref();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
