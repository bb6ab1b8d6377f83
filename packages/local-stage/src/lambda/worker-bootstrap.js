// The runtime inside a function's worker thread: what Lambda's Node.js runtime interface client does
// for a handler, in plain JavaScript so that Node loads it as is (a worker does not inherit jest's or
// tsx's transform). The messages it exchanges are typed in worker-messages.ts.
const { existsSync } = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { format } = require('node:util');
const v8 = require('node:v8');
const { parentPort, workerData } = require('node:worker_threads');

/** @type {import('./worker-messages').WorkerSetup} */
const setup = workerData;

/**
 * Lambda's limit on a synchronous invocation's response, 6 MB ("Invocation payload (request and
 * response)", https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html): a larger answer
 * fails with Function.ResponseSizeTooLarge, which API Gateway logs as "Lambda Customer Function
 * Error:Response payload size exceeded maximum allowed payload size (6291556 bytes)." and answers 502.
 */
const MAX_RESPONSE_BYTES = 6_291_556;
const RESPONSE_TOO_LARGE = {
  errorType: 'Function.ResponseSizeTooLarge',
  errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
};
/** How often a running invocation's memory is looked at: the heap limit does not cover Buffers. */
const MEMORY_CHECK_MS = 50;

/** The request being served, for log lines; Lambda prints "undefined" during init. */
let currentRequestId;

function post(message) {
  parentPort.postMessage(message);
}

/** A line in Lambda's text log format: timestamp, request id, level, message. */
function writeLog(level, message) {
  process.stdout.write(`${new Date().toISOString()}\t${currentRequestId}\t${level}\t${message}\n`);
}

function installLambdaConsole() {
  const levels = { debug: 'DEBUG', info: 'INFO', log: 'INFO', warn: 'WARN', error: 'ERROR', trace: 'TRACE' };
  for (const [method, level] of Object.entries(levels)) {
    console[method] = (...args) => writeLog(level, format(...args));
  }
}

/** Logs a failure with its stack, as Lambda's runtime does, so a 502 can be traced to its cause. */
function logFailure(label, thrown, report) {
  const stack = thrown instanceof Error && thrown.stack ? thrown.stack.split('\n') : [];
  writeLog('ERROR', `${label} \t${JSON.stringify({ ...report, stack })}`);
}

/** The JavaScript heap in use plus the memory outside it (Buffers, ArrayBuffers) of this worker alone. */
function memoryInUse() {
  const statistics = v8.getHeapStatistics();
  return statistics.used_heap_size + statistics.external_memory;
}

/**
 * Lambda kills an environment whose memory passes its `memorySize`. The worker's heap limit (set by
 * the runtime from memorySize) stops the heap; this stops what lives outside it.
 */
function stopIfOutOfMemory() {
  if (memoryInUse() <= setup.memoryLimitBytes) return;
  post({ type: 'out-of-memory' });
  process.exit(137);
}

/** Lambda reports an Error by its name and message, anything else thrown by its type and text. */
function describe(thrown) {
  if (thrown instanceof Error) return { errorType: thrown.name, errorMessage: thrown.message };
  return { errorType: typeof thrown, errorMessage: String(thrown) };
}

function runtimeError(errorType, errorMessage) {
  const error = new Error(errorMessage);
  error.name = errorType;
  return error;
}

// As Lambda's runtime does, an uncaught exception or unhandled rejection fails the current
// invocation and ends the execution environment.
function installCrashReporting() {
  process.on('uncaughtException', (error) => {
    logFailure('Uncaught Exception', error, describe(error));
    post({ type: 'crash', ...describe(error) });
    process.exit(129);
  });
  process.on('unhandledRejection', (reason) => {
    const errorMessage = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
    const report = { errorType: 'Runtime.UnhandledPromiseRejection', errorMessage };
    logFailure('Unhandled Promise Rejection', reason, report);
    post({ type: 'crash', ...report });
    process.exit(128);
  });
}

/** `src/handlers/get-user.handler` → module `src/handlers/get-user`, export path `handler`. */
function splitHandler(handler) {
  const match = /^([^.]*)\.(.*)$/.exec(path.basename(handler));
  if (!match) throw runtimeError('Runtime.MalformedHandlerName', 'Bad handler');
  return { modulePath: path.join(path.dirname(handler), match[1]), exportPath: match[2] };
}

