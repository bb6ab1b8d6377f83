/**
 * The AWS SigV4 test suite through the local stage's verifier and the signed client's signer.
 *
 * For every case (sub-folders included): the verifier's canonical request and string to sign equal
 * `.creq` and `.sts`, it accepts `.sreq` and refuses it with any signed part altered; the signer turns
 * `.req` into `.authz`. Prints one line per check and `N passed, N failed`; exits 1 on any failure,
 * and when the suite is missing, since a run without vectors proves nothing.
 *
 * @example
 * // npx tsx scripts/sigv4-conformance.ts
 * // SIGV4_SUITE_DIR=/path/to/aws-sigv4-test-suite npx tsx scripts/sigv4-conformance.ts
 */
import { resolve } from 'node:path';
import { type CheckResult, formatResult } from './sigv4-suite/check-result';
import { loadSigner, signerCheck } from './sigv4-suite/signer-checks';
import { readSuite, type SuiteCase, suiteDir } from './sigv4-suite/suite-files';
import { verifierChecks } from './sigv4-suite/verifier-checks';

async function main(): Promise<number> {
  const root = suiteDir(resolve(__dirname, '..'), process.env);
  let cases: SuiteCase[];
  try {
    cases = readSuite(root);
  } catch (error) {
    console.error(`FAIL  ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  console.log(`AWS SigV4 test suite: ${root} (${cases.length} cases)`);
  const signer = await loadSigner();
  const results: CheckResult[] = [];
  for (const suiteCase of cases) {
    const caseResults = [...verifierChecks(suiteCase), await signerCheck(suiteCase, signer)];
    for (const result of caseResults) console.log(formatResult(result));
    results.push(...caseResults);
  }
  const failed = results.filter((result) => !result.ok).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
