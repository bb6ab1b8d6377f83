import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { LocalStageError } from '../errors';
import { isRunning } from '../process-alive';
import { CodeStore } from './code-store';
import { FunctionPool } from './function-pool';
import { locateHandler } from './handler-location';
import { nodeOptionsOf } from './lambda-environment';
import type { FunctionDefinition, InvokeResult, LambdaRuntimeOptions } from './types';

/**
 * Copies of one function at most, by default. Each copy is a worker thread that runs JavaScript, so
 * copies beyond the cores only queue for CPU while costing ~40 MB each. Measured on 2 cores
 * (`npm run bench -- --only pool`): 2 copies per function served 16 and 64 connections as fast as 4
 * and faster than 8, with a lower p99 and less CPU per request and memory than either.
 */
export function defaultEnvironmentsPerFunction(cores = availableParallelism()): number {
  return Math.max(2, Math.min(cores, 4));
}

/** A call running this long is waiting or hung rather than computing: see FunctionPoolOptions. */
export const DEFAULT_SLOW_CALL_MS = 1_000;
/** Copies of one function at most, when calls are slow: the former fixed size, known to fit a laptop. */
export const DEFAULT_BURST_LIMIT = 8;

/**
 * Lambda shuts down an execution environment left idle "after a period of inactivity" it does not
 * publish (observed: 5 to 15 minutes); the local stage waits 5 minutes.
 */
export const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;

/**
 * Runs the stage's Lambda functions on this machine, each in worker threads of its own with the
 * environment Lambda would give it. Deploying unpacks and checks the code; the first invocation
 * cold-starts an environment, as in Lambda.
 *
 * @example
 * const runtime = new LambdaRuntime();
 * await runtime.deploy(definition);
 * const result = await runtime.invoke('users-local-getUser', event, { requestId });
 * await runtime.stop();
 */
export class LambdaRuntime {
  private readonly pools = new Map<string, FunctionPool>();
  private readonly log: (line: string, functionName: string) => void;
  private readonly maxEnvironments: number;
  private readonly idleTimeoutMs: number;
  private codeStore?: Promise<{ store: CodeStore; temporaryRoot?: string }>;
  /** The temporary folder holding unpacked code, once made. */
  private temporaryRoot?: string;
  private readonly noted = new Set<string>();

  constructor(private readonly options: LambdaRuntimeOptions = {}) {
    this.log = options.log ?? ((line, functionName) => process.stdout.write(`[${functionName}] ${line}\n`));
    this.maxEnvironments = options.maxEnvironmentsPerFunction ?? defaultEnvironmentsPerFunction();
    if (!Number.isInteger(this.maxEnvironments) || this.maxEnvironments < 1) {
      throw new LocalStageError(
        `maxEnvironmentsPerFunction must be a positive integer, got ${this.maxEnvironments}`,
      );
    }
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    if (!(this.idleTimeoutMs > 0)) {
      throw new LocalStageError(`idleTimeoutMs must be a positive number, got ${this.idleTimeoutMs}`);
    }
  }

  /**
   * Unpacks the function's zip (once per zip content) and checks its handler; starts no worker. A
   * function deployed again gets the new code and configuration from its next invocation on, while
   * invocations in flight finish on the old (UpdateFunctionCode/UpdateFunctionConfiguration).
   */
  async deploy(definition: FunctionDefinition): Promise<void> {
    assertValid(definition);
    const taskRoot =
      definition.codeDirectory ?? (await (await this.store()).store.unpack(definition.codeZip ?? ''));
    await locateHandler(definition, taskRoot);
    this.noteUnsupported(definition);
    const previous = this.pools.get(definition.functionName);
    this.pools.set(
      definition.functionName,
      new FunctionPool(definition, taskRoot, {
        maxEnvironments: this.maxEnvironments,
        slowCallMs: this.options.slowCallMs ?? DEFAULT_SLOW_CALL_MS,
        burstLimit: Math.max(this.maxEnvironments, this.options.burstLimitPerFunction ?? DEFAULT_BURST_LIMIT),
        idleTimeoutMs: this.idleTimeoutMs,
        log: this.log,
      }),
    );
    await previous?.drain();
  }

