import { LocalStageError, TemplateError } from '../errors';
import { topologicalOrder } from './graph';
import { type ResolveContext, resolveValue } from './intrinsics';
import type { PackagedStack, ParameterValues } from './template';
import { forEachIntrinsic } from './walk';

export interface StackOrderOptions {
  /** The account the stage runs as, for names built with `AWS::AccountId`; without it such names are unknown. */
  accountId?: string;
  /** Parameter overrides by stack name, as given to `resolveParameters`. */
  overrides?: Record<string, Record<string, string>>;
}

/** What a stack creates for other stacks and what it reads from them, as `ssm:/name` and `export:name` keys. */
interface StackLinks {
  provides: Set<string>;
  needs: Set<string>;
}

const SSM_VALUE_TYPE = /^AWS::SSM::Parameter::Value<.+>$/;
// Stands in for an account id nobody gave; a name containing it cannot be matched.
const UNKNOWN_ACCOUNT = '\u0000unknown-account\u0000';

/**
 * Orders stacks so that a stack comes after every stack that creates something it reads at deploy time:
 * an SSM parameter behind one of its `AWS::SSM::Parameter::Value<…>` template parameters, or an export
 * it imports with `Fn::ImportValue`. Stacks with no relation keep their input order.
 *
 * @throws LocalStageError for a cycle, or for two stacks creating the same SSM parameter or export.
 * @example
 * stackOrder([orders, users]); // [users, orders]: orders reads /local/users/api-id, which users creates
 */
export function stackOrder(stacks: PackagedStack[], options: StackOrderOptions = {}): PackagedStack[] {
  const links = new Map(stacks.map((stack) => [stack, linksOf(stack, options)]));
  const creators = creatorsByKey(links);
  return topologicalOrder(
    stacks,
    (stack) => dependenciesOf(stack, links, creators),
    (cycle) =>
      new LocalStageError(
        `Circular dependency between stacks: [${cycle.map((stack) => stack.stackName).join(', ')}]: ` +
          'each reads an SSM parameter or export that another one creates',
      ),
  );
}

function dependenciesOf(
  stack: PackagedStack,
  links: Map<PackagedStack, StackLinks>,
  creators: Map<string, PackagedStack>,
): PackagedStack[] {
  const needs = links.get(stack)?.needs ?? new Set<string>();
  return [...needs].flatMap((key) => {
    const creator = creators.get(key);
    return creator && creator !== stack ? [creator] : [];
  });
}

function creatorsByKey(links: Map<PackagedStack, StackLinks>): Map<string, PackagedStack> {
  const creators = new Map<string, PackagedStack>();
  for (const [stack, { provides }] of links) {
    for (const key of provides) {
      const other = creators.get(key);
      // AWS fails the second stack's deployment: a parameter name or export name is unique per region.
      if (other)
        throw new LocalStageError(
          `Stacks ${other.stackName} and ${stack.stackName} both create ${describe(key)}`,
        );
      creators.set(key, stack);
    }
  }
  return creators;
}

function describe(key: string): string {
  return key.startsWith('ssm:')
    ? `the SSM parameter ${key.slice('ssm:'.length)}`
    : `the export ${key.slice('export:'.length)}`;
}

function linksOf(stack: PackagedStack, options: StackOrderOptions): StackLinks {
  const overrides = options.overrides?.[stack.stackName] ?? {};
  const ctx = deployTimeContext(stack, options.accountId, overrides);
  const provides = new Set<string>();
  const needs = new Set<string>();
  for (const [name, parameter] of Object.entries(stack.template.Parameters ?? {})) {
    const ssmName = overrides[name] ?? parameter.Default;
    if (SSM_VALUE_TYPE.test(parameter.Type) && typeof ssmName === 'string') needs.add(`ssm:${ssmName}`);
  }
  for (const resource of Object.values(stack.template.Resources)) {
    if (resource.Type !== 'AWS::SSM::Parameter') continue;
    const name = knownString(resource.Properties?.Name, ctx);
    if (name !== undefined) provides.add(`ssm:${name}`);
  }
  for (const output of Object.values(stack.template.Outputs ?? {})) {
    const name = output.Export ? knownString(output.Export.Name, ctx) : undefined;
    if (name !== undefined) provides.add(`export:${name}`);
  }
  forEachIntrinsic([stack.template.Resources, stack.template.Outputs], '', (fn, argument) => {
    const name = fn === 'Fn::ImportValue' ? knownString(argument, ctx) : undefined;
    if (name !== undefined) needs.add(`export:${name}`);
  });
  return { provides, needs };
}

/**
 * What can be known before anything is provisioned: pseudo parameters and plain template parameters.
 * Resources, SSM-typed parameters and imports are not known yet, so values built from them are skipped.
 */
function deployTimeContext(
  stack: PackagedStack,
  accountId: string | undefined,
  overrides: Record<string, string>,
): ResolveContext {
  const unknown = (what: string) => (): never => {
    throw new Error(`${what} is not known before provisioning`);
  };
  return {
    stackName: stack.stackName,
    region: stack.region,
    accountId: accountId ?? UNKNOWN_ACCOUNT,
    parameters: plainParameters(stack, overrides),
    ref: unknown('Ref'),
    getAtt: unknown('Fn::GetAtt'),
    importValue: unknown('Fn::ImportValue'),
  };
}

function plainParameters(stack: PackagedStack, overrides: Record<string, string>): ParameterValues {
  const values: ParameterValues = {};
  for (const [name, parameter] of Object.entries(stack.template.Parameters ?? {})) {
    const value = overrides[name] ?? parameter.Default;
    if (SSM_VALUE_TYPE.test(parameter.Type) || value === undefined) continue;
    const isList = parameter.Type === 'CommaDelimitedList' || parameter.Type.startsWith('List<');
    values[name] = Array.isArray(value) ? value : isList ? String(value).split(',') : String(value);
  }
  return values;
}

function knownString(value: unknown, ctx: ResolveContext): string | undefined {
  try {
    const resolved = resolveValue(value, ctx, { path: '' });
    return typeof resolved === 'string' && !resolved.includes(UNKNOWN_ACCOUNT) ? resolved : undefined;
  } catch (error) {
    if (error instanceof TemplateError) return undefined;
    throw error;
  }
}
