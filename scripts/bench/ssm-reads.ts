import type { AccessReport } from '@internal-apis/local-stage';

/**
 * The line a stage child (stage-child.ts) prints on SIGUSR2:
 * `{ [roleName]: GetParameter requests its statements allowed so far }`.
 */
export const SSM_READS_PREFIX = 'BENCH_SSM_READS ';

/** The counts in `line`, if it is that line. */
export function parseSsmReadsLine(line: string): Record<string, number> | undefined {
  return line.startsWith(SSM_READS_PREFIX)
    ? (JSON.parse(line.slice(SSM_READS_PREFIX.length)) as Record<string, number>)
    : undefined;
}

/**
 * Per role, the GetParameter requests its `ssm:GetParameter` statements allowed, as the front door's
 * access recorder counted them.
 *
 * @example
 * getParameterReads(stage.accessUsage()); // { 'orders-local-us-east-1-lambdaRole': 3, … }
 */
export function getParameterReads(report: AccessReport): Record<string, number> {
  const reads: Record<string, number> = {};
  for (const role of report.roles) {
    reads[role.role] = role.statements
      .filter((usage) => usage.effect === 'Allow' && /^ssm:GetParameter\b/.test(usage.summary))
      .reduce((sum, usage) => sum + usage.uses, 0);
  }
  return reads;
}
