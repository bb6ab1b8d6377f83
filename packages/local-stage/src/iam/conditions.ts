import { type Comparison, OPERATORS, type OperatorDefinition } from './condition-operators';
import { substitute } from './policy-variables';

/**
 * A verdict on a statement's `Condition` block, or the reasons it cannot be given. IAM ANDs every
 * operator and every key in the block, and ORs the values listed for one key.
 */
export type ConditionOutcome =
  | { kind: 'true' }
  | { kind: 'false' }
  | { kind: 'unevaluable'; reasons: string[] };

/**
 * The request context a condition block is evaluated against: the condition keys the request carries
 * (compared case-insensitively, as IAM does) and the keys AWS would leave out of it. A key in neither
 * is one the local stage cannot know for this request (`aws:SourceVpce`, `aws:ResourceTag/…`).
 */
export interface ConditionContext {
  values: Map<string, string[]>;
  /** Lower-cased key names, and `…/` prefixes for families such as `aws:principaltag/`. */
  absent: { keys: Set<string>; prefixes: string[] };
}

interface ParsedOperator {
  name: string;
  set: 'ForAnyValue' | 'ForAllValues' | undefined;
  base: string;
  ifExists: boolean;
}

const TRUE: ConditionOutcome = { kind: 'true' };
const FALSE: ConditionOutcome = { kind: 'false' };
const unevaluable = (reason: string): ConditionOutcome => ({ kind: 'unevaluable', reasons: [reason] });

/**
 * Builds the lookup a condition block is evaluated against. `absentKeys` names the keys AWS leaves out
 * of this request's context; a family is written with a trailing `/*`, e.g. `aws:PrincipalTag/*`.
 *
 * @example
 * conditionContext({ 'aws:SourceIp': '127.0.0.1' }, ['aws:TokenIssueTime']).values.get('aws:sourceip'); // ['127.0.0.1']
 */
export function conditionContext(
  values: Record<string, string | string[]> | undefined,
  absentKeys: readonly string[] = [],
): ConditionContext {
  const map = new Map<string, string[]>();
  for (const [key, value] of Object.entries(values ?? {})) {
    map.set(key.toLowerCase(), Array.isArray(value) ? value.map(String) : [String(value)]);
  }
  const keys = new Set<string>();
  const prefixes: string[] = [];
  for (const key of absentKeys) {
    const lower = key.toLowerCase();
    if (lower.endsWith('/*')) prefixes.push(lower.slice(0, -1));
    else keys.add(lower);
  }
  return { values: map, absent: { keys, prefixes } };
}

/** Whether AWS leaves `key` out of this request's context (rather than the stage not knowing it). */
function knownAbsent(context: ConditionContext, lowerKey: string): boolean {
  const { keys, prefixes } = context.absent;
  return keys.has(lowerKey) || prefixes.some((prefix) => lowerKey.startsWith(prefix));
}

/**
 * Evaluates a statement's `Condition` block. A definite `false` anywhere wins (the statement does not
 * apply whatever the rest says); otherwise any part it cannot evaluate makes the block unevaluable.
 *
 * @example
 * evaluateConditions({ IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, conditionContext({ 'aws:SourceIp': '10.1.2.3' }), true);
 * // { kind: 'true' }
 */
export function evaluateConditions(
  block: Record<string, Record<string, unknown>> | undefined,
  context: ConditionContext,
  substituteVariables: boolean,
): ConditionOutcome {
  const outcomes: ConditionOutcome[] = [];
  for (const [operatorName, keys] of Object.entries(block ?? {})) {
    for (const [key, policyValue] of Object.entries(keys ?? {})) {
      outcomes.push(
        evaluateOne(
          parseOperator(operatorName),
          key,
          policyValues(policyValue),
          context,
          substituteVariables,
        ),
      );
    }
  }
  return allOf(outcomes);
}

function allOf(outcomes: ConditionOutcome[]): ConditionOutcome {
  if (outcomes.some((outcome) => outcome.kind === 'false')) return FALSE;
  const reasons = outcomes.flatMap((outcome) => (outcome.kind === 'unevaluable' ? outcome.reasons : []));
  return reasons.length > 0 ? { kind: 'unevaluable', reasons } : TRUE;
}

function parseOperator(name: string): ParsedOperator {
  const [, set, rest = name] = /^(?:(ForAnyValue|ForAllValues):)?(.*)$/s.exec(name) ?? [];
  const ifExists = rest.endsWith('IfExists');
  const base = ifExists ? rest.slice(0, -'IfExists'.length) : rest;
  return { name, set: set as ParsedOperator['set'], base, ifExists };
}

/** Policies written by hand or by CloudFormation may carry `true` or `42` unquoted. */
function policyValues(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).map((item) => String(item));
}

