import { resolvedValue } from './deploy-plan';
import type { ServiceDeployInfo } from './deploy-services';
import type { DeployState } from './deploy-state';

/**
 * After a deploy: every deployed stack that reads SSM parameters resolved each one to SSM's current
 * value (so its `execute-api:Invoke` grants name the callee's current API id), and every service
 * publishes the id of the REST API its stack holds now. Returns each difference as a sentence;
 * empty when the stage is consistent.
 *
 * @example
 * const problems = await checkDeployedStage(servicesForStage(repoRoot, 'dev'), 'dev', state);
 */
export async function checkDeployedStage(
  services: ServiceDeployInfo[],
  stage: string,
  state: DeployState,
): Promise<string[]> {
  const problems: string[] = [];
  for (const service of services) {
    const stack = await state.stack(service.stackName);
    if (!stack) continue;
    for (const read of service.reads) {
      const current = await state.parameter(read.ssmName);
      const resolved = resolvedValue(stack, read.parameter, read.ssmName);
      if (resolved !== current) {
        problems.push(
          `${service.stackName}: ${read.parameter} resolved to ${resolved ?? '(nothing)'}, but ${read.ssmName} is ` +
            `${current ?? '(missing)'}: its grants name an API that ${read.callee ?? 'the publisher'} no longer serves.`,
        );
      }
    }
    const published = await state.parameter(`/${stage}/${service.name}/api-id`);
    const apiId = await state.restApiId(service.stackName);
    if (published !== undefined && apiId !== undefined && published !== apiId) {
      problems.push(
        `/${stage}/${service.name}/api-id is ${published}, but stack ${service.stackName} holds REST API ${apiId}: ` +
          `callers would be granted on an API ${service.name} does not serve.`,
      );
    }
  }
  return problems;
}
