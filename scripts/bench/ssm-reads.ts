/**
 * The line a reliability stage child (reliability-stage.ts) prints on SIGUSR2:
 * `{ [roleName]: GetParameter requests its statements allowed so far }`.
 */
export const SSM_READS_PREFIX = 'BENCH_SSM_READS ';

/** The counts in `line`, if it is that line. */
export function parseSsmReadsLine(line: string): Record<string, number> | undefined {
  return line.startsWith(SSM_READS_PREFIX)
    ? (JSON.parse(line.slice(SSM_READS_PREFIX.length)) as Record<string, number>)
    : undefined;
}