function evaluateOne(
  operator: ParsedOperator,
  key: string,
  values: string[],
  context: ConditionContext,
  substituteVariables: boolean,
): ConditionOutcome {
  const where = `${operator.name} on ${key}`;
  const lowerKey = key.toLowerCase();
  const requestValues = context.values.get(lowerKey);
  const definition = operator.base === 'Null' ? undefined : OPERATORS[operator.base];
  if (operator.base !== 'Null' && !definition)
    return unevaluable(`${where}: the local stage does not evaluate the operator ${operator.base}`);
  if (requestValues === undefined) {
    if (!knownAbsent(context, lowerKey))
      return unevaluable(`${where}: the local stage does not know ${key} for this request`);
    return onAbsentKey(operator, definition, values);
  }
  if (!definition) return nullCheck(values, requestValues);
  const resolved =
    definition.takesVariables && substituteVariables ? resolveVariables(values, context) : values;
  if (typeof resolved === 'string') return unevaluable(`${where}: ${resolved}`);
  return applySet(operator, key, requestValues, (value) => compareOne(definition, value, resolved));
}

/**
 * A key AWS leaves out of the request, per "IAM JSON policy elements: Condition operators": the values
 * do not match, so a positive operator is false and a negated one (`StringNotEquals`, `ArnNotLike`,
 * `NotIpAddress`, …) is true; `…IfExists` is true; `Null` tests for exactly this. Per "Set operators
 * for multivalued context keys", `ForAllValues:` is true for an absent key and `ForAnyValue:` false.
 */
function onAbsentKey(
  operator: ParsedOperator,
  definition: OperatorDefinition | undefined,
  values: string[],
): ConditionOutcome {
  if (!definition) return nullCheck(values, undefined);
  if (operator.ifExists || operator.set === 'ForAllValues') return TRUE;
  if (operator.set === 'ForAnyValue') return FALSE;
  return definition.negated ? TRUE : FALSE;
}

/** `Null: {key: true}` holds when the key is absent; `false` when it is present. */
function nullCheck(values: string[], requestValues: string[] | undefined): ConditionOutcome {
  const absent = requestValues === undefined || requestValues.length === 0;
  return values.some((value) => value.toLowerCase() === String(absent)) ? TRUE : FALSE;
}

function resolveVariables(values: string[], context: ConditionContext): string[] | string {
  const resolved: string[] = [];
  for (const value of values) {
    const result = substitute(value, (key) => singleValue(context, key));
    if (!result.ok) return `the policy variable \${${result.missingKey}} has no value in the request context`;
    resolved.push(result.value);
  }
  return resolved;
}

/**
 * The value a policy variable takes: a single-valued key's value; a multi-valued key cannot be substituted.
 *
 * @example
 * singleValue(conditionContext({ 'aws:username': 'ada' }), 'aws:username'); // 'ada'
 */
export function singleValue(context: ConditionContext, key: string): string | undefined {
  const values = context.values.get(key.toLowerCase());
  return values?.length === 1 ? values[0] : undefined;
}

/**
 * One request value against the policy values: any match satisfies a positive operator; a negated
 * operator holds only when the value matches none of them (IAM's "logical NOR" for negated operators).
 */
function compareOne(definition: OperatorDefinition, requestValue: string, values: string[]): Comparison {
  let problem: Comparison | undefined;
  for (const value of values) {
    const comparison = definition.compare(requestValue, value);
    if (comparison === true) return !definition.negated;
    if (comparison !== false) problem ??= comparison;
  }
  return problem ?? definition.negated;
}

/**
 * `ForAnyValue:` holds when some request value satisfies the operator, `ForAllValues:` when every one
 * does (vacuously for an empty set). Without a prefix IAM expects a single value; a multi-valued key
 * there is ambiguous, so the local stage reports it rather than pick a reading.
 */
function applySet(
  operator: ParsedOperator,
  key: string,
  requestValues: string[],
  test: (value: string) => Comparison,
): ConditionOutcome {
  const where = `${operator.name} on ${key}`;
  if (operator.set === undefined && requestValues.length !== 1) {
    return unevaluable(
      `${where}: ${key} has ${requestValues.length} values; use ForAnyValue: or ForAllValues:`,
    );
  }
  const results = requestValues.map(test);
  const problem = results.find((result): result is { unparsable: string } => typeof result === 'object');
  if (operator.set === 'ForAllValues') {
    if (results.includes(false)) return FALSE;
  } else if (results.includes(true)) {
    return TRUE;
  }
  if (problem) return unevaluable(`${where}: ${problem.unparsable}`);
  return operator.set === 'ForAllValues' ? TRUE : FALSE;
}
