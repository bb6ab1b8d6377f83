import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import {
  functionArn,
  lambdaEnvironment,
  logGroupName,
  newLogStreamName,
  nodeOptionsOf,
} from './lambda-environment';
import type { FunctionDefinition, InvokeFailure, InvokeResult } from './types';
import type { InvokeMessage, WorkerMessage, WorkerSetup } from './worker-messages';

/** Plain JavaScript, so a worker loads it the same under jest, tsx or node. */
const BOOTSTRAP = path.join(__dirname, 'worker-bootstrap.js');
/** Lambda limits an on-demand environment's init phase to 10 seconds. */
const INIT_TIMEOUT_MS = 10_000;

type WorkerEvent = WorkerMessage | { type: 'exit'; code: number } | { type: 'timeout' };
type LogLine = (line: string, functionName: string) => void;

/**
 * One Lambda execution environment: a worker thread with the function's environment and its module
 * loaded, running one invocation at a time. Timed out or crashed, it is gone, as in Lambda.
 *
 * @example
 * const started = await ExecutionEnvironment.start(definition, taskRoot, console.log);
 * if ('environment' in started) await started.environment.invoke({ hello: 'world' }, 'req-1');
 */
export class ExecutionEnvironment {
  private waiter?: (event: WorkerEvent) => void;
  private exited = false;
  private dying = false;
  /** Called once when the worker has exited, whatever the reason. */
  onExit?: () => void;

  private constructor(
    private readonly worker: Worker,
    private readonly fn: FunctionDefinition,
    private readonly log: LogLine,
  ) {
    worker.on('message', (message: WorkerMessage) => this.receive(message));
    worker.on('error', (error: NodeJS.ErrnoException) =>
      // Node stops a worker whose heap reaches its resourceLimits with this error.
      this.receive(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? { type: 'out-of-memory' }
          : { type: 'crash', errorType: error.name, errorMessage: error.message },
      ),
    );
    worker.on('exit', (code) => {
      this.exited = true;
      this.deliver({ type: 'exit', code });
      this.onExit?.();
    });
  }

  /** A cold start: a new worker with fresh credentials, ready once the handler module has loaded. */
  static async start(
    fn: FunctionDefinition,
    taskRoot: string,
    log: LogLine,
  ): Promise<{ environment: ExecutionEnvironment } | InvokeFailure> {
    const began = performance.now();
    const environment = new ExecutionEnvironment(spawnWorker(fn, taskRoot, log), fn, log);
    const event = await environment.next(INIT_TIMEOUT_MS, began);
    if (event.type === 'ready') return { environment };
    await environment.terminate();
    const durationMs = performance.now() - began;
    if (event.type === 'timeout') {
      return failure('timeout', 'Sandbox.Timedout', 'Init phase timed out after 10.00 seconds', durationMs);
    }
    return environment.failureFrom(event, durationMs, 'cold start');
  }

  /** False once the worker has exited or is about to. */
  get alive(): boolean {
    return !this.exited && !this.dying;
  }

  async invoke(event: unknown, requestId: string): Promise<InvokeResult> {
    const timeoutMs = this.fn.timeoutSeconds * 1000;
    const began = performance.now();
    const message: InvokeMessage = {
      type: 'invoke',
      requestId,
      event: JSON.stringify(event ?? null),
      deadline: Date.now() + timeoutMs,
    };
    this.worker.postMessage(message);
    const outcome = await this.next(timeoutMs, began);
    const durationMs = performance.now() - began;
    if (outcome.type === 'result') return { ok: true, payload: JSON.parse(outcome.payload), durationMs };
    if (outcome.type === 'timeout') {
      // Lambda stops the environment of a timed-out invocation; the next one gets a fresh one.
      await this.terminate();
      const errorMessage = `Task timed out after ${this.fn.timeoutSeconds.toFixed(2)} seconds`;
      this.log(`${new Date().toISOString()} ${requestId} ${errorMessage}`, this.fn.functionName);
      return failure('timeout', 'Sandbox.Timedout', errorMessage, durationMs);
    }
    return this.failureFrom(outcome, durationMs, requestId);
  }

  async terminate(): Promise<void> {
    this.dying = true;
    await this.worker.terminate();
  }

