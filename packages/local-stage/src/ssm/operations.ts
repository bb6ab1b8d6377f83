import { AwsError } from '../errors';
import { type AllowedPatternMatcher, sharedAllowedPatternMatcher } from './allowed-pattern';
import {
  assertQualified,
  assertValidPath,
  isServedHere,
  type ParameterReference,
  parameterArn,
  parseReference,
} from './parameter-names';
import type { Parameter, ParameterStore } from './parameter-store';
import { putParameter } from './put-parameter';
import { memberError, optional, requireString } from './validation';

export interface SsmContext {
  region: string;
  accountId: string;
  /** Where `AllowedPattern` runs; by default one worker shared by every call. */
  patterns?: AllowedPatternMatcher;
}

type Operation = (
  store: ParameterStore,
  input: Record<string, unknown>,
  ctx: SsmContext,
) => Record<string, unknown> | Promise<Record<string, unknown>>;

const OPERATIONS: Record<string, Operation> = {
  GetParameter: getParameter,
  GetParameters: getParameters,
  GetParametersByPath: getParametersByPath,
  PutParameter: (store, input, ctx) =>
    putParameter(store, input, ctx.patterns ?? sharedAllowedPatternMatcher()),
  DeleteParameter: deleteParameter,
};

/**
 * Runs one SSM call (AWS JSON 1.1, `X-Amz-Target: AmazonSSM.{operation}`) that the front door has
 * already authenticated and authorized. Returns the JSON body SSM returns, or throws an AwsError with
 * SSM's error type, which the front door renders as `{"__type": …, "message": …}`.
 *
 * @example
 * await handleSsmOperation(store, 'GetParameter', { Name: '/local/users/url' }, { region: 'us-east-1', accountId: '000000000000' });
 * // { Parameter: { Name: '/local/users/url', Type: 'String', Value: 'http://…', Version: 1, LastModifiedDate: 1767225600, ARN: 'arn:aws:ssm:…', DataType: 'text' } }
 */
export async function handleSsmOperation(
  store: ParameterStore,
  operation: string,
  input: Record<string, unknown>,
  ctx: SsmContext,
): Promise<Record<string, unknown>> {
  const run = Object.hasOwn(OPERATIONS, operation) ? OPERATIONS[operation] : undefined;
  if (!run) {
    // AWS sends this type, without a message, for an operation it does not know; the local stage
    // also sends it for real SSM operations it does not emulate, and says so.
    throw new AwsError(
      400,
      'UnknownOperationException',
      `[local stage] SSM operation ${operation} is not emulated; the local stage serves ${Object.keys(OPERATIONS).join(', ')}`,
    );
  }
  return run(store, input, ctx);
}

/** SSM answers a missing parameter with this type and no message. */
function parameterNotFound(): AwsError {
  return new AwsError(400, 'ParameterNotFound', '');
}

function getParameter(
  store: ParameterStore,
  input: Record<string, unknown>,
  ctx: SsmContext,
): Record<string, unknown> {
  const given = requireString(input, 'Name');
  const found = resolve(store, given, ctx);
  if (!found) throw parameterNotFound();
  return { Parameter: parameterShape(found.parameter, found.selector, decrypts(input), ctx) };
}

function getParameters(
  store: ParameterStore,
  input: Record<string, unknown>,
  ctx: SsmContext,
): Record<string, unknown> {
  const names = input.Names;
  if (!Array.isArray(names) || names.length === 0)
    throw memberError('names', names, 'Member must not be null');
  if (names.some((name) => typeof name !== 'string')) {
    throw new AwsError(400, 'SerializationException', 'Names must be a list of strings');
  }
  if (names.length > 10)
    throw memberError('names', names, 'Member must have length less than or equal to 10');
  const parameters: Record<string, unknown>[] = [];
  const invalid: string[] = [];
  for (const given of new Set(names as string[])) {
    const found = safeResolve(store, given, ctx);
    if (found) parameters.push(parameterShape(found.parameter, found.selector, decrypts(input), ctx));
    else invalid.push(given);
  }
  return { Parameters: parameters, InvalidParameters: invalid };
}

const MAX_RESULTS_BY_PATH = 10;

