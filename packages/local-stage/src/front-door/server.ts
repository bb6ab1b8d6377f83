import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsError, LocalStageError } from '../errors';
import { firstHeader } from '../sigv4/raw-request';
import { type Answer, asAwsError, jsonErrorAnswer, newRequestId, restErrorAnswer, send } from './answers';
import { type ExecuteApiDeps, handleExecuteApi, internalServerError } from './execute-api';
import { handleJsonService, type JsonServiceDeps, jsonServiceCall } from './json-services';
import { readReceivedRequest } from './received';

export type FrontDoorDeps = ExecuteApiDeps & JsonServiceDeps & { log?: (line: string) => void };

/**
 * The one endpoint on 127.0.0.1 for `execute-api`, `ssm` and `dynamodb`, as the SDKs reach them through
 * `AWS_ENDPOINT_URL_*`: JSON-protocol calls are told apart by `X-Amz-Target`, everything else is an
 * API Gateway call.
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
    const server = createServer((req, res) => {
      const requestId = newRequestId();
      answerRequest(req, requestId, deps)
        .then((answer) => {
          send(res, answer, requestId);
          // The rest of a body refused as too long is read and dropped, so the client sees the answer
          // rather than a reset connection, and may send its next request on the same one.
          if (!req.complete) req.resume();
        })
        .catch((error: unknown) => {
          // Nothing may escape a request: an unhandled rejection would stop the whole stage.
          deps.log?.(
            `front door: could not answer: ${error instanceof Error ? error.message : String(error)}`,
          );
          res.destroy();
        });
    });
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
    return new FrontDoor(server, `http://${host}:${(server.address() as AddressInfo).port}`);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

async function answerRequest(req: IncomingMessage, requestId: string, deps: FrontDoorDeps): Promise<Answer> {
  try {
    const request = await readReceivedRequest(req);
    const json = jsonServiceCall(request.method, firstHeader(request, 'x-amz-target'));
    return json
      ? await handleJsonService(request, json, deps)
      : await handleExecuteApi(request, requestId, deps);
  } catch (error) {
    const target = req.headers['x-amz-target'];
    const json = jsonServiceCall(req.method ?? '', typeof target === 'string' ? target : undefined);
    return failure(error, json?.contentType, deps);
  }
}

/** Any failure as the protocol called answers it: `__type` JSON in its content type, or API Gateway's. */
function failure(error: unknown, jsonContentType: string | undefined, deps: FrontDoorDeps): Answer {
  const awsError = asAwsError(error);
  if (awsError.status >= 500) deps.log?.(`front door: ${awsError.message}`);
  if (jsonContentType) return jsonErrorAnswer(awsError, jsonContentType);
  // API Gateway shows a caller none of its own faults, only that there was one.
  return restErrorAnswer(error instanceof AwsError ? error : internalServerError());
}
