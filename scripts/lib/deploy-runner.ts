import { spawn } from 'node:child_process';

/** How a command ended: its exit code and the last lines it printed. */
export interface CommandResult {
  code: number;
  /** The end of stdout and stderr together, for summaries (what serverless said it did). */
  tail: string;
}

/** Runs a command in `cwd`, its output shown as it comes; resolves when it exits. */
export type RunCommand = (command: string, args: string[], cwd: string) => Promise<CommandResult>;

const TAIL_BYTES = 16 * 1024;

/**
 * Runs a command with its output streamed to this terminal and its tail kept.
 *
 * @example
 * const { code, tail } = await runStreaming('npx', ['serverless', 'deploy', '--stage', 'dev'], dir);
 */
export const runStreaming: RunCommand = (command, args, cwd) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      stdio: ['inherit', 'pipe', 'pipe'],
      shell: process.platform === 'win32',
    });
    let tail = '';
    const keep = (chunk: Buffer, to: NodeJS.WriteStream) => {
      to.write(chunk);
      tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES);
    };
    child.stdout.on('data', (chunk: Buffer) => keep(chunk, process.stdout));
    child.stderr.on('data', (chunk: Buffer) => keep(chunk, process.stderr));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, tail }));
  });

/**
 * What serverless did, read from the end of its output: it prints "No changes to deploy.
 * Deployment skipped." when the template and every zip equal the last deploy's.
 *
 * @example
 * deployOutcome(result.tail); // 'deployed' | 'unchanged'
 */
export function deployOutcome(tail: string): 'deployed' | 'unchanged' {
  return /No changes to deploy\. Deployment skipped/.test(tail) ? 'unchanged' : 'deployed';
}
