import { TemplateError } from '../errors';
import { type ResolveContext, resolveValue } from './intrinsics';
import type { PackagedStack } from './template';

export interface ResolvedOutputs {
  /** Output name → value, e.g. `ServiceEndpoint` → `https://abc123.execute-api.us-east-1.amazonaws.com/local`. */
  outputs: Record<string, string>;
  /** Export name → value, for other stacks' `Fn::ImportValue`. */
  exports: Record<string, string>;
}

/**
 * A provisioned stack's Outputs, and its exports under their resolved names.
 *
 * @example
 * const { outputs, exports } = resolveOutputs(stack, ctx);
 * outputs.ServiceEndpoint; // 'https://abc123.execute-api.us-east-1.amazonaws.com/local'
 * exports['sls-users-local-ServiceEndpoint']; // the same URL
 */
export function resolveOutputs(stack: PackagedStack, ctx: ResolveContext): ResolvedOutputs {
  const resolved: ResolvedOutputs = { outputs: {}, exports: {} };
  for (const [name, output] of Object.entries(stack.template.Outputs ?? {})) {
    const path = `Outputs.${name}`;
    if (output.Condition !== undefined)
      fail(stack, `${path}.Condition`, 'output conditions are not supported by the local stage');
    const value = outputString(
      stack,
      resolveValue(output.Value, ctx, { path: `${path}.Value` }),
      `${path}.Value`,
    );
    resolved.outputs[name] = value;
    if (output.Export) {
      const exportPath = `${path}.Export.Name`;
      resolved.exports[
        outputString(stack, resolveValue(output.Export.Name, ctx, { path: exportPath }), exportPath)
      ] = value;
    }
  }
  return resolved;
}

function outputString(stack: PackagedStack, value: unknown, path: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return fail(
    stack,
    path,
    `Template format error: every Outputs member must be a string (got ${Array.isArray(value) ? 'a list' : typeof value})`,
  );
}

function fail(stack: PackagedStack, path: string, problem: string): never {
  throw new TemplateError(stack.stackName, undefined, path, problem);
}
