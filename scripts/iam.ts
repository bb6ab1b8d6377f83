// `npm run iam -- <command>`: the stage's IAM from the compiled templates, without running anything.
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  checkContracts,
  ciFailures,
  findRun,
  formatExplanation,
  formatUsageReport,
  loadContracts,
  loadStageIam,
  readRun,
  type StageIam,
  type UsageReport,
  usageReport,
} from '@internal-apis/local-stage/iam';
import { requireStage, UsageError, usageErrors } from './lib/cli-args';

const USAGE = `Usage: npm run iam -- <command> [options]

  explain --as ROLE METHOD SERVICE PATH   why ROLE may or may not call SERVICE's route, and the grant
  explain --as ROLE ACTION RESOURCE       that would let it, e.g. ssm:GetParameter /local/users/url
  can --as ROLE METHOD SERVICE PATH       yes (exit 0) or no (exit 1), with the explanation when no
  can --as ROLE ACTION RESOURCE
  report [--from RUN] [--suggest] [--ci]  per role: statements used and never used, grants broader than
                                          their use, denials; --suggest: the narrowest statements as a
                                          patch per serverless.yml; --ci: exit 1 on a grant broader than
                                          its use that custom.iamAllowBroader does not keep (services/*)
  contracts                               every call a caller declares is granted, every grant names a
                                          route its callee serves, no grant beyond the calls
  roles                                   every role and REST API of the stage, with its routes

ROLE is a service (orders) or a role name; SERVICE a service with an API; PATH as called (/users/42).
RUN is a run file, or the latest run of "integration" (the integration suite), "start" (npm start) or
"latest" (default). Options: --stage local, --service NAME (report, repeatable), --json, --no-package
(read .serverless/, as \`npm run package\` left it, instead of compiling what changed).

  npm run iam -- explain --as orders GET users /users/42
  npm run iam -- can --as notifications POST users /users
  npm run iam -- report --from integration --suggest`;

const REPO_ROOT = resolve(__dirname, '..');

