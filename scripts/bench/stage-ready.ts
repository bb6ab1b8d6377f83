import type { Credentials, StageDescription } from '@internal-apis/local-stage';

/** The line a stage child prints once ready; it carries credentials, so it is never echoed. */
export const READY_PREFIX = 'BENCH_STAGE_READY ';
/** The line that follows: CPU seconds the start took, its helper processes (compiler, esbuild) included. */
export const CPU_PREFIX = 'BENCH_STAGE_CPU ';

/** The CPU seconds in `line`, if it is the CPU line. */
export function parseCpuLine(line: string): number | undefined {
  return line.startsWith(CPU_PREFIX) ? Number(line.slice(CPU_PREFIX.length)) : undefined;
}

export interface StageReady {
  /** `LocalStage.start` alone, measured inside the child (no process start, no module loading). */
  startMs: number;
  description: StageDescription;
  developer: Credentials;
}

/** The ready message in `line`, if it is one. */
export function parseReadyLine(line: string): StageReady | undefined {
  return line.startsWith(READY_PREFIX)
    ? (JSON.parse(line.slice(READY_PREFIX.length)) as StageReady)
    : undefined;
}
