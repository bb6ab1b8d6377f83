import {
  type PackagedStack,
  provisioningOrder,
  type ResolveContext,
  resolveOutputs,
  resolveParameters,
  resolveValue,
} from '../cloudformation';
import { LocalStageError, TemplateError } from '../errors';
import type { Role } from '../identity/key-ring';
import type { ApiUnderConstruction, ProvisionedResource, StageServices } from './context';
import { localizeUrls } from './properties';
import { RESOURCE_TYPES } from './resource-types';

export interface ProvisionedStack {
  stack: PackagedStack;
  resources: Map<string, { type: string } & ProvisionedResource>;
  outputs: Record<string, string>;
  /** Export name → value (already in `stage.exports`). */
  exports: Record<string, string>;
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
  const localize = (values: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(values).map(([key, value]) => [key, localizeUrls(value, stage.endpoint, stage.region)]),
    );
  const localExports = localize(exports);
  for (const [name, value] of Object.entries(localExports)) stage.exports.set(name, value);
  return { stack, resources, outputs: localize(outputs), exports: localExports };
}

export interface ReprovisionOptions {
  /** Deletes a function the new template no longer declares (LambdaRuntime.remove). */
  removeFunction: (functionName: string) => Promise<void>;
}

/**
 * Provisions a new version of a stack over the running one, as a CloudFormation stack update does:
 * resources are updated in place and the ones no longer declared are removed. What must survive an
 * update survives: tables and their items, SSM values (CreateTable on an existing table changes
 * nothing), REST API ids (derived from the stack and logical id), roles' ids and the sessions issued
 * for them (so functions keep their access keys, now under the new policies), and invocations in
 * flight, which finish on the code they started with.
 *
 * @returns the stack as now provisioned, and whether what other stacks read from it (the values of
 *   the SSM parameters it creates, its exports) changed, in which case they must be provisioned again.
 * @example
 * const { provisioned, providesChanged } = await reprovisionStack(newStack, stage, running, {
 *   removeFunction: (name) => runtime.remove(name),
 * });
 */
export async function reprovisionStack(
  stack: PackagedStack,
  stage: StageServices,
  previous: ProvisionedStack,
  options: ReprovisionOptions,
): Promise<{ provisioned: ProvisionedStack; providesChanged: boolean }> {
  const rolesBefore = new Map(stage.roles);
  const providedBefore = provided(previous, stage);
  const provisioned = await provisionStack(stack, stage);
  keepRoleIdentities(provisioned, rolesBefore, stage);
  await removeDropped(previous, provisioned, stage, options);
  const providedAfter = provided(provisioned, stage);
  return { provisioned, providesChanged: JSON.stringify(providedBefore) !== JSON.stringify(providedAfter) };
}

/**
 * A role provisioned again keeps its id, and the sessions already issued for it see its new policies
 * (they hold the role's policy list by reference, so it is updated in place), boundary and tags.
 */
function keepRoleIdentities(
  provisioned: ProvisionedStack,
  rolesBefore: Map<string, Role>,
  stage: StageServices,
): void {
  for (const resource of provisioned.resources.values()) {
    if (resource.type !== 'AWS::IAM::Role') continue;
    const arn = resource.attributes.Arn ?? '';
    const before = rolesBefore.get(arn);
    const now = stage.roles.get(arn);
    if (!before || !now || before === now) continue;
    before.policies.splice(0, before.policies.length, ...now.policies);
    const { roleId, policies } = before;
    Object.assign(before, now, { roleId, policies });
    Object.assign(now, { roleId, policies });
    resource.attributes.RoleId = roleId;
    stage.roles.set(arn, before);
    for (const principal of stage.keys.principals()) {
      if (principal.roleArn !== arn) continue;
      principal.permissionsBoundary = before.permissionsBoundary;
      principal.tags = before.tags;
      if (!before.permissionsBoundary) delete principal.permissionsBoundary;
      if (!before.tags) delete principal.tags;
    }
  }
}

/** What an update deletes: functions, APIs, roles, parameters and exports no longer declared. */
async function removeDropped(
  previous: ProvisionedStack,
  provisioned: ProvisionedStack,
  stage: StageServices,
  options: ReprovisionOptions,
): Promise<void> {
  const kept = (type: string) =>
    new Set([...provisioned.resources.values()].filter((r) => r.type === type).map((r) => r.physicalId));
  const dropped = (type: string) =>
    [...previous.resources.values()].filter((r) => r.type === type && !kept(type).has(r.physicalId));
  for (const fn of dropped('AWS::Lambda::Function')) {
    stage.invocableFunctions.delete(fn.physicalId);
    await options.removeFunction(fn.physicalId);
  }
  for (const api of dropped('AWS::ApiGateway::RestApi')) stage.apis.delete(api.physicalId);
  for (const role of dropped('AWS::IAM::Role')) stage.roles.delete(role.attributes.Arn ?? '');
  for (const parameter of dropped('AWS::SSM::Parameter')) stage.ssm.delete(parameter.physicalId);
  for (const table of dropped('AWS::DynamoDB::Table')) {
    stage.log(
      `${provisioned.stack.stackName}: table ${table.physicalId} is no longer in the template; the local stage keeps it and its items until it stops`,
    );
  }
  for (const name of Object.keys(previous.exports))
    if (!(name in provisioned.exports)) stage.exports.delete(name);
}

/** What other stacks can read from this one at deploy time: its SSM parameters' values and exports. */
function provided(provisioned: ProvisionedStack, stage: StageServices): Record<string, string> {
  const values: Record<string, string> = {};
  for (const resource of provisioned.resources.values()) {
    if (resource.type === 'AWS::SSM::Parameter')
      values[`ssm:${resource.physicalId}`] = stage.ssm.get(resource.physicalId)?.value ?? '';
  }
  for (const [name, value] of Object.entries(provisioned.exports)) values[`export:${name}`] = value;
  return values;
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
