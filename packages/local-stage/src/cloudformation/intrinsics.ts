import { TemplateError } from '../errors';
import { pseudoParameter } from './pseudo-parameters';
import { parseSub } from './sub';
import { asIntrinsic, childPath, isRecord } from './walk';

/** What resolving a stack's values needs: where it runs and what is already provisioned. */
export interface ResolveContext {
  stackName: string;
  region: string;
  accountId: string;
  partition?: 'aws';
  /** `amazonaws.com` unless set. */
  urlSuffix?: string;
  /** Template parameters, already resolved (see `resolveParameters`). */
  parameters: Record<string, string | string[]>;
  /** Physical id of a provisioned resource. May throw; the error is reported at the property. */
  ref(logicalId: string): string;
  getAtt(logicalId: string, attribute: string): string;
  importValue(exportName: string): string;
}

/** Where a value stands in the template, for error messages: `{ logicalId: 'Fn', path: 'Properties' }`. */
export interface ValueLocation {
  logicalId?: string;
  path: string;
}

/** Marks a value removed by `Ref: AWS::NoValue`; never escapes `resolveValue`. */
const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

interface Scope {
  ctx: ResolveContext;
  logicalId: string | undefined;
  /** Inside a function's arguments errors name the property holding the function, not argument positions. */
  inArguments?: boolean;
}

type Handler = (argument: unknown, scope: Scope, path: string) => unknown;

const HANDLERS: Record<string, Handler> = {
  Ref: resolveRef,
  'Fn::GetAtt': resolveGetAtt,
  'Fn::Sub': resolveSub,
  'Fn::Join': resolveJoin,
  'Fn::Select': resolveSelect,
  'Fn::Split': resolveSplit,
  'Fn::ImportValue': resolveImportValue,
  'Fn::Base64': (argument, scope, path) =>
    Buffer.from(resolveString(argument, scope, path, 'Fn::Base64')).toString('base64'),
  'Fn::GetAZs': resolveGetAZs,
};

/**
 * Resolves every intrinsic function in a template value, as CloudFormation does when it provisions:
 * `Ref` (parameters, pseudo parameters, resources), `Fn::GetAtt`, `Fn::Sub`, `Fn::Join`, `Fn::Select`,
 * `Fn::Split`, `Fn::ImportValue`, `Fn::Base64` and `Fn::GetAZs`. A property that is `Ref: AWS::NoValue`
 * is removed (the whole value gives `undefined`). Anything else (conditions, `Fn::FindInMap`,
 * `Fn::Transform`) throws a `TemplateError` naming the stack, resource and property path.
 *
 * @example
 * resolveValue(resource.Properties, ctx, { logicalId: 'GetUserLambdaFunction', path: 'Properties' });
 * // { Role: 'arn:aws:iam::000000000000:role/…', Environment: { Variables: { TABLE_NAME: 'users' } }, … }
 */
export function resolveValue(value: unknown, ctx: ResolveContext, where: ValueLocation): unknown {
  const resolved = resolveAny(value, { ctx, logicalId: where.logicalId }, where.path);
  return resolved === NO_VALUE ? undefined : resolved;
}

function resolveAny(value: unknown, scope: Scope, path: string): unknown {
  const intrinsic = asIntrinsic(value);
  if (intrinsic) return resolveIntrinsic(intrinsic[0], intrinsic[1], scope, path);
  const at = (key: string | number) => (scope.inArguments ? path : childPath(path, key));
  if (Array.isArray(value)) {
    return value.map((item, index) => resolveAny(item, scope, at(index))).filter((item) => item !== NO_VALUE);
  }
  if (!isRecord(value)) return value;
  const resolved: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const result = resolveAny(item, scope, at(key));
    if (result !== NO_VALUE) resolved[key] = result;
  }
  return resolved;
}

function resolveIntrinsic(name: string, argument: unknown, scope: Scope, path: string): unknown {
  const handler = HANDLERS[name];
  if (!handler) {
    fail(
      scope,
      path,
      `${name} is not supported by the local stage (it resolves ${Object.keys(HANDLERS).join(', ')})`,
    );
  }
  return handler(argument, { ...scope, inArguments: true }, path);
}

function resolveRef(argument: unknown, scope: Scope, path: string): unknown {
  if (typeof argument !== 'string') fail(scope, path, 'Ref takes the name of a resource or parameter');
  const { ctx } = scope;
  if (argument.startsWith('AWS::')) {
    const value = pseudoParameter(argument, ctx, NO_VALUE);
    if (value === undefined) fail(scope, path, `Ref ${argument}: no such pseudo parameter`);
    return value;
  }
  if (Object.hasOwn(ctx.parameters, argument)) return ctx.parameters[argument];
  return callContext(scope, path, `Ref ${argument}`, () => ctx.ref(argument));
}

