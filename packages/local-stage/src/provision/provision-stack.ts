import {
  type PackagedStack,
  provisioningOrder,
  type ResolveContext,
  resolveOutputs,
  resolveParameters,
  resolveValue,
} from '../cloudformation';
import { LocalStageError, TemplateError } from '../errors';
import type { ApiUnderConstruction, ProvisionedResource, StageServices } from './context';
import { localizeUrls } from './properties';
import { RESOURCE_TYPES } from './resource-types';

export interface ProvisionedStack {
  stack: PackagedStack;
  resources: Map<string, { type: string } & ProvisionedResource>;
  outputs: Record<string, string>;
}

/**
 * Creates one stack's resources in dependency order, resolving each resource's properties just
 * before it is created, the way CloudFormation does.
 *
 * @example const provisioned = await provisionStack(loadPackagedStack('services/users'), stage)
 */
export async function provisionStack(stack: PackagedStack, stage: StageServices): Promise<ProvisionedStack> {
  const resources = new Map<string, { type: string } & ProvisionedResource>();
  const parameters = resolveParameters(stack, { readSsm: (name) => stage.ssm.get(name)?.value });
  const context = resolveContext(stack, stage, parameters, resources);
  const apisUnderConstruction = new Map<string, ApiUnderConstruction>();
  for (const logicalId of provisioningOrder(stack.template, stack.stackName)) {
    const resource = stack.template.Resources[logicalId];
    if (!resource) continue;
    const provision = RESOURCE_TYPES[resource.Type];
    if (!provision) {
      throw new TemplateError(
        stack.stackName,
        logicalId,
        'Type',
        `${resource.Type} is not supported by the local stage`,
      );
    }
    const properties = resolveValue(resource.Properties ?? {}, context, { logicalId, path: 'Properties' });
    const provisioned = await provision({
      stack,
      logicalId,
      properties: properties as Record<string, unknown>,
      stage,
      apisUnderConstruction,
    });
    resources.set(logicalId, { type: resource.Type, ...provisioned });
  }
  const { outputs, exports } = resolveOutputs(stack, context);
  for (const [name, value] of Object.entries(exports))
    stage.exports.set(name, localizeUrls(value, stage.endpoint, stage.region));
  const localized = Object.fromEntries(
    Object.entries(outputs).map(([key, value]) => [key, localizeUrls(value, stage.endpoint, stage.region)]),
  );
  return { stack, resources, outputs: localized };
}

function resolveContext(
  stack: PackagedStack,
  stage: StageServices,
  parameters: Record<string, string | string[]>,
  resources: Map<string, ProvisionedResource>,
): ResolveContext {
  const provisioned = (logicalId: string) => {
    const resource = resources.get(logicalId);
    // A plain error: resolveValue adds the stack, resource and property that made the reference.
    if (!resource) throw new LocalStageError(`${logicalId} is referenced before it was provisioned`);
    return resource;
  };
  return {
    stackName: stack.stackName,
    region: stage.region,
    accountId: stage.accountId,
    partition: 'aws',
    urlSuffix: 'amazonaws.com',
    parameters,
    ref: (logicalId) => provisioned(logicalId).physicalId,
    getAtt: (logicalId, attribute) => {
      const value = provisioned(logicalId).attributes[attribute];
      if (value === undefined) {
        throw new LocalStageError(
          `attribute ${attribute} of ${logicalId} is not supported by the local stage`,
        );
      }
      return value;
    },
    importValue: (name) => {
      const value = stage.exports.get(name);
      if (value === undefined) throw new LocalStageError(`no stack exports ${name}`);
      return value;
    },
  };
}
