import type { FunctionDefinition, LambdaRuntime } from '../lambda';

type Runtime = Pick<LambdaRuntime, 'deploy' | 'invoke' | 'remove'>;

/**
 * The stage's Lambda runtime, remembering how each function was last deployed, so that new code can
 * be swapped in (UpdateFunctionCode) without provisioning its stack again.
 *
 * @example
 * const functions = new DeployedFunctions(runtime);
 * await functions.deploy(definition); // as provisioning does
 * await functions.swapCode('/repo/services/users/.local-stage/getUser-aa…', '/repo/services/users/.local-stage/getUser-bb…');
 */
export class DeployedFunctions implements Runtime {
  private readonly definitions = new Map<string, FunctionDefinition>();

  constructor(
    private readonly runtime: Runtime,
    /** Runs every function with at least this timeout: while debugging, a breakpoint must not end it. */
    private readonly options: { minimumTimeoutSeconds?: number } = {},
  ) {}

  async deploy(definition: FunctionDefinition): Promise<void> {
    const minimum = this.options.minimumTimeoutSeconds ?? 0;
    await this.runtime.deploy({
      ...definition,
      timeoutSeconds: Math.max(definition.timeoutSeconds, minimum),
    });
    this.definitions.set(definition.functionName, definition);
  }

  invoke(...args: Parameters<Runtime['invoke']>): ReturnType<Runtime['invoke']> {
    return this.runtime.invoke(...args);
  }

  async remove(functionName: string): Promise<void> {
    this.definitions.delete(functionName);
    await this.runtime.remove(functionName);
  }

  /**
   * Deploys the code in `to` to every function running the code in `from`; resolves with their names.
   * Their next invocations cold-start on the new code; those in flight finish on the old.
   */
  async swapCode(from: string, to: string): Promise<string[]> {
    const swapped: string[] = [];
    for (const definition of [...this.definitions.values()]) {
      if (definition.codeDirectory !== from) continue;
      await this.deploy({ ...definition, codeDirectory: to });
      swapped.push(definition.functionName);
    }
    return swapped;
  }
}