  /** Removes a function (DeleteFunction): no new invocation reaches it, those in flight finish. */
  async remove(functionName: string): Promise<void> {
    const pool = this.pools.get(functionName);
    this.pools.delete(functionName);
    await pool?.drain();
  }

  /** Invokes synchronously (RequestResponse); a failure of the function is a result, not a throw. */
  invoke(functionName: string, event: unknown, options: { requestId?: string } = {}): Promise<InvokeResult> {
    const pool = this.pools.get(functionName);
    if (!pool) {
      return Promise.reject(new LocalStageError(`Function not found: ${functionName} is not deployed`));
    }
    return pool.invoke(event, options.requestId ?? randomUUID());
  }

  /** Execution environments alive now, idle or busy, of one function or of all. */
  environmentCount(functionName?: string): number {
    if (functionName !== undefined) return this.pools.get(functionName)?.size ?? 0;
    return [...this.pools.values()].reduce((sum, pool) => sum + pool.size, 0);
  }

  /** Terminates every worker, and removes the unpacked code when it lives in a temporary directory. */
  async stop(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.stop()));
    const temporaryRoot = (await this.codeStore)?.temporaryRoot;
    if (temporaryRoot) await rm(temporaryRoot, { recursive: true, force: true });
    this.codeStore = undefined;
    this.temporaryRoot = undefined;
  }

  /** Removes the unpacked code's temporary folder at once, for a process about to exit. */
  removeTemporaryFilesSync(): void {
    if (this.temporaryRoot) rmSync(this.temporaryRoot, { recursive: true, force: true });
  }

  private store(): Promise<{ store: CodeStore; temporaryRoot?: string }> {
    this.codeStore ??= this.options.codeRoot
      ? Promise.resolve({ store: new CodeStore(this.options.codeRoot) })
      : makeTemporaryRoot().then((root) => {
          this.temporaryRoot = root;
          return { store: new CodeStore(root), temporaryRoot: root };
        });
    return this.codeStore;
  }

  /** Says once what the local runtime cannot honour, rather than failing or staying silent. */
  private noteUnsupported(definition: FunctionDefinition): void {
    const notes: string[] = [];
    if (!definition.runtime.startsWith('nodejs')) {
      notes.push(`runtime ${definition.runtime} runs on the local Node.js ${process.version}`);
    }
    const { ignored } = nodeOptionsOf(definition);
    if (ignored.length > 0) notes.push(`NODE_OPTIONS ${ignored.join(' ')} cannot apply to a worker; ignored`);
    for (const note of notes) {
      if (this.noted.has(note)) continue;
      this.noted.add(note);
      this.log(`local-stage: ${note}`, definition.functionName);
    }
  }
}

const TEMPORARY_PREFIX = 'local-stage-lambda-';

/**
 * A temporary folder named after this process (`local-stage-lambda-{pid}-…`). Folders of stages whose
 * process has ended without removing them (killed, a power cut) are removed first.
 */
async function makeTemporaryRoot(): Promise<string> {
  const entries = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const entry of entries) {
    const pid = Number(/^local-stage-lambda-(\d+)-/.exec(entry)?.[1]);
    if (pid > 0 && pid !== process.pid && !isRunning(pid)) {
      await rm(path.join(tmpdir(), entry), { recursive: true, force: true }).catch(() => undefined);
    }
  }
  return mkdtemp(path.join(tmpdir(), `${TEMPORARY_PREFIX}${process.pid}-`));
}

function assertValid(definition: FunctionDefinition): void {
  const problems = [
    !definition.functionName && 'a functionName',
    !definition.handler && 'a handler',
    !path.isAbsolute(definition.codeDirectory ?? definition.codeZip ?? '') &&
      'an absolute codeZip or codeDirectory path',
    !(definition.timeoutSeconds > 0) && 'a positive timeoutSeconds',
    !(definition.memorySize > 0) && 'a positive memorySize',
    !definition.region && 'a region',
  ].filter(Boolean);
  if (problems.length > 0) {
    throw new LocalStageError(
      `Function ${definition.functionName || '(unnamed)'} needs ${problems.join(', ')}`,
    );
  }
}
