import { stageNameProblems } from '@internal-apis/serverless-conventions/names';
import { withUsage } from './cli-args';
import { checkDeployedStage } from './deploy-check';
import { awsLogsRoleApi, ensureApiGatewayLogsRole, type LogsRoleApi } from './deploy-logs-role';
import { decideDeploy } from './deploy-plan';
import { type CommandResult, deployOutcome, type RunCommand, runStreaming } from './deploy-runner';
import type { ServiceDeployInfo } from './deploy-services';
import { awsDeployState, type CallerIdentity, callerIdentity, type DeployState } from './deploy-state';
import { stageTarget } from './stage-args';

const USAGE = `Usage: npm run deploy -- --stage dev [--region eu-west-1] [--service orders]

Deploys every services/* (or only --service) with "npx serverless deploy", each callee before its
callers, with the AWS credentials of your environment (AWS_PROFILE, SSO, …). Before each caller it
reads the callee API ids from SSM: a caller whose grants name an older id is re-deployed, and says so.
After the last one, it checks that every caller's grants name its callees' current API ids.
Region: --region, else AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1.
Stops at the first failure. Deploys are idempotent: fix the cause and run it again.`;

/** The AWS side of a deploy; the defaults talk to AWS, tests pass fakes. */
export interface DeployDependencies {
  run: RunCommand;
  state(region: string): DeployState;
  identity(region: string): Promise<CallerIdentity>;
  logsRole(region: string): LogsRoleApi;
  env: NodeJS.ProcessEnv;
}

/** The real thing: serverless in a child process, the AWS SDK with your environment's credentials. */
export const awsDeployDependencies = (): DeployDependencies => ({
  run: runStreaming,
  state: awsDeployState,
  identity: (region) => callerIdentity(region),
  logsRole: awsLogsRoleApi,
  env: process.env,
});

/** A deploy that stops before touching anything, with what to tell the user. */
class DeployRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

interface DeployRun {
  stage: string;
  region: string;
  services: ServiceDeployInfo[];
  /** Every service of the stage, for the post-deploy check. */
  allServices: ServiceDeployInfo[];
}

/**
 * `npm run deploy`: deploys the services in dependency order, each caller with its callees' current
 * API ids, then checks the stage.
 *
 * @example
 * process.exitCode = await deployAll(['--stage', 'dev'], repoRoot);
 */
export async function deployAll(
  argv: string[],
  repoRoot: string,
  deps: DeployDependencies = awsDeployDependencies(),
): Promise<number> {
  return withUsage(argv, USAGE, async () => {
    try {
      const run = planRun(argv, repoRoot, deps.env);
      await preflight(run, deps);
      const state = deps.state(run.region);
      const code = await deployInOrder(run, deps, state);
      if (code !== 0) return code;
      return await postDeployCheck(run, state);
    } catch (error) {
      if (!(error instanceof DeployRefused)) throw error;
      console.error(`\n${error.message}`);
      return 1;
    }
  });
}

function planRun(argv: string[], repoRoot: string, env: NodeJS.ProcessEnv): DeployRun {
  const { stage, region, services: allServices, service } = stageTarget(argv, repoRoot, env);
  const services = service ? [service] : allServices;
  const problems = stageNameProblems(stage, region, allServices);
  if (problems.length > 0) throw new DeployRefused(`${problems.join('\n  ')}\nNothing was deployed.`);
  return { stage, region, services, allServices };
}

async function preflight(run: DeployRun, deps: DeployDependencies): Promise<void> {
  let identity: CallerIdentity;
  try {
    identity = await deps.identity(run.region);
  } catch (error) {
    throw new DeployRefused(
      `No usable AWS credentials for ${run.region}: ${error instanceof Error ? error.message : String(error)}\n` +
        'Set AWS_PROFILE (and run `aws sso login` for an SSO profile), or AWS_ACCESS_KEY_ID and ' +
        'AWS_SECRET_ACCESS_KEY. Nothing was deployed.',
    );
  }
  console.log(
    `Deploying stage ${run.stage} to account ${identity.account} in ${run.region} as ${identity.arn}`,
  );
  const { actions } = await ensureApiGatewayLogsRole(deps.logsRole(run.region), identity.partition);
  for (const action of actions) console.log(`API Gateway access logs: ${action}`);
}

interface Deployed {
  name: string;
  outcome: 'deployed' | 'unchanged';
  reasons: string[];
}

async function deployInOrder(run: DeployRun, deps: DeployDependencies, state: DeployState): Promise<number> {
  const names = run.services.map((service) => service.name);
  const done: Deployed[] = [];
  console.log(`Order (callees first): ${names.join(' → ')}`);
  for (const [index, service] of run.services.entries()) {
    const decision = await decideDeploy(service, run.stage, state);
    if (decision.action === 'refuse') {
      throw new DeployRefused(
        `${decision.problem}\nDeployed: ${done.map((d) => d.name).join(', ') || 'none'}. ` +
          `Not attempted: ${names.slice(index).join(', ')}.`,
      );
    }
    const verb = decision.force ? 're-deploying' : 'deploying';
    console.log(
      `\n=== ${service.name} (${index + 1}/${names.length}): ${verb}: ${decision.reasons.join('; ')} ===`,
    );
    const result = await deps.run('npx', serverlessDeployArgs(run, decision), service.dir);
    if (result.code !== 0) return failed(run, service, index, result);
    done.push({ name: service.name, outcome: deployOutcome(result.tail), reasons: decision.reasons });
  }
  console.log(`\n${summary(run, done)}`);
  return 0;
}

function serverlessDeployArgs(run: DeployRun, decision: { pins: Record<string, string>; force: boolean }) {
  const pins = Object.entries(decision.pins).flatMap(([name, value]) => ['--param', `${name}=${value}`]);
  return [
    'serverless',
    'deploy',
    '--stage',
    run.stage,
    '--region',
    run.region,
    ...pins,
    ...(decision.force ? ['--force'] : []),
  ];
}

function failed(run: DeployRun, service: ServiceDeployInfo, index: number, result: CommandResult): number {
  const names = run.services.map((s) => s.name);
  console.error(
    `\nDeploying ${service.name} to stage ${run.stage} failed (exit code ${result.code}); see its output above.` +
      `\nDeployed: ${names.slice(0, index).join(', ') || 'none'}. Not attempted: ${names.slice(index + 1).join(', ') || 'none'}.` +
      '\nFix the cause and run the same command again: services already deployed are updated in place.',
  );
  return result.code;
}

function summary(run: DeployRun, done: Deployed[]): string {
  const lines = done.map(({ name, outcome, reasons }) =>
    outcome === 'unchanged'
      ? `  ${name}: unchanged (serverless found no change)`
      : `  ${name}: deployed (${reasons.join('; ')})`,
  );
  return `Stage ${run.stage} in ${run.region}, ${done.length} services:\n${lines.join('\n')}`;
}

async function postDeployCheck(run: DeployRun, state: DeployState): Promise<number> {
  const problems = await checkDeployedStage(run.allServices, run.stage, state);
  if (problems.length === 0) {
    console.log(`Post-deploy check: every caller's grants name its callees' current API ids.`);
    return 0;
  }
  console.error(
    `\nPOST-DEPLOY CHECK FAILED for stage ${run.stage}: callers and callees disagree, calls between them will be denied (403).\n  ` +
      `${problems.join('\n  ')}\nRun the same command again; if a difference stays, re-deploy the caller with --service.`,
  );
  return 1;
}