  private failureFrom(event: WorkerEvent, durationMs: number, requestId: string): InvokeFailure {
    switch (event.type) {
      case 'error':
      case 'init-error':
        return failure('error', event.errorType, event.errorMessage, durationMs);
      case 'crash':
        return failure('crash', event.errorType, event.errorMessage, durationMs);
      case 'out-of-memory': {
        // Lambda's answer and log lines for an environment killed at its memory limit: the REPORT
        // line says `Status: error Error Type: Runtime.OutOfMemory` (`Runtime.ExitError` before the
        // OutOfMemory type existed); the Lambda documentation does not list it, CloudWatch logs show it.
        const errorMessage = `RequestId: ${requestId} Error: Runtime exited with error: signal: killed`;
        this.log(errorMessage, this.fn.functionName);
        this.log('Runtime.OutOfMemory', this.fn.functionName);
        return failure('crash', 'Runtime.OutOfMemory', errorMessage, durationMs);
      }
      case 'exit':
        this.log(exitMessage(requestId, event.code), this.fn.functionName);
        return failure('crash', 'Runtime.ExitError', exitMessage(requestId, event.code), durationMs);
      default:
        return failure('crash', 'Runtime.Unknown', `Unexpected ${event.type} from the runtime`, durationMs);
    }
  }

  private receive(message: WorkerMessage): void {
    // The worker exits right after reporting a crash or running out of memory: take it out of service now.
    if (message.type === 'crash' || message.type === 'out-of-memory') this.dying = true;
    this.deliver(message);
  }

  private deliver(event: WorkerEvent): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.(event);
  }

  /**
   * The worker's next event, or `timeout` once `timeoutMs` have passed since `began`, both read from
   * `performance.now()`, the clock durations are reported with. A timer alone may fire early by that
   * clock (libuv schedules it from the event loop's cached time, in whole milliseconds, taken when
   * the loop iteration began), and Lambda never stops an invocation before its full timeout: a timer
   * that fires early is set again for what is left.
   */
  private next(timeoutMs: number, began = performance.now()): Promise<WorkerEvent> {
    if (this.exited) return Promise.resolve({ type: 'exit', code: 1 });
    const deadline = began + timeoutMs;
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout;
      const wait = () => {
        const left = deadline - performance.now();
        if (left <= 0) this.deliver({ type: 'timeout' });
        else timer = setTimeout(wait, Math.ceil(left));
      };
      timer = setTimeout(wait, timeoutMs);
      this.waiter = (event) => {
        clearTimeout(timer);
        resolve(event);
      };
    });
  }
}

function spawnWorker(fn: FunctionDefinition, taskRoot: string, log: LogLine): Worker {
  const logStreamName = newLogStreamName();
  const setup: WorkerSetup = {
    taskRoot,
    handler: fn.handler,
    functionName: fn.functionName,
    functionVersion: '$LATEST',
    memoryLimitInMB: String(fn.memorySize),
    invokedFunctionArn: functionArn(fn),
    logGroupName: logGroupName(fn),
    logStreamName,
    enableSourceMaps: nodeOptionsOf(fn).enableSourceMaps,
    memoryLimitBytes: fn.memorySize * 1024 * 1024,
  };
  const worker = new Worker(BOOTSTRAP, {
    workerData: setup,
    // A private env object: the function sees its own variables and none of the stage's.
    env: lambdaEnvironment(fn, { taskRoot, credentials: fn.credentials(), logStreamName }),
    // Lambda runs plain node: no loader or flag of the process hosting the stage.
    execArgv: [],
    resourceLimits: heapLimits(fn.memorySize),
    stdout: true,
    stderr: true,
  });
  forwardLines(worker.stdout, fn.functionName, log);
  forwardLines(worker.stderr, fn.functionName, log);
  return worker;
}

/**
 * The heap Lambda's Node.js runtime gives a function of `memorySize` MB: its bootstrap starts node with
 * a new space of a tenth of the memory and the rest as old space (`--max-semi-space-size=M/20
 * --max-old-space-size=M-M/10`). V8's young generation is three semi-spaces (two, and the new
 * large-object space). A worker past these limits is stopped, as Lambda stops the environment.
 *
 * @example heapLimits(1024) // { maxOldGenerationSizeMb: 922, maxYoungGenerationSizeMb: 153 }
 */
export function heapLimits(memorySize: number): {
  maxOldGenerationSizeMb: number;
  maxYoungGenerationSizeMb: number;
} {
  const newSpace = Math.floor(memorySize / 10);
  const semiSpace = Math.floor(memorySize / 20);
  return { maxOldGenerationSizeMb: memorySize - newSpace, maxYoungGenerationSizeMb: 3 * semiSpace };
}

function forwardLines(stream: Readable, functionName: string, log: LogLine): void {
  createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) =>
    log(line, functionName),
  );
}

function exitMessage(requestId: string, code: number): string {
  const reason =
    code === 0
      ? 'Runtime exited without providing a reason'
      : `Runtime exited with error: exit status ${code}`;
  return `RequestId: ${requestId} Error: ${reason}`;
}

function failure(
  kind: InvokeFailure['kind'],
  errorType: string,
  errorMessage: string,
  durationMs: number,
): InvokeFailure {
  return { ok: false, kind, errorType, errorMessage, durationMs };
}
