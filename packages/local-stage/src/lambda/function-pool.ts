import { performance } from 'node:perf_hooks';
import { LocalStageError } from '../errors';
import { ExecutionEnvironment } from './execution-environment';
import type { FunctionDefinition, InvokeResult } from './types';

type LogLine = (line: string, functionName: string) => void;
/** A call holding a copy: since it got the copy, or since its invocation began after a cold start. */
type BusyCall = { since: number };
/** A warm environment, or the right to cold-start one, held by a call. */
type Lease = ({ environment: ExecutionEnvironment } | { coldStart: true }) & { call: BusyCall };

export interface FunctionPoolOptions {
  /** Environments serving requests at once; more requests wait for one to come free. */
  maxEnvironments: number;
  /**
   * A copy busy with one call for longer than `slowCallMs` is waiting (on I/O, a slow callee) or
   * hung, and takes no CPU: it does not count toward `maxEnvironments`, so a waiting request starts a
   * copy of its own, as Lambda would give it an environment, up to `burstLimit` copies in all.
   */
  slowCallMs: number;
  burstLimit: number;
  /** An environment idle this long is shut down; the next request past the warm ones cold-starts. */
  idleTimeoutMs: number;
  log: LogLine;
}

/**
 * The execution environments of one function. Lambda serves concurrent requests in separate
 * environments, so each invocation gets one of its own: a warm idle one (the most recently used),
 * else a new one (a cold start) up to `maxEnvironments` (copies stuck in slow calls not counted),
 * else it waits for one to come free. As Lambda does, an environment left idle is shut down after a
 * while, giving its memory back.
 *
 * @example
 * const pool = new FunctionPool(definition, taskRoot, { maxEnvironments: 2, slowCallMs: 1000, burstLimit: 8, idleTimeoutMs: 300_000, log: console.log });
 * const result = await pool.invoke({ path: '/users/42' }, 'req-1');
 */
export class FunctionPool {
  /** Idle environments, the most recently used last; each with the timer that shuts it down. */
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly idleTimers = new Map<ExecutionEnvironment, NodeJS.Timeout>();
  private readonly all = new Set<ExecutionEnvironment>();
  /** Environments running or starting: idle, busy, or being cold-started. */
  private live = 0;
  private readonly waiting: Array<{ resolve: (lease: Lease) => void; reject: (error: Error) => void }> = [];
  /** When each call holding a copy (starting or running) got it. */
  private readonly busySince = new Set<BusyCall>();
  /** Looks again at the waiting requests when the next busy call becomes slow. */
  private growthTimer?: NodeJS.Timeout;
  private stopped = false;
  private draining = false;

  constructor(
    readonly definition: FunctionDefinition,
    private readonly taskRoot: string,
    private readonly options: FunctionPoolOptions,
  ) {}

  /** Environments alive now: idle, busy or starting. */
  get size(): number {
    return this.live;
  }

  async invoke(event: unknown, requestId: string): Promise<InvokeResult> {
    const lease = await this.acquire();
    try {
      return await this.invokeWith(lease, event, requestId);
    } finally {
      this.busySince.delete(lease.call);
    }
  }

  private async invokeWith(lease: Lease, event: unknown, requestId: string): Promise<InvokeResult> {
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
      // A cold start computes (it loads the code): only the invocation's own time can be slow waiting.
      lease.call.since = performance.now();
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
    const idle = [...this.idle];
    for (const environment of idle) this.forget(environment);
    await Promise.all(idle.map((environment) => environment.terminate()));
  }

