import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { findServices, type ServiceDir } from '@internal-apis/local-stage/packaging';
import { requireStage, UsageError, usageErrors, wantsHelp } from './cli-args';
import { deployOrder } from './deploy-order';

const USAGE = `Usage: npm run deploy -- --stage dev [--region eu-west-1]

Deploys every services/* with "npx serverless deploy", each callee before its callers (users before
orders and notifications), with the AWS credentials of your environment (AWS_PROFILE, SSO, …).
Stops at the first failure. Deploys are idempotent: fix the cause and run it again.`;

/** Runs a command with the terminal attached; resolves with its exit code. */
export type RunCommand = (command: string, args: string[], cwd: string) => Promise<number>;

const runAttached: RunCommand = (command, args, cwd) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit', shell: process.platform === 'win32' });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });

/**
 * `npm run deploy`: deploys every service in dependency order, streaming serverless's output.
 *
 * @example
 * process.exitCode = await deployAll(['--stage', 'dev'], repoRoot);
 */
export async function deployAll(
  argv: string[],
  repoRoot: string,
  run: RunCommand = runAttached,
): Promise<number> {
  if (wantsHelp(argv)) {
    console.log(USAGE);
    return 0;
  }
  let plan: DeployPlan;
  try {
    const options = { stage: { type: 'string' }, region: { type: 'string' } } as const;
    const { values } = usageErrors(() => parseArgs({ args: argv, options }));
    plan = {
      stage: requireStage(values.stage),
      region: values.region,
      services: deployOrder(findServices(repoRoot)),
    };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    return 1;
  }
  return deployInOrder(plan, run);
}

interface DeployPlan {
  stage: string;
  region?: string;
  /** Callees first. */
  services: ServiceDir[];
}

async function deployInOrder(plan: DeployPlan, run: RunCommand): Promise<number> {
  const names = plan.services.map((service) => service.name);
  const regionArgs = plan.region ? ['--region', plan.region] : [];
  console.log(`Deploying to stage ${plan.stage} in this order: ${names.join(' → ')}`);
  for (const [index, service] of plan.services.entries()) {
    console.log(`\n=== ${service.name} (${index + 1}/${names.length}) ===`);
    const code = await run(
      'npx',
      ['serverless', 'deploy', '--stage', plan.stage, ...regionArgs],
      service.dir,
    );
    if (code !== 0) {
      const notDeployed = names.slice(index + 1);
      console.error(
        `\nDeploying ${service.name} to stage ${plan.stage} failed (exit code ${code}); see its output above.` +
          `\nDeployed: ${names.slice(0, index).join(', ') || 'none'}. Not attempted: ${notDeployed.join(', ') || 'none'}.` +
          '\nFix the cause and run the same command again: services already deployed are updated in place.',
      );
      return code;
    }
  }
  console.log(`\nDeployed ${names.length} services to stage ${plan.stage}.`);
  return 0;
}
