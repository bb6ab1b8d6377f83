import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, usageErrors, wantsHelp } from './cli-args';

const USAGE = `Usage: npm run new-service -- <name>

Creates services/<name> from scripts/templates/new-service: a serverless.yml on the shared fragments
and deploy conventions (one zip per function, partition ARNs, access logs, table protection by stage
kind), one aws_iam endpoint (GET /<name>/ping), its handler, a unit test, an integration test calling
it as a permitted and as a refused principal, package.json and tsconfig.json, and adds the service to
the root tsconfig.json. <name>: lowercase letters, digits and -, e.g. payments.`;

// The name becomes part of the stack, role and table names; IAM role names are limited to 64
// characters and serverless builds `{service}-{stage}-{region}-lambdaRole`, so it stays short.
const SERVICE_NAME = /^[a-z][a-z0-9-]{0,24}$/;

/**
 * `payments-api` → `PaymentsApi`, for CloudFormation logical ids (alphanumeric only).
 *
 * @example
 * pascalCase('payments-api'); // 'PaymentsApi'
 */
export function pascalCase(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * Copies the template to `services/{name}`, filling in `__SERVICE__` and `__SERVICE_PASCAL__`, and
 * references the new project from the root tsconfig.json so `npm run typecheck` covers it.
 *
 * @example
 * scaffoldService('payments', repoRoot, path.join(repoRoot, 'scripts/templates/new-service'));
 */
export function scaffoldService(name: string, repoRoot: string, templateDir: string): string {
  if (!SERVICE_NAME.test(name)) {
    throw new UsageError(
      `"${name}" is not a valid service name: lowercase letters, digits and -, at most 25`,
    );
  }
  const target = path.join(repoRoot, 'services', name);
  if (existsSync(target)) throw new UsageError(`services/${name} already exists`);
  cpSync(templateDir, target, { recursive: true });
  for (const file of filesUnder(target)) {
    const text = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      text.replaceAll('__SERVICE_PASCAL__', pascalCase(name)).replaceAll('__SERVICE__', name),
    );
  }
  addProjectReference(repoRoot, `services/${name}`);
  return target;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

function addProjectReference(repoRoot: string, projectPath: string): void {
  const file = path.join(repoRoot, 'tsconfig.json');
  if (!existsSync(file)) return;
  const config = JSON.parse(readFileSync(file, 'utf8')) as { references?: Array<{ path: string }> };
  const references = config.references ?? [];
  if (references.some((reference) => reference.path === projectPath)) return;
  config.references = [...references, { path: projectPath }];
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
}

/**
 * `npm run new-service -- <name>`.
 *
 * @example
 * process.exitCode = newService(['payments'], repoRoot);
 */
export function newService(argv: string[], repoRoot: string): number {
  if (wantsHelp(argv)) {
    console.log(USAGE);
    return 0;
  }
  try {
    const { positionals } = usageErrors(() => parseArgs({ args: argv, allowPositionals: true }));
    if (positionals.length !== 1 || !positionals[0]) throw new UsageError('Name exactly one service.');
    const name = positionals[0];
    scaffoldService(name, repoRoot, path.join(repoRoot, 'scripts', 'templates', 'new-service'));
    console.log(nextSteps(name));
    return 0;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    return 1;
  }
}

function nextSteps(name: string): string {
  return `Created services/${name} and referenced it from tsconfig.json. Next:
  npm install                                  # records the new workspace in package-lock.json
  npx jest services/${name} --selectProjects unit
  npm test                                     # packaging checks and its integration test on the local stage
  npm start                                    # serves it on the local stage with the others
To call another service, follow the commented Parameters and CallsUsersPolicy blocks in its
serverless.yml, and README "Adding a caller" for the test that proves the grant.`;
}
