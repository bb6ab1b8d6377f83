import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LocalStageError } from '../errors';
import { type Answer, asAwsError, jsonErrorAnswer, newRequestId, restErrorAnswer, send } from './answers';
import { type ExecuteApiDeps, handleExecuteApi } from './execute-api';
import { handleJsonService, isJsonServiceCall, type JsonServiceDeps } from './json-services';
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
      readReceivedRequest(req)
        .then((request) =>
          isJsonServiceCall(request)
            ? handleJsonService(request, deps)
            : handleExecuteApi(request, requestId, deps),
        )
        .catch((error: unknown) => failure(error, req.headers['x-amz-target'] !== undefined, deps))
        .then((answer) => send(res, answer, requestId));
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

function failure(error: unknown, jsonProtocol: boolean, deps: FrontDoorDeps): Answer {
  const awsError = asAwsError(error);
  if (awsError.status >= 500) deps.log?.(`front door: ${awsError.message}`);
  return jsonProtocol ? jsonErrorAnswer(awsError, 'application/x-amz-json-1.1') : restErrorAnswer(awsError);
}
