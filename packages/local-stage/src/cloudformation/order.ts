import { TemplateError } from '../errors';
import { topologicalOrder } from './graph';
import { referencesIn } from './references';
import type { Template, TemplateResource } from './template';

/**
 * The template's logical ids in an order where each resource comes after every resource it
 * references (`Ref`, `Fn::GetAtt`, `Fn::Sub` placeholders) or names in `DependsOn`, as CloudFormation
 * orders creation. Unrelated resources keep their template order.
 *
 * @throws TemplateError for a reference to a name that is neither a resource, a parameter nor a pseudo
 *   parameter, for a resource-level `Condition`, and for a cycle.
 * @example
 * provisioningOrder(stack.template, stack.stackName); // ['UsersTable', 'IamRoleLambdaExecution', 'GetUserLambdaFunction', …]
 */
export function provisioningOrder(template: Template, stackName: string): string[] {
  const resources = template.Resources;
  const dependencies = new Map(
    Object.entries(resources).map(([logicalId, resource]) => [
      logicalId,
      dependenciesOf(logicalId, resource, template, stackName),
    ]),
  );
  return topologicalOrder(
    Object.keys(resources),
    (logicalId) => dependencies.get(logicalId) ?? [],
    (cycle) =>
      new TemplateError(
        stackName,
        undefined,
        undefined,
        `Circular dependency between resources: [${cycle.join(', ')}]`,
      ),
  );
}

function dependenciesOf(
  logicalId: string,
  resource: TemplateResource,
  template: Template,
  stackName: string,
): Set<string> {
  const fail = (path: string, problem: string): never => {
    throw new TemplateError(stackName, logicalId, path, problem);
  };
  // Conditions decide whether a resource exists at all; guessing would provision what AWS would not.
  if (resource.Condition !== undefined)
    fail('Condition', 'resource conditions are not supported by the local stage');
  const dependencies = new Set<string>();
  for (const name of dependsOn(resource)) {
    if (!Object.hasOwn(template.Resources, name))
      fail(
        'DependsOn',
        `Template format error: Unresolved resource dependencies [${name}] in the Resources block of the template`,
      );
    dependencies.add(name);
  }
  for (const { name, path } of referencesIn(resource.Properties ?? {}, 'Properties')) {
    if (Object.hasOwn(template.Resources, name)) dependencies.add(name);
    else if (!name.startsWith('AWS::') && !Object.hasOwn(template.Parameters ?? {}, name)) {
      fail(
        path,
        `Template format error: Unresolved resource dependencies [${name}] in the Resources block of the template`,
      );
    }
  }
  return dependencies;
}

function dependsOn(resource: TemplateResource): string[] {
  const value = resource.DependsOn;
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
