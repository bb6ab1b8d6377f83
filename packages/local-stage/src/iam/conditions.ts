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

/** The request context: condition keys, compared case-insensitively as IAM does, to their values. */
export type ConditionContext = Map<string, string[]>;

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
 * Builds the lookup a condition block is evaluated against.
 *
 * @example
 * conditionContext({ 'aws:SourceIp': '127.0.0.1' }).get('aws:sourceip'); // ['127.0.0.1']
 */
export function conditionContext(context: Record<string, string | string[]> | undefined): ConditionContext {
  const map: ConditionContext = new Map();
  for (const [key, value] of Object.entries(context ?? {})) {
    map.set(key.toLowerCase(), Array.isArray(value) ? value.map(String) : [String(value)]);
  }
  return map;
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
  const requestValues = context.get(key.toLowerCase());
  if (operator.base === 'Null') return nullCheck(values, requestValues);
  const definition = OPERATORS[operator.base];
  if (!definition)
    return unevaluable(`${where}: the local stage does not evaluate the operator ${operator.base}`);
  if (requestValues === undefined) {
    return operator.ifExists ? TRUE : unevaluable(`${where}: the request context has no ${key}`);
  }
  const resolved =
    definition.takesVariables && substituteVariables ? resolveVariables(values, context) : values;
  if (typeof resolved === 'string') return unevaluable(`${where}: ${resolved}`);
  return applySet(operator, key, requestValues, (value) => compareOne(definition, value, resolved));
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
  const values = context.get(key.toLowerCase());
  return values?.length === 1 ? values[0] : undefined;
}

/** One request value against the policy values: any match satisfies a positive operator, none a negated one. */
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
