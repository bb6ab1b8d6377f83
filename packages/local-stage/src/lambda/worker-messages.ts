/**
 * What the runtime and a function's worker (worker-bootstrap.js) say to each other. The bootstrap is
 * plain JavaScript, because a worker does not inherit jest's or tsx's transform; keep it in step.
 */

/** Given to the worker at its cold start. */
export interface WorkerSetup {
  taskRoot: string;
  handler: string;
  functionName: string;
  functionVersion: string;
  memoryLimitInMB: string;
  invokedFunctionArn: string;
  logGroupName: string;
  logStreamName: string;
  /** `NODE_OPTIONS=--enable-source-maps` in the template; a worker takes no NODE_OPTIONS. */
  enableSourceMaps: boolean;
  /**
   * The function's memory in bytes: past it, counting the JavaScript heap and the memory outside it
   * (Buffers), the worker reports `out-of-memory` and stops, as Lambda kills an environment at its limit.
   */
  memoryLimitBytes: number;
}

export interface InvokeMessage {
  type: 'invoke';
  requestId: string;
  /** JSON, as Lambda serializes the event it passes on. */
  event: string;
  /** Epoch milliseconds at which the invocation times out, for `getRemainingTimeInMillis()`. */
  deadline: number;
}

interface ErrorReport {
  errorType: string;
  errorMessage: string;
}

export type WorkerMessage =
  | { type: 'ready' }
  /** The handler module failed to load, or does not export the handler. */
  | ({ type: 'init-error' } & ErrorReport)
  /** `payload` is the handler's result as JSON (`null` for undefined), as Lambda returns it. */
  | { type: 'result'; payload: string }
  | ({ type: 'error' } & ErrorReport)
  /** An uncaught exception or unhandled rejection: the worker exits right after. */
  | ({ type: 'crash' } & ErrorReport)
  /** Its memory went past the function's `memorySize`: the worker exits right after. */
  | { type: 'out-of-memory' };