function resolveGetAtt(argument: unknown, scope: Scope, path: string): string {
  const [logicalId, attribute] = typeof argument === 'string' ? splitAtFirstDot(argument) : asList(argument);
  const name = resolveAny(attribute, scope, path);
  if (typeof logicalId !== 'string' || typeof name !== 'string' || !logicalId || !name) {
    fail(scope, path, "Fn::GetAtt takes ['LogicalId', 'Attribute'] or 'LogicalId.Attribute'");
  }
  return callContext(scope, path, `Fn::GetAtt ${logicalId}.${name}`, () => scope.ctx.getAtt(logicalId, name));
}

function resolveSub(argument: unknown, scope: Scope, path: string): string {
  const [text, variables = {}] = typeof argument === 'string' ? [argument] : asList(argument);
  if (typeof text !== 'string' || !isRecord(variables)) {
    fail(scope, path, "Fn::Sub takes 'string' or ['string', { Name: value }]");
  }
  return parseSub(text)
    .map((part) => ('literal' in part ? part.literal : substitute(part.name, variables, scope, path)))
    .join('');
}

function substitute(name: string, variables: Record<string, unknown>, scope: Scope, path: string): string {
  const what = `Fn::Sub variable \${${name}}`;
  if (!name) fail(scope, path, `Fn::Sub has an empty \${}`);
  if (Object.hasOwn(variables, name)) return resolveString(variables[name], scope, path, what);
  const value = name.includes('.') ? resolveGetAtt(name, scope, path) : resolveRef(name, scope, path);
  return asString(value, scope, path, what);
}

function resolveJoin(argument: unknown, scope: Scope, path: string): string {
  const [delimiter, list] = asList(argument);
  if (typeof delimiter !== 'string') fail(scope, path, "Fn::Join takes ['delimiter', [values]]");
  return resolveList(list, scope, path, 'Fn::Join')
    .map((item) => asString(item, scope, path, 'Fn::Join element'))
    .join(delimiter);
}

function resolveSelect(argument: unknown, scope: Scope, path: string): unknown {
  const [rawIndex, list] = asList(argument);
  const resolvedIndex = resolveAny(rawIndex, scope, path);
  const index = Number(resolvedIndex);
  const items = resolveList(list, scope, path, 'Fn::Select');
  if (!Number.isInteger(index) || index < 0 || index >= items.length) {
    fail(
      scope,
      path,
      `Fn::Select index ${JSON.stringify(resolvedIndex)} is out of bounds of a list of ${items.length}`,
    );
  }
  return items[index];
}

function resolveSplit(argument: unknown, scope: Scope, path: string): string[] {
  const [delimiter, source] = asList(argument);
  if (typeof delimiter !== 'string' || !delimiter) {
    fail(scope, path, "Fn::Split takes ['delimiter', 'string']");
  }
  return resolveString(source, scope, path, 'Fn::Split source').split(delimiter);
}

function resolveImportValue(argument: unknown, scope: Scope, path: string): string {
  const exportName = resolveString(argument, scope, path, 'Fn::ImportValue name');
  return callContext(scope, path, `Fn::ImportValue ${exportName}`, () => scope.ctx.importValue(exportName));
}

// The local stage has no real zones; three names in the stack's region are what most templates select from.
function resolveGetAZs(argument: unknown, scope: Scope, path: string): string[] {
  const region = resolveString(argument ?? '', scope, path, 'Fn::GetAZs region') || scope.ctx.region;
  return ['a', 'b', 'c'].map((zone) => `${region}${zone}`);
}

function resolveList(value: unknown, scope: Scope, path: string, what: string): unknown[] {
  const list = resolveAny(value, scope, path);
  if (!Array.isArray(list)) fail(scope, path, `${what} takes a list`);
  return list;
}

function resolveString(value: unknown, scope: Scope, path: string, what: string): string {
  return asString(resolveAny(value, scope, path), scope, path, what);
}

function asString(value: unknown, scope: Scope, path: string, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const got = Array.isArray(value) ? 'a list' : value === NO_VALUE ? 'AWS::NoValue' : typeof value;
  return fail(scope, path, `${what} does not resolve to a string (got ${got})`);
}

function asList(argument: unknown): unknown[] {
  return Array.isArray(argument) ? argument : [];
}

function splitAtFirstDot(text: string): [string, string] {
  const dot = text.indexOf('.');
  return dot < 0 ? [text, ''] : [text.slice(0, dot), text.slice(dot + 1)];
}

/** Runs a context callback; an error that does not already name its place is reported at this property. */
function callContext<T>(scope: Scope, path: string, what: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (error instanceof TemplateError) throw error;
    const wrapped = new TemplateError(
      scope.ctx.stackName,
      scope.logicalId,
      path,
      `${what}: ${error instanceof Error ? error.message : String(error)}`,
    );
    wrapped.cause = error;
    throw wrapped;
  }
}

function fail(scope: Scope, path: string, problem: string): never {
  throw new TemplateError(scope.ctx.stackName, scope.logicalId, path, problem);
}
