import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';

/** One case of the AWS SigV4 test suite: a folder `NAME/` holding `NAME.req`, `.sreq`, `.creq`, `.sts`, `.authz`. */
export interface SuiteCase {
  /** The folder relative to the suite root, e.g. `normalize-path/get-space`. */
  name: string;
  req: Buffer;
  sreq: Buffer;
  creq: string;
  sts: string;
  authz: string;
}

const DEFAULT_RELATIVE_DIR = '../shared/fixtures/aws-sigv4-test-suite';

/**
 * Where the suite is: `SIGV4_SUITE_DIR`, else `../shared/fixtures/aws-sigv4-test-suite` from the repo root.
 *
 * @example
 * suiteDir('/work/main', {}) // '/work/shared/fixtures/aws-sigv4-test-suite'
 */
export function suiteDir(repoRoot: string, env: NodeJS.ProcessEnv): string {
  return resolve(repoRoot, env.SIGV4_SUITE_DIR ?? DEFAULT_RELATIVE_DIR);
}

/**
 * Every case under the suite root, sub-folders such as `normalize-path/` and `post-sts-token/` included.
 * Throws when the folder is missing: a conformance run without its vectors must not pass.
 */
export function readSuite(root: string): SuiteCase[] {
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new Error(
      `The AWS SigV4 test suite is not at ${root}. The conformance run needs its vectors (NAME.req, .sreq, ` +
        '.creq, .sts, .authz) to prove the verifier and the signer; set SIGV4_SUITE_DIR to its folder.',
    );
  }
  const cases = caseFolders(root).map((folder) => readCase(root, folder));
  if (cases.length === 0) throw new Error(`No test cases (NAME/NAME.sreq) found under ${root}.`);
  return cases;
}

function caseFolders(folder: string): string[] {
  const entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  const here = existsSync(join(folder, `${basename(folder)}.sreq`)) ? [folder] : [];
  const below = entries
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => caseFolders(join(folder, entry.name)));
  return [...here, ...below];
}

function readCase(root: string, folder: string): SuiteCase {
  const base = join(folder, basename(folder));
  const text = (extension: string) => readFileSync(`${base}.${extension}`, 'utf8');
  return {
    name: relative(root, folder),
    req: readFileSync(`${base}.req`),
    sreq: readFileSync(`${base}.sreq`),
    creq: text('creq'),
    sts: text('sts'),
    authz: text('authz').trim(),
  };
}
