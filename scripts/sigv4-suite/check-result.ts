/** One check of one suite case, printed as one line. */
export interface CheckResult {
  caseName: string;
  check: string;
  ok: boolean;
  /** Why a check failed, or a note on how it was run. */
  detail?: string;
}

/**
 * The line a check prints.
 *
 * @example
 * formatResult({ caseName: 'get-vanilla', check: 'verifier accepts .sreq', ok: true }) // 'PASS  get-vanilla: verifier accepts .sreq'
 */
export function formatResult(result: CheckResult): string {
  const detail = result.detail ? ` (${result.detail})` : '';
  return `${result.ok ? 'PASS' : 'FAIL'}  ${result.caseName}: ${result.check}${detail}`;
}