const OPTIONS = {
  as: { type: 'string' },
  stage: { type: 'string' },
  from: { type: 'string' },
  service: { type: 'string', multiple: true },
  suggest: { type: 'boolean' },
  ci: { type: 'boolean' },
  json: { type: 'boolean' },
  'no-package': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parse>['values'];

function parse(argv: string[]) {
  return usageErrors(() => parseArgs({ args: argv, options: OPTIONS, allowPositionals: true }));
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const commands: Record<string, () => Promise<number>> = {
    explain: () => ask(values, rest, 'explain'),
    can: () => ask(values, rest, 'can'),
    report: () => report(values, rest),
    contracts: () => contracts(values, rest),
    roles: () => roles(values, rest),
  };
  const run = commands[command];
  if (!run) throw new UsageError(`Unknown command ${command}`);
  return run();
}

function stageIam(values: Values, extraServiceDirs: string[] = []): Promise<StageIam> {
  return loadStageIam({
    stage: requireStage(values.stage, 'local'),
    repoRoot: REPO_ROOT,
    extraServiceDirs,
    package: values['no-package'] ? 'never' : 'if-needed',
    log: (line) => console.error(line),
  });
}

function noExtra(rest: string[], command: string): void {
  if (rest.length > 0) throw new UsageError(`${command} takes no arguments, got ${rest.join(' ')}`);
}

async function ask(values: Values, rest: string[], command: 'explain' | 'can'): Promise<number> {
  if (!values.as) throw new UsageError(`${command} needs --as ROLE, e.g. --as orders`);
  const api = rest.length === 3;
  if (!api && rest.length !== 2) {
    throw new UsageError(
      `${command} takes METHOD SERVICE PATH (GET users /users/42) or ACTION RESOURCE (ssm:GetParameter /local/users/url)`,
    );
  }
  if (api && !(rest[2] ?? '').startsWith('/'))
    throw new UsageError(`The path must start with "/", e.g. /users/42, not ${rest[2]}`);
  if (!api && !(rest[0] ?? '').includes(':'))
    throw new UsageError(`An action is service:Name, e.g. ssm:GetParameter, not ${rest[0]}`);
  const iam = await stageIam(values);
  const role = usageErrors(() => iam.role(values.as as string));
  const [first = '', second = '', third = ''] = rest;
  if (api && !iam.api(second)) {
    const apis = iam.services.filter((service) => service.api).map((service) => service.name);
    throw new UsageError(`No service ${second} with a REST API; there are ${apis.join(', ')}`);
  }
  const answer = api ? role.check(first, second, third) : role.check(first, second);
  if (values.json)
    console.log(JSON.stringify({ allowed: answer.allowed, explanation: answer.explanation }, null, 2));
  else if (command === 'can') {
    console.log(answer.allowed ? 'yes' : 'no');
    if (!answer.allowed) console.log(formatExplanation(answer.explanation));
  } else console.log(formatExplanation(answer.explanation));
  return command === 'can' && !answer.allowed ? 1 : 0;
}

async function report(values: Values, rest: string[]): Promise<number> {
  noExtra(rest, 'report');
  const run = readRun(usageErrors(() => findRun(REPO_ROOT, values.from ?? 'latest')));
  // Services the run had besides the repository's own (the integration suite's fixture services).
  const extra = run.header.services
    .filter((service) => !service.file.startsWith('services/'))
    .map((service) => dirname(resolve(REPO_ROOT, service.file)));
  const iam = await stageIam(values, extra);
  const ci = values.ci;
  const known = iam.services.filter((service) => service.roles.length > 0).map((service) => service.name);
  for (const name of values.service ?? []) {
    if (!known.includes(name))
      throw new UsageError(`No service ${name} with a role; there are ${known.join(', ')}`);
  }
  // The CI mode checks the repository's own services: fixture services of tests are wrong on purpose.
  const services =
    values.service ??
    (ci
      ? iam.services.filter((service) => service.file.startsWith('services/')).map((service) => service.name)
      : undefined);
  const full = usageReport(iam, run, services ? { services } : {});
  // A report of some services leaves out what belongs to no service of theirs.
  const result = values.service ? { ...full, otherPrincipals: [], signatureFailures: [] } : full;
  const failures = ci ? ciFailures(result) : [];
  if (values.json) console.log(JSON.stringify(ci ? { ...result, failures } : result, null, 2));
  else if (!ci || values.suggest)
    console.log(formatUsageReport(result, { suggest: values.suggest === true }));
  else console.log(ciSummary(result));
  if (!ci) return 0;
  if (failures.length === 0) {
    console.log(
      `\nIAM check: every grant of ${services?.join(', ')} is as narrow as the run used it (or kept with a reason).`,
    );
    return 0;
  }
  console.error(
    `\nIAM check failed (${failures.length}):\n${failures.map((failure) => `  ${failure}`).join('\n')}`,
  );
  return 1;
}

/** One line per role: what the CI mode checked, so `npm test` output stays short. */
function ciSummary(result: UsageReport): string {
  const lines = [`IAM from use: ${result.run.file.replace(`${REPO_ROOT}/`, '')}`];
  for (const role of result.roles) {
    const own = role.statements.filter((usage) => usage.site?.line !== undefined && !usage.forLambdaService);
    const used = own.filter((usage) => usage.uses > 0).length;
    const open = role.findings.filter((finding) => !finding.allowedBy?.reason).length;
    const kept = role.findings.length - open;
    lines.push(
      `  ${role.service}: ${used}/${own.length} statements used, ${open} broader than used${kept ? `, ${kept} kept with a reason` : ''}, ${role.denials.length} denied requests`,
    );
  }
  return lines.join('\n');
}

async function contracts(values: Values, rest: string[]): Promise<number> {
  noExtra(rest, 'contracts');
  const iam = await stageIam(values);
  const input = await loadContracts(iam);
  const problems = checkContracts(iam, input);
  if (values.json) console.log(JSON.stringify({ contracts: input, problems }, null, 2));
  else {
    for (const api of input.apis)
      console.log(
        `${api.service}: client routes ${Object.entries(api.routes)
          .map(([name, route]) => `${name} = ${route.method} ${route.path}`)
          .join(', ')}`,
      );
    for (const caller of input.callers) {
      if (!caller.calls) {
        console.log(
          `${caller.service} declares no calls (no src/calls.ts): its grants are checked for routes only`,
        );
        continue;
      }
      console.log(
        `${caller.service} calls ${Object.entries(caller.calls)
          .map(([callee, methods]) => `${callee}.{${methods.join(', ')}}`)
          .join(', ')}`,
      );
    }
    console.log(
      problems.length === 0
        ? 'Contracts hold: every declared call is granted, every grant names a route called.'
        : '',
    );
    for (const problem of problems) console.log(`${problem.kind}: ${problem.message}`);
  }
  return problems.length === 0 ? 0 : 1;
}

async function roles(values: Values, rest: string[]): Promise<number> {
  noExtra(rest, 'roles');
  const iam = await stageIam(values);
  if (values.json) {
    const shape = iam.services.map((service) => ({
      service: service.name,
      file: service.file,
      roles: service.roles.map((role) => ({
        name: role.name,
        arn: role.arn,
        functions: role.functions,
        policies: role.role.policies.map((policy) => policy.name),
      })),
      api: service.api
        ? { apiId: service.api.apiId, stage: service.api.stage, routes: service.api.routes }
        : undefined,
    }));
    console.log(JSON.stringify(shape, null, 2));
    return 0;
  }
  for (const service of iam.services) {
    console.log(`${service.name} — ${service.file}`);
    for (const role of service.roles)
      console.log(
        `  role ${role.name} (${role.functions.join(', ') || 'no functions'}): ${role.role.policies.map((policy) => policy.name).join(', ')}`,
      );
    if (service.api) {
      console.log(
        `  API ${service.api.apiId}, stage ${service.api.stage}${service.api.resourcePolicy ? ', with a resource policy' : ''}`,
      );
      for (const route of service.api.routes)
        console.log(`    ${route.method.padEnd(7)} ${route.path}  ${route.authorizationType}`);
    }
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`iam: ${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    console.error(`iam: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