function getParametersByPath(
  store: ParameterStore,
  input: Record<string, unknown>,
  ctx: SsmContext,
): Record<string, unknown> {
  const path = requireString(input, 'Path');
  assertValidPath(path);
  const filters = input.ParameterFilters;
  if (Array.isArray(filters) && filters.length > 0) {
    throw new AwsError(
      400,
      'ValidationException',
      '[local stage] ParameterFilters are not emulated; filter the results instead',
    );
  }
  const maxResults = optional(input, 'MaxResults', 'number') ?? MAX_RESULTS_BY_PATH;
  if (maxResults < 1)
    throw memberError('maxResults', maxResults, 'Member must have value greater than or equal to 1');
  if (maxResults > MAX_RESULTS_BY_PATH) {
    throw memberError('maxResults', maxResults, 'Member must have value less than or equal to 10');
  }
  const all = store.byPath(path, optional(input, 'Recursive', 'boolean') ?? false);
  const after = tokenPosition(optional(input, 'NextToken', 'string'));
  const remaining = after === undefined ? all : all.filter((parameter) => parameter.name > after);
  const page = remaining.slice(0, maxResults);
  const last = page.at(-1);
  return {
    Parameters: page.map((parameter) => parameterShape(parameter, undefined, decrypts(input), ctx)),
    ...(remaining.length > page.length && last ? { NextToken: nextToken(last.name) } : {}),
  };
}

function deleteParameter(
  store: ParameterStore,
  input: Record<string, unknown>,
  ctx: SsmContext,
): Record<string, unknown> {
  const { name } = servedReference(requireString(input, 'Name'), ctx);
  assertQualified(name);
  if (!store.delete(name)) throw parameterNotFound();
  return {};
}

/** A NextToken names the last parameter returned, so pages stay right while parameters are added. */
function nextToken(lastName: string): string {
  return Buffer.from(JSON.stringify({ after: lastName })).toString('base64url');
}

function tokenPosition(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  try {
    const { after } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after: unknown };
    if (typeof after === 'string') return after;
  } catch {
    // refused below
  }
  throw new AwsError(400, 'InvalidNextToken', "The specified token isn't valid.");
}

/**
 * Finds the parameter a `Name` refers to. A `:version` selector must name the latest version (the
 * store keeps no history); a `:label` selector finds nothing, as the local stage keeps no labels.
 */
function resolve(
  store: ParameterStore,
  given: string,
  ctx: SsmContext,
): { parameter: Parameter; selector?: string } | undefined {
  const { name, selector } = servedReference(given, ctx);
  assertQualified(name);
  const parameter = store.get(name);
  if (!parameter || selector === undefined) return parameter && { parameter };
  const version = selector.slice(1);
  if (!/^\d+$/.test(version)) return undefined;
  if (Number(version) !== parameter.version) {
    throw new AwsError(
      400,
      'ParameterVersionNotFound',
      `Systems Manager could not find version ${version} of ${name}. Verify the version and try again.`,
    );
  }
  return { parameter, selector };
}

/**
 * A reference this stage may answer from its store. IAM already refuses an ARN of another account or
 * region; this keeps such an ARN from ever being served from this account's parameters.
 */
function servedReference(given: string, ctx: SsmContext): ParameterReference {
  const reference = parseReference(given);
  if (isServedHere(reference, ctx)) return reference;
  throw new AwsError(
    400,
    'ValidationException',
    `[local stage] ${given} names a parameter of another account or region; the local stage serves only its own.`,
  );
}

/** GetParameters lists what it cannot return in `InvalidParameters` rather than failing. */
function safeResolve(store: ParameterStore, given: string, ctx: SsmContext): ReturnType<typeof resolve> {
  try {
    return resolve(store, given, ctx);
  } catch (error) {
    if (error instanceof AwsError && error.errorType === 'ParameterVersionNotFound') return undefined;
    throw error;
  }
}

function decrypts(input: Record<string, unknown>): boolean {
  return optional(input, 'WithDecryption', 'boolean') ?? false;
}

/**
 * A parameter as SSM returns it. `LastModifiedDate` is epoch seconds, the AWS JSON protocol's
 * timestamp format. A SecureString read without `WithDecryption` returns an opaque base64 blob in
 * place of its value, as SSM returns the ciphertext (here an encoding, not encryption).
 */
function parameterShape(
  parameter: Parameter,
  selector: string | undefined,
  withDecryption: boolean,
  ctx: SsmContext,
): Record<string, unknown> {
  const hidden = parameter.type === 'SecureString' && !withDecryption;
  return {
    Name: parameter.name,
    Type: parameter.type,
    Value: hidden
      ? Buffer.from(`local-stage-ciphertext:${parameter.keyId}:${parameter.value}`).toString('base64')
      : parameter.value,
    Version: parameter.version,
    ...(selector === undefined ? {} : { Selector: selector }),
    LastModifiedDate: parameter.lastModifiedDate.getTime() / 1000,
    ARN: parameterArn(parameter.name, ctx.region, ctx.accountId),
    DataType: parameter.dataType,
  };
}