  /** Terminates every environment; invocations in flight end as crashes. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.growthTimer);
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    for (const waiter of this.waiting.splice(0)) waiter.reject(this.stoppedError());
    await Promise.all([...this.all].map((environment) => environment.terminate()));
  }

  private acquire(): Promise<Lease> {
    if (this.stopped) return Promise.reject(this.stoppedError());
    const warm = this.idle.pop();
    if (warm) {
      clearTimeout(this.idleTimers.get(warm));
      this.idleTimers.delete(warm);
      return Promise.resolve(this.grant({ environment: warm }));
    }
    if (this.hasRoom()) {
      this.live += 1;
      return Promise.resolve(this.grant({ coldStart: true }));
    }
    const waiting = new Promise<Lease>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.watchForSlowCalls();
    return waiting;
  }

  /** Marks a copy as held by a call from now on, for telling slow calls apart. */
  private grant(lease: { environment: ExecutionEnvironment } | { coldStart: true }): Lease {
    const call = { since: performance.now() };
    this.busySince.add(call);
    return { ...lease, call };
  }

  /** Whether another copy may start: below the bound, copies stuck in slow calls aside. */
  private hasRoom(now = performance.now()): boolean {
    if (this.live >= this.options.burstLimit) return false;
    let slow = 0;
    for (const { since } of this.busySince) if (now - since >= this.options.slowCallMs) slow += 1;
    return this.live - slow < this.options.maxEnvironments;
  }

  /** While requests wait, starts copies for them as busy calls turn slow. */
  private watchForSlowCalls(): void {
    if (this.growthTimer || this.waiting.length === 0 || this.stopped) return;
    const now = performance.now();
    const becomingSlow = [...this.busySince]
      .map(({ since }) => since + this.options.slowCallMs)
      .filter((at) => at > now);
    if (becomingSlow.length === 0) return;
    this.growthTimer = setTimeout(
      () => {
        this.growthTimer = undefined;
        while (this.waiting.length > 0 && this.hasRoom()) {
          this.live += 1;
          this.waiting.shift()?.resolve(this.grant({ coldStart: true }));
        }
        this.watchForSlowCalls();
      },
      Math.min(...becomingSlow) - now,
    );
    this.growthTimer.unref();
  }

  private stoppedError(): LocalStageError {
    return new LocalStageError(`Function ${this.definition.functionName} is stopped`);
  }

  /** Hands a finished environment to the next waiter, or keeps it warm; a dead one frees its slot. */
  private release(environment: ExecutionEnvironment | undefined): void {
    const next = this.waiting.shift();
    if (environment?.alive && !this.stopped) {
      if (next) next.resolve(this.grant({ environment }));
      else if (!this.draining) this.keepIdle(environment);
      else this.retireNow(environment);
      return;
    }
    if (environment) this.all.delete(environment);
    if (next) next.resolve(this.grant({ coldStart: true }));
    else this.live -= 1;
  }

  private keepIdle(environment: ExecutionEnvironment): void {
    this.idle.push(environment);
    const timer = setTimeout(() => this.retire(environment), this.options.idleTimeoutMs);
    // An idle environment alone never keeps the stage's process running.
    timer.unref();
    this.idleTimers.set(environment, timer);
  }

  /** Shuts down an environment of a draining pool as soon as it is done. */
  private retireNow(environment: ExecutionEnvironment): void {
    this.all.delete(environment);
    this.live -= 1;
    void environment.terminate();
  }

  /** Shuts down an environment left idle too long. */
  private retire(environment: ExecutionEnvironment): void {
    if (this.forget(environment)) void environment.terminate();
  }

  /** Takes an idle environment (and its idle timer) out of the pool, freeing its slot; false if it was not idle. */
  private forget(environment: ExecutionEnvironment): boolean {
    const index = this.idle.indexOf(environment);
    if (index < 0) return false;
    clearTimeout(this.idleTimers.get(environment));
    this.idleTimers.delete(environment);
    this.idle.splice(index, 1);
    this.all.delete(environment);
    this.live -= 1;
    return true;
  }

  private adopt(environment: ExecutionEnvironment): ExecutionEnvironment {
    this.all.add(environment);
    // A worker that dies while idle (a late timer that throws) gives its slot back.
    environment.onExit = () => void this.forget(environment);
    return environment;
  }
}
