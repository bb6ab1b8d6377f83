import type { Credentials, StageDescription } from '@internal-apis/local-stage';

/** The line a stage child prints once ready; it carries credentials, so it is never echoed. */
export const READY_PREFIX = 'BENCH_STAGE_READY ';

export interface StageReady {
  /** `LocalStage.start` alone, measured inside the child (no process start, no module loading). */
  startMs: number;
  /** CPU seconds the child and its finished children (template compiler, esbuild) used until ready. */
  cpuSeconds?: number;
  description: StageDescription;
  developer: Credentials;
}

/** The ready message in `line`, if it is one. */
export function parseReadyLine(line: string): StageReady | undefined {
  return line.startsWith(READY_PREFIX)
    ? (JSON.parse(line.slice(READY_PREFIX.length)) as StageReady)
    : undefined;
}