async function importModule(file) {
  try {
    if (file.endsWith('.mjs')) return await import(pathToFileURL(file).href);
    try {
      return require(file);
    } catch (error) {
      if (error.code !== 'ERR_REQUIRE_ESM') throw error;
      return await import(pathToFileURL(file).href);
    }
  } catch (error) {
    if (error instanceof SyntaxError) throw runtimeError('Runtime.UserCodeSyntaxError', `${error}`);
    if (error.code === 'MODULE_NOT_FOUND') throw runtimeError('Runtime.ImportModuleError', `${error}`);
    throw error;
  }
}

/** Loads the handler as Lambda does: `.js`, `.mjs` or `.cjs` under the task root, then the named export. */
async function loadHandler() {
  const { modulePath, exportPath } = splitHandler(setup.handler);
  const base = path.resolve(setup.taskRoot, modulePath);
  const file = ['.js', '.mjs', '.cjs'].map((ext) => base + ext).find((candidate) => existsSync(candidate));
  if (!file) {
    throw runtimeError(
      'Runtime.ImportModuleError',
      `Error: Cannot find module '${path.basename(modulePath)}'`,
    );
  }
  const loaded = await importModule(file);
  const handler = exportPath.split('.').reduce((value, key) => (value == null ? value : value[key]), loaded);
  if (typeof handler !== 'function') {
    throw runtimeError(
      'Runtime.HandlerNotFound',
      `${path.basename(setup.handler)} is undefined or not exported`,
    );
  }
  return handler;
}

function createContext(message, settle) {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: setup.functionName,
    functionVersion: setup.functionVersion,
    invokedFunctionArn: setup.invokedFunctionArn,
    memoryLimitInMB: setup.memoryLimitInMB,
    awsRequestId: message.requestId,
    logGroupName: setup.logGroupName,
    logStreamName: setup.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
    // The legacy completion methods Lambda's Node.js runtime still offers.
    done: settle,
    succeed: (result) => settle(null, result),
    fail: (error) => settle(error),
  };
}

/** An async handler settles with its promise; a callback-style one through the callback, whichever is first. */
function runHandler(handler, message) {
  return new Promise((resolve, reject) => {
    const settle = (error, result) => (error != null ? reject(error) : resolve(result));
    const returned = handler(JSON.parse(message.event), createContext(message, settle), settle);
    if (returned && typeof returned.then === 'function') returned.then(resolve, reject);
  });
}

async function invoke(handler, message) {
  currentRequestId = message.requestId;
  const memoryWatch = setInterval(stopIfOutOfMemory, MEMORY_CHECK_MS);
  let outcome;
  try {
    outcome = { result: await runHandler(handler, message) };
  } catch (thrown) {
    outcome = { thrown };
  }
  clearInterval(memoryWatch);
  stopIfOutOfMemory();
  if ('thrown' in outcome) {
    logFailure('Invoke Error', outcome.thrown, describe(outcome.thrown));
    post({ type: 'error', ...describe(outcome.thrown) });
    return;
  }
  postResult(outcome.result);
}

function postResult(result) {
  let payload;
  try {
    payload = JSON.stringify(result === undefined ? null : result);
  } catch (thrown) {
    post({
      type: 'error',
      errorType: 'Runtime.MarshalError',
      errorMessage: `Unable to stringify response body: ${thrown}`,
    });
    return;
  }
  // Measured here, so an oversized answer is never copied to the stage's thread.
  if (Buffer.byteLength(payload) > MAX_RESPONSE_BYTES) post({ type: 'error', ...RESPONSE_TOO_LARGE });
  else post({ type: 'result', payload });
}

installLambdaConsole();
installCrashReporting();
if (setup.enableSourceMaps) process.setSourceMapsEnabled(true);
loadHandler().then(
  (handler) => {
    parentPort.on('message', (message) => invoke(handler, message));
    post({ type: 'ready' });
  },
  (error) => {
    logFailure('Uncaught Exception', error, describe(error));
    post({ type: 'init-error', ...describe(error) });
  },
);
