import { LocalStageError } from '../errors';
import { ExecutionEnvironment } from './execution-environment';
import type { FunctionDefinition, InvokeResult } from './types';

type LogLine = (line: string, functionName: string) => void;
/** A warm environment, or the right to cold-start one. */
type Lease = { environment: ExecutionEnvironment } | { coldStart: true };

/**
 * The execution environments of one function. Lambda serves concurrent requests in separate
 * environments, so each invocation gets one of its own: a warm idle one, else a new one (a cold
 * start) up to `maxEnvironments`, else it waits for one to come free.
 *
 * @example
 * const pool = new FunctionPool(definition, taskRoot, { maxEnvironments: 4, log: console.log });
 * const result = await pool.invoke({ path: '/users/42' }, 'req-1');
 */
export class FunctionPool {
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly all = new Set<ExecutionEnvironment>();
  /** Environments running or starting: idle, busy, or being cold-started. */
  private live = 0;
  private readonly waiting: Array<{ resolve: (lease: Lease) => void; reject: (error: Error) => void }> = [];
  private stopped = false;
  private draining = false;

  constructor(
    readonly definition: FunctionDefinition,
    private readonly taskRoot: string,
    private readonly options: { maxEnvironments: number; log: LogLine },
  ) {}

  async invoke(event: unknown, requestId: string): Promise<InvokeResult> {
    const lease = await this.acquire();
    let environment: ExecutionEnvironment;
    if ('environment' in lease) {
      environment = lease.environment;
    } else {
      const started = await ExecutionEnvironment.start(this.definition, this.taskRoot, this.options.log);
      if (!('environment' in started)) {
        this.release(undefined);
        return started;
      }
      environment = this.adopt(started.environment);
      if (this.stopped) {
        await environment.terminate();
        throw this.stoppedError();
      }
    }
    const result = await environment.invoke(event, requestId);
    this.release(environment);
    return result;
  }

  /**
   * Takes the pool out of service gently, when its function got new code or was removed: idle
   * environments stop now (resolves then), busy ones as soon as their invocation ends.
   */
  async drain(): Promise<void> {
    this.draining = true;
    const idle = this.idle.splice(0);
    await Promise.all(idle.map((environment) => environment.terminate()));
    for (const environment of idle) this.all.delete(environment);
    this.live -= idle.length;
  }

  /** Terminates every environment; invocations in flight end as crashes. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const waiter of this.waiting.splice(0)) waiter.reject(this.stoppedError());
    await Promise.all([...this.all].map((environment) => environment.terminate()));
  }

  private acquire(): Promise<Lease> {
    if (this.stopped) return Promise.reject(this.stoppedError());
    const warm = this.idle.pop();
    if (warm) return Promise.resolve({ environment: warm });
    if (this.live < this.options.maxEnvironments) {
      this.live += 1;
      return Promise.resolve({ coldStart: true });
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private stoppedError(): LocalStageError {
    return new LocalStageError(`Function ${this.definition.functionName} is stopped`);
  }

  /** Hands a finished environment to the next waiter, or keeps it warm; a dead one frees its slot. */
  private release(environment: ExecutionEnvironment | undefined): void {
    const next = this.waiting.shift();
    if (environment?.alive && !this.stopped) {
      if (next) next.resolve({ environment });
      else if (!this.draining) this.idle.push(environment);
      else void this.retire(environment);
      return;
    }
    if (environment) this.all.delete(environment);
    if (next) next.resolve({ coldStart: true });
    else this.live -= 1;
  }

  private async retire(environment: ExecutionEnvironment): Promise<void> {
    this.all.delete(environment);
    this.live -= 1;
    await environment.terminate();
  }

  private adopt(environment: ExecutionEnvironment): ExecutionEnvironment {
    this.all.add(environment);
    // A worker that dies while idle (a late timer that throws) gives its slot back.
    environment.onExit = () => {
      const index = this.idle.indexOf(environment);
      if (index < 0) return;
      this.idle.splice(index, 1);
      this.all.delete(environment);
      this.live -= 1;
    };
    return environment;
  }
}
