import type { ServiceDeployInfo } from './deploy-services';
import { type DeployState, existingTables, type StackView } from './deploy-state';

/** What to do with one service now that its callees are deployed. */
export type Decision =
  | {
      action: 'deploy';
      /** Why, in words, for the terminal and the summary. */
      reasons: string[];
      /** `--param NAME=value` for each SSM parameter the template reads: the values it must resolve to. */
      pins: Record<string, string>;
      /** Deploy even when serverless sees no change in the template or code. */
      force: boolean;
    }
  | { action: 'refuse'; problem: string };

/**
 * Decides how to deploy a service from the live state, right before deploying it (so a callee
 * deployed earlier in the same run is seen as it is now):
 * - every SSM parameter its template reads must exist, or the deploy would fail inside
 *   CloudFormation ("Unable to fetch parameters … from parameter store"): refused, naming the
 *   callee to deploy first;
 * - its stack missing while its named tables exist (kept by DeletionPolicy Retain when the stack
 *   was removed) is refused: CloudFormation cannot create a table that exists;
 * - a stack whose SSM-typed parameters resolved, at its last update, to values other than SSM's
 *   current ones holds grants on an API that is gone: it is re-deployed, forced, with the current
 *   values pinned into its template (see the README, "Deploying to AWS").
 *
 * @example
 * const decision = await decideDeploy(orders, 'dev', awsDeployState('eu-west-1'));
 * // { action: 'deploy', reasons: ['users API id changed: …'], pins: { UsersApiId: 'a1b2c3d4e5' }, force: true }
 */
export async function decideDeploy(
  service: ServiceDeployInfo,
  stage: string,
  state: DeployState,
): Promise<Decision> {
  const pins: Record<string, string> = {};
  for (const read of service.reads) {
    const current = await state.parameter(read.ssmName);
    if (current === undefined) {
      const publisher = read.callee ? `deploy ${read.callee} to stage ${stage} first` : 'create it first';
      return {
        action: 'refuse',
        problem: `${service.name} reads ${read.ssmName} (template parameter ${read.parameter}), which does not exist: ${publisher}.`,
      };
    }
    pins[read.parameter] = current;
  }
  const stack = await state.stack(service.stackName);
  if (!stack) return decideCreate(service, stage, state, pins);
  const stale = staleParameters(service, stack, pins);
  if (stale.length > 0) return { action: 'deploy', reasons: stale, pins, force: true };
  const reason =
    service.reads.length > 0
      ? `its grants name the current ${service.callees.join(', ')} API ids; serverless deploys it if its template or code changed`
      : 'serverless deploys it if its template or code changed';
  return { action: 'deploy', reasons: [reason], pins, force: false };
}

async function decideCreate(
  service: ServiceDeployInfo,
  stage: string,
  state: DeployState,
  pins: Record<string, string>,
): Promise<Decision> {
  const kept = await existingTables([service], state);
  if (kept.length > 0) {
    return {
      action: 'refuse',
      problem:
        `Stack ${service.stackName} does not exist, but its table(s) ${kept.join(', ')} do: they were kept ` +
        `(DeletionPolicy Retain) when ${service.name} was removed from stage ${stage}, and CloudFormation ` +
        'cannot create a table that exists. Import them into the new stack, or delete them if their data ' +
        'may go (README, "Deploying to AWS": "Removing a service").',
    };
  }
  return {
    action: 'deploy',
    reasons: [`stack ${service.stackName} does not exist: creating it`],
    pins,
    force: false,
  };
}

/** Reasons, one per SSM-typed parameter whose value at the stack's last update is not SSM's current one. */
function staleParameters(
  service: ServiceDeployInfo,
  stack: StackView,
  pins: Record<string, string>,
): string[] {
  return service.reads.flatMap((read) => {
    const resolved = resolvedValue(stack, read.parameter, read.ssmName);
    const current = pins[read.parameter];
    if (resolved === current) return [];
    const what = read.callee ? `${read.callee} API id changed` : `${read.ssmName} changed`;
    return [
      `${what}: ${service.stackName} resolved ${read.parameter} to ${resolved ?? '(nothing)'} at its last deploy, ` +
        `${read.ssmName} is now ${current}`,
    ];
  });
}

/**
 * The value CloudFormation read from SSM for a parameter at the stack's last create or update:
 * DescribeStacks' `ResolvedValue` (API reference, Parameter). moto 5.2 reports the resolved value
 * as `ParameterValue` and no `ResolvedValue`; a `ParameterValue` that is not the SSM name is that.
 *
 * @example
 * resolvedValue(stack, 'UsersApiId', '/dev/users/api-id'); // 'a1b2c3d4e5'
 */
export function resolvedValue(stack: StackView, parameter: string, ssmName: string): string | undefined {
  const found = stack.parameters.find((candidate) => candidate.key === parameter);
  if (!found) return undefined;
  if (found.resolved !== undefined) return found.resolved;
  return found.value !== undefined && found.value !== ssmName ? found.value : undefined;
}
