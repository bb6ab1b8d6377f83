import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalStageError } from '../errors';
import { CodeStore } from './code-store';
import { FunctionPool } from './function-pool';
import { locateHandler } from './handler-location';
import { nodeOptionsOf } from './lambda-environment';
import type { FunctionDefinition, InvokeResult, LambdaRuntimeOptions } from './types';

const DEFAULT_MAX_ENVIRONMENTS = 8;

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
  private codeStore?: Promise<{ store: CodeStore; temporaryRoot?: string }>;
  private readonly noted = new Set<string>();

  constructor(private readonly options: LambdaRuntimeOptions = {}) {
    this.log = options.log ?? ((line, functionName) => process.stdout.write(`[${functionName}] ${line}\n`));
    this.maxEnvironments = options.maxEnvironmentsPerFunction ?? DEFAULT_MAX_ENVIRONMENTS;
    if (!Number.isInteger(this.maxEnvironments) || this.maxEnvironments < 1) {
      throw new LocalStageError(
        `maxEnvironmentsPerFunction must be a positive integer, got ${this.maxEnvironments}`,
      );
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
      new FunctionPool(definition, taskRoot, { maxEnvironments: this.maxEnvironments, log: this.log }),
    );
    await previous?.drain();
  }

  /** Removes a function (DeleteFunction): no new invocation reaches it, those in flight finish. */
  async remove(functionName: string): Promise<void> {
    const pool = this.pools.get(functionName);
    this.pools.delete(functionName);
    await pool?.drain();
  }

  /** Names of the functions deployed. */
  functionNames(): string[] {
    return [...this.pools.keys()];
  }

  /** Invokes synchronously (RequestResponse); a failure of the function is a result, not a throw. */
  invoke(functionName: string, event: unknown, options: { requestId?: string } = {}): Promise<InvokeResult> {
    const pool = this.pools.get(functionName);
    if (!pool) {
      return Promise.reject(new LocalStageError(`Function not found: ${functionName} is not deployed`));
    }
    return pool.invoke(event, options.requestId ?? randomUUID());
  }

  /** Terminates every worker, and removes the unpacked code when it lives in a temporary directory. */
  async stop(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.stop()));
    const temporaryRoot = (await this.codeStore)?.temporaryRoot;
    if (temporaryRoot) await rm(temporaryRoot, { recursive: true, force: true });
    this.codeStore = undefined;
  }

  private store(): Promise<{ store: CodeStore; temporaryRoot?: string }> {
    this.codeStore ??= this.options.codeRoot
      ? Promise.resolve({ store: new CodeStore(this.options.codeRoot) })
      : mkdtemp(path.join(tmpdir(), 'local-stage-lambda-')).then((root) => ({
          store: new CodeStore(root),
          temporaryRoot: root,
        }));
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
