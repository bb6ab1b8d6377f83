import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export class BenchError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

const TAIL_LINES = 40;
const STOP_GRACE_MS = 10_000;
/** Every child still running, so an interrupted benchmark leaves no server behind. */
const running = new Set<WatchedChild>();

export interface ChildOptions {
  /** Names the child in errors, e.g. `serverless offline`. */
  name: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Lines that must never appear in an error message (they carry credentials). */
  isSecret?: (line: string) => boolean;
}

type LineListener = (line: string) => void;

/**
 * A child process whose output is read line by line: the benchmark waits for its ready line and, when
 * it fails, shows the last lines it printed.
 *
 * @example
 * const child = WatchedChild.spawn(process.execPath, ['server.js'], { name: 'server', cwd, env: process.env });
 * const port = await child.waitFor((line) => /listening on (\d+)/.exec(line)?.[1], 30_000);
 * await child.stop();
 */
export class WatchedChild {
  private readonly lines: string[] = [];
  private readonly listeners = new Set<LineListener>();
  private exitCode: number | null | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly options: ChildOptions,
  ) {
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => this.receive(line));
    }
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? -1 : 0);
        running.delete(this);
        resolve();
      });
    });
    child.on('error', (error) => this.receive(`(could not run: ${error.message})`));
  }

  /** The process id, to read its memory and CPU time. */
  get pid(): number {
    return this.child.pid ?? 0;
  }

  static spawn(command: string, args: string[], options: ChildOptions): WatchedChild {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const watched = new WatchedChild(child, options);
    running.add(watched);
    return watched;
  }

  /** Resolves with the first non-undefined `match(line)`; rejects if the child exits or time runs out. */
  waitFor<T>(match: (line: string) => T | undefined, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const finish = (outcome: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        outcome();
      };
      const listener: LineListener = (line) => {
        const found = match(line);
        if (found !== undefined) finish(() => resolve(found));
      };
      const timer = setTimeout(
        () => finish(() => reject(this.failure(`not ready after ${timeoutMs / 1000} s`))),
        timeoutMs,
      );
      this.listeners.add(listener);
      void this.exited.then(() => finish(() => reject(this.failure(`exited with code ${this.exitCode}`))));
    });
  }

  /** SIGTERM (a clean stop), then SIGKILL if it is still running after the grace period. */
  async stop(): Promise<void> {
    if (this.exitCode !== undefined) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  /** Sends a signal as is: SIGKILL for a crash (then await `exit()`), a user signal for a request. */
  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Resolves once the child has exited, however it ended. */
  exit(): Promise<void> {
    return this.exited;
  }

  private receive(line: string): void {
    if (!this.options.isSecret?.(line)) {
      this.lines.push(line);
      if (this.lines.length > TAIL_LINES) this.lines.shift();
    }
    for (const listener of [...this.listeners]) listener(line);
  }

  private failure(what: string): BenchError {
    return new BenchError(`${this.options.name} ${what}. Its last lines:\n${this.lines.join('\n')}`);
  }
}

/** Stops every child still running; for the benchmark's exit paths. */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...running].map((child) => child.stop()));
}
