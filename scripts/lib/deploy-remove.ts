import { UsageError, withUsage } from './cli-args';
import { type RunCommand, runStreaming } from './deploy-runner';
import { type ServiceDeployInfo, stageKind } from './deploy-services';
import { awsDeployState, type DeployState, existingTables } from './deploy-state';
import { stageTarget } from './stage-args';

const USAGE = `Usage: npm run remove -- --stage dev [--region eu-west-1] [--service users [--with-callers]]

Removes the services' stacks from a stage with "npx serverless remove", callers before callees.
--service removes one service; it is refused while services that call it are deployed on the stage,
unless --with-callers removes them too (first). On durable stages (serverless-common.yml stageKinds)
tables are kept: DeletionPolicy Retain.`;

export interface RemoveDependencies {
  run: RunCommand;
  state(region: string): DeployState;
  env: NodeJS.ProcessEnv;
}

const awsRemoveDependencies = (): RemoveDependencies => ({
  run: runStreaming,
  state: awsDeployState,
  env: process.env,
});

/**
 * The services that call `name`, directly or through others, in deploy order.
 *
 * @example
 * callersOf('users', services).map((s) => s.name); // ['notifications', 'orders']
 */
export function callersOf(name: string, services: ServiceDeployInfo[]): ServiceDeployInfo[] {
  const found = new Set<string>();
  const visit = (callee: string) => {
    for (const service of services) {
      if (service.callees.includes(callee) && !found.has(service.name)) {
        found.add(service.name);
        visit(service.name);
      }
    }
  };
  visit(name);
  return services.filter((service) => found.has(service.name));
}

/**
 * `npm run remove`: removes stacks callers first, and refuses to leave a deployed caller without
 * its callee.
 *
 * @example
 * process.exitCode = await removeServices(['--stage', 'dev', '--service', 'orders'], repoRoot);
 */
export async function removeServices(
  argv: string[],
  repoRoot: string,
  deps: RemoveDependencies = awsRemoveDependencies(),
): Promise<number> {
  return withUsage(argv, USAGE, async () => {
    const plan = removalPlan(argv, repoRoot, deps.env);
    const state = deps.state(plan.region);
    const blocking = await deployedCallersLeftBehind(plan.targets, plan.all, state);
    if (blocking.length > 0) {
      console.error(
        `Refusing to remove ${plan.targets.map((s) => s.name).join(', ')} from stage ${plan.stage}: ${blocking.join('; ')}. ` +
          'Their calls would fail (403) once it is gone. Remove them first, or add --with-callers to remove them too.',
      );
      return 1;
    }
    return removeInOrder(plan.stage, plan.region, [...plan.targets].reverse(), repoRoot, deps, state);
  });
}

interface RemovalPlan {
  stage: string;
  region: string;
  /** What to remove, in deploy order. */
  targets: ServiceDeployInfo[];
  all: ServiceDeployInfo[];
}

function removalPlan(argv: string[], repoRoot: string, env: NodeJS.ProcessEnv): RemovalPlan {
  const { stage, region, services, service, flags } = stageTarget(argv, repoRoot, env, ['with-callers']);
  if (!service) {
    if (flags['with-callers']) throw new UsageError('--with-callers goes with --service');
    return { stage, region, targets: services, all: services };
  }
  const callers = flags['with-callers'] ? callersOf(service.name, services) : [];
  const targets = services.filter((candidate) => candidate === service || callers.includes(candidate));
  return { stage, region, targets, all: services };
}

async function deployedCallersLeftBehind(
  targets: ServiceDeployInfo[],
  all: ServiceDeployInfo[],
  state: DeployState,
): Promise<string[]> {
  const blocking: string[] = [];
  for (const target of targets) {
    const deployed: string[] = [];
    for (const caller of callersOf(target.name, all)) {
      if (targets.includes(caller)) continue;
      if (await state.stack(caller.stackName)) deployed.push(caller.name);
    }
    if (deployed.length > 0) blocking.push(`${target.name} is called by ${deployed.join(', ')}, deployed`);
  }
  return blocking;
}

async function removeInOrder(
  stage: string,
  region: string,
  callersFirst: ServiceDeployInfo[],
  repoRoot: string,
  deps: RemoveDependencies,
  state: DeployState,
): Promise<number> {
  const kind = stageKind(repoRoot, stage);
  console.log(
    `Removing from stage ${stage} (${kind}) in ${region}, callers first: ${callersFirst.map((s) => s.name).join(' → ')}`,
  );
  const removed: string[] = [];
  for (const service of callersFirst) {
    if (!(await state.stack(service.stackName))) {
      console.log(`\n=== ${service.name}: stack ${service.stackName} does not exist, nothing to remove ===`);
      continue;
    }
    console.log(`\n=== ${service.name}: removing stack ${service.stackName} ===`);
    const { code } = await deps.run(
      'npx',
      ['serverless', 'remove', '--stage', stage, '--region', region],
      service.dir,
    );
    if (code !== 0) {
      console.error(
        `\nRemoving ${service.name} failed (exit code ${code}); see its output above. Removed: ${removed.join(', ') || 'none'}.`,
      );
      return code;
    }
    removed.push(service.name);
  }
  const kept = await existingTables(callersFirst, state);
  console.log(`\nRemoved from stage ${stage}: ${removed.join(', ') || 'nothing'}.`);
  if (kept.length > 0) {
    console.log(
      `Kept, with their data (stage ${stage} is ${kind}: DeletionPolicy Retain, deletion protection on): ${kept.join(', ')}.\n` +
        'A new deploy of their service needs them imported or deleted first (README, "Removing a service").',
    );
  }
  return 0;
}
