import { TemplateError } from '../errors';
import type { PackagedStack, ParameterValues, TemplateParameter } from './template';

export interface ResolveParametersOptions {
  /** Values given at deploy time, by parameter name; for SSM-typed parameters, the SSM name to read. */
  overrides?: Record<string, string>;
  /** The value of an SSM parameter, or `undefined` where it does not exist. */
  readSsm: (name: string) => string | undefined;
}

type Fail = (problem: string) => never;

const SSM_VALUE_TYPE = /^AWS::SSM::Parameter::Value<(.+)>$/;

/**
 * Resolves a stack's template parameters as CloudFormation does at deploy time: the override, else the
 * Default; an `AWS::SSM::Parameter::Value<…>` parameter holds an SSM name and resolves to that
 * parameter's current value. Values are checked against Type, AllowedValues, AllowedPattern and the
 * length and number bounds; lists come back as arrays.
 *
 * @example
 * resolveParameters(stack, { readSsm: (name) => ssm.get(name)?.value });
 * // { UsersApiId: 'a1b2c3d4e5' } (read from /local/users/api-id)
 */
export function resolveParameters(stack: PackagedStack, options: ResolveParametersOptions): ParameterValues {
  const declared = stack.template.Parameters ?? {};
  const overrides = options.overrides ?? {};
  const fail: Fail = (problem) => {
    throw new TemplateError(stack.stackName, undefined, undefined, problem);
  };
  const unknown = Object.keys(overrides).filter((name) => !Object.hasOwn(declared, name));
  if (unknown.length) fail(`Parameters: [${unknown.join(', ')}] do not exist in the template`);
  const missing = Object.keys(declared).filter(
    (name) => rawValue(declared[name], overrides[name]) === undefined,
  );
  if (missing.length) fail(`Parameters: [${missing.join(', ')}] must have values`);
  const values: ParameterValues = {};
  for (const [name, declaration] of Object.entries(declared)) {
    const raw = rawValue(declaration, overrides[name]) ?? '';
    values[name] = typedValue(name, declaration, raw, options.readSsm, fail);
  }
  return values;
}

function rawValue(
  declaration: TemplateParameter | undefined,
  override: string | undefined,
): string | undefined {
  const value = override ?? declaration?.Default;
  return Array.isArray(value) ? value.join(',') : value === undefined ? undefined : String(value);
}

function typedValue(
  name: string,
  declaration: TemplateParameter,
  raw: string,
  readSsm: ResolveParametersOptions['readSsm'],
  fail: Fail,
): string | string[] {
  const type = declaration.Type;
  const ssmType = SSM_VALUE_TYPE.exec(type)?.[1];
  if (ssmType !== undefined) return ssmValue(name, ssmType, raw, readSsm, fail);
  if (type === 'String') return checked(name, declaration, raw, fail);
  if (type === 'Number') return checkedNumber(name, declaration, raw, fail);
  if (type === 'List<Number>')
    return raw.split(',').map((item) => checkedNumber(name, declaration, item, fail));
  if (type === 'CommaDelimitedList')
    return raw.split(',').map((item) => checked(name, declaration, item, fail));
  // AWS-specific types (AWS::EC2::KeyPair::KeyName, AWS::SSM::Parameter::Name, List<AWS::EC2::…>) name
  // things that exist in an account; the local stage takes them as given.
  if (type.startsWith('List<AWS::')) return raw.split(',');
  if (type.startsWith('AWS::')) return raw;
  return fail(`Template format error: Unrecognized parameter type: ${type} (parameter ${name})`);
}

// CloudFormation reads the parameter when the stack is created or updated; a name that does not exist
// fails the whole operation with "Unable to fetch parameters [/x] from parameter store for this account."
function ssmValue(
  name: string,
  valueType: string,
  ssmName: string,
  readSsm: ResolveParametersOptions['readSsm'],
  fail: Fail,
): string | string[] {
  const value = readSsm(ssmName);
  if (value === undefined) {
    fail(
      `Parameters: [${name}] Unable to fetch parameters [${ssmName}] from parameter store for this account: ` +
        `${ssmName} does not exist. Provision the stack that creates it first, or override ${name}.`,
    );
  }
  const isList = valueType.startsWith('List<') || valueType === 'CommaDelimitedList';
  return isList ? value.split(',') : value;
}

function checked(name: string, declaration: TemplateParameter, value: string, fail: Fail): string {
  const violation = stringViolation(declaration, value);
  if (violation) fail(constraintMessage(name, declaration, violation));
  return value;
}

function stringViolation(declaration: TemplateParameter, value: string): string | undefined {
  const { AllowedValues, AllowedPattern, MinLength, MaxLength } = declaration;
  if (AllowedValues && !AllowedValues.map(String).includes(value)) return 'must be one of AllowedValues';
  // AllowedPattern must match the entire value, not a part of it.
  if (AllowedPattern !== undefined && !new RegExp(`^(?:${AllowedPattern})$`).test(value)) {
    return `must match pattern ${AllowedPattern}`;
  }
  if (MinLength !== undefined && value.length < Number(MinLength)) {
    return `must contain at least ${MinLength} characters`;
  }
  if (MaxLength !== undefined && value.length > Number(MaxLength))
    return `must contain at most ${MaxLength} characters`;
  return undefined;
}

function checkedNumber(name: string, declaration: TemplateParameter, value: string, fail: Fail): string {
  const number = Number(value);
  if (value.trim() === '' || Number.isNaN(number)) fail(`Parameter '${name}' must be a number`);
  const { MinValue, MaxValue, AllowedValues } = declaration;
  let violation: string | undefined;
  if (MinValue !== undefined && number < Number(MinValue))
    violation = `must be a number not less than ${MinValue}`;
  if (MaxValue !== undefined && number > Number(MaxValue))
    violation = `must be a number not greater than ${MaxValue}`;
  if (AllowedValues && !AllowedValues.map(Number).includes(number))
    violation = 'must be one of AllowedValues';
  if (violation) fail(constraintMessage(name, declaration, violation));
  return value;
}

// With a ConstraintDescription, CloudFormation shows it instead of the rule that failed.
function constraintMessage(name: string, declaration: TemplateParameter, violation: string): string {
  const description = declaration.ConstraintDescription;
  return description
    ? `Parameter ${name} failed to satisfy constraint: ${description}`
    : `Parameter '${name}' ${violation}`;
}
