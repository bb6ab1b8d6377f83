/**
 * Whether a process is running: signal 0 checks without sending anything; EPERM means it exists
 * under another user.
 *
 * @example isRunning(process.pid) // true
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
