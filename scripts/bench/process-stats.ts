import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Resident memory of a process in bytes: /proc on Linux, `ps` elsewhere. Worker threads (a stage's
 * functions) live in the same process, so they are counted.
 *
 * @example
 * (await residentBytes(child.pid)) / 2 ** 20; // 142.3
 */
export function residentBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
    if (kib) return Number(kib) * 1024;
  } catch {
    // not Linux: ask ps
  }
  return (
    Number(
      execFileSync('ps', ['-o', 'rss=', '-p', String(pid)])
        .toString()
        .trim(),
    ) * 1024
  );
}

/**
 * CPU time (user + system) a process has used so far, in seconds; with `reapedChildren`, that of the
 * children it has waited for too (the template compiler, esbuild). Undefined where /proc is missing.
 */
export function cpuSeconds(pid: number, options: { reapedChildren?: boolean } = {}): number | undefined {
  try {
    // Fields after the command name (which may hold spaces, hence the last ')'): utime is the 12th,
    // stime the 13th, cutime and cstime (reaped children) the 14th and 15th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const own = Number(fields[11]) + Number(fields[12]);
    const children = options.reapedChildren ? Number(fields[13]) + Number(fields[14]) : 0;
    return (own + children) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** Linux's USER_HZ: the unit of /proc's CPU times, 100 on every common kernel. */
const CLOCK_TICKS = 100;

/**
 * Samples a process's resident memory every `intervalMs` until stopped; resolves with the peak.
 *
 * @example
 * const sampler = sampleResident(pid, 100); await runLoad(…); const peak = sampler.stop();
 */
export function sampleResident(pid: number, intervalMs = 100): { stop: () => number } {
  let peak = residentBytes(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, residentBytes(pid));
  }, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, residentBytes(pid));
    },
  };
}
