import type { Statement } from '../types';
import { parseArn } from './arns';
import { type ConditionContext, conditionContext, evaluateConditions, singleValue } from './conditions';
import { listOf, type RequestToAuthorize } from './evaluate';
import { substitute, substitutesVariables } from './policy-variables';
import { type CallerChain, matchPrincipal } from './principals';
import { parseMethodArn } from './route-arns';
import { actionMatches, arnMatches, stringLike } from './wildcards';

/**
 * The parts of a request a statement can name differently: the principal (resource policies), the
 * action, each part of the resource ARN (for `execute-api`: the API id, stage, verb and path), and
 * each condition.
 */
export type RequestPart =
  | 'principal'
  | 'action'
  | 'partition'
  | 'service'
  | 'region'
  | 'account'
  | 'resource'
  | 'api'
  | 'stage'
  | 'verb'
  | 'path'
  | 'condition';

/** One part where a statement and a request disagree: what the statement says, what the request had. */
export interface Difference {
  part: RequestPart;
  /** The statement's value(s), as written in the policy (after its variables are substituted). */
  statement: string;
  /** The request's value. */
  request: string;
}

/**
 * Where a statement and a request differ, part by part, so an explanation can say "the stage differs:
 * the statement names `prod`, the request `local`". An empty list means the statement applies to the
 * request. Each resource pattern is compared on its own and the closest one is reported.
 *
 * @example
 * statementDifferences({ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: 'arn:aws:execute-api:us-east-1:000000000000:abc123/prod/GET/users/*' },
 *   { action: 'execute-api:Invoke', resource: 'arn:aws:execute-api:us-east-1:000000000000:abc123/local/GET/users/42' }, { version: '2012-10-17' });
 * // [{ part: 'stage', statement: 'prod', request: 'local' }]
 */
export function statementDifferences(
  statement: Statement,
  request: RequestToAuthorize,
  options: { version?: string; caller?: CallerChain } = {},
): Difference[] {
  const variables = substitutesVariables(options.version);
  const context = conditionContext(request.context, request.absentKeys);
  return [
    ...principalDifference(statement, options.caller),
    ...actionDifference(statement, request.action),
    ...resourceDifferences(statement, request.resource, context, variables),
    ...conditionDifferences(statement, context, variables),
  ];
}

function principalDifference(statement: Statement, caller: CallerChain | undefined): Difference[] {
  if (!caller) return [];
  const outcome = matchPrincipal(statement, caller);
  if (outcome.kind === 'match') return [];
  const named = statement.Principal ?? statement.NotPrincipal;
  const prefix = statement.Principal === undefined && statement.NotPrincipal !== undefined ? 'all but ' : '';
  return [
    { part: 'principal', statement: `${prefix}${JSON.stringify(named ?? 'nobody')}`, request: caller.arn },
  ];
}

function actionDifference(statement: Statement, action: string): Difference[] {
  if (statement.Action !== undefined) {
    const patterns = listOf(statement.Action);
    if (patterns.some((pattern) => actionMatches(pattern, action))) return [];
    return [{ part: 'action', statement: patterns.join(', '), request: action }];
  }
  const excluded = listOf(statement.NotAction);
  if (statement.NotAction !== undefined && !excluded.some((pattern) => actionMatches(pattern, action)))
    return [];
  return [{ part: 'action', statement: `any action but ${excluded.join(', ')}`, request: action }];
}

function resourceDifferences(
  statement: Statement,
  resource: string,
  context: ConditionContext,
  variables: boolean,
): Difference[] {
  const negated = statement.Resource === undefined;
  const patterns = listOf(negated ? statement.NotResource : statement.Resource).map((pattern) => {
    if (!variables) return pattern;
    const resolved = substitute(pattern, (key) => singleValue(context, key));
    return resolved.ok ? resolved.value : pattern;
  });
  if (negated) {
    if (statement.NotResource !== undefined && !patterns.some((pattern) => arnMatches(pattern, resource)))
      return [];
    return [{ part: 'resource', statement: `any resource but ${patterns.join(', ')}`, request: resource }];
  }
  if (patterns.length === 0) return [{ part: 'resource', statement: '(none)', request: resource }];
  let closest: Difference[] | undefined;
  for (const pattern of patterns) {
    if (arnMatches(pattern, resource)) return [];
    const differences = arnDifferences(pattern, resource);
    if (!closest || differences.length < closest.length) closest = differences;
  }
  return closest ?? [];
}

/** The ARN parts where a pattern and a resource differ; the whole resource when they cannot be split. */
function arnDifferences(pattern: string, resource: string): Difference[] {
  const whole: Difference[] = [{ part: 'resource', statement: pattern, request: resource }];
  const want = parseArn(resource);
  const have = parsePattern(pattern);
  if (!want || !have) return whole;
  const differences: Difference[] = [];
  const compare = (part: RequestPart, patternPart: string, actual: string) => {
    if (!stringLike(patternPart, actual)) differences.push({ part, statement: patternPart, request: actual });
  };
  compare('partition', have.partition, want.partition);
  compare('service', have.service, want.service);
  compare('region', have.region, want.region);
  compare('account', have.account, want.account);
  if (want.service === 'execute-api' && have.service === 'execute-api') {
    differences.push(...methodArnDifferences(have.resource, want.resource));
  } else if (!arnMatches(have.resource, want.resource)) {
    differences.push({ part: 'resource', statement: have.resource, request: want.resource });
  }
  // Segment by segment says nothing useful when the whole pattern is unlike the resource.
  return differences.length > 0 ? differences : whole;
}

/** An ARN pattern's parts; a short pattern ending in `*` (`arn:aws:execute-api:*`) covers the rest. */
function parsePattern(pattern: string) {
  const parts = pattern.split(':');
  if (parts[0] !== 'arn') return undefined;
  if (parts.length < 6) {
    if (!pattern.endsWith('*')) return undefined;
    while (parts.length < 6) parts.push('*');
  }
  const [, partition = '', service = '', region = '', account = '', ...resource] = parts;
  return { partition, service, region, account, resource: resource.join(':') };
}

/**
 * `{apiId}/{stage}/{VERB}/{path}` against a pattern of the same shape. A pattern part ending in `*` that
 * is the pattern's last covers everything after it, as IAM's `*` spans slashes.
 */
function methodArnDifferences(pattern: string, resource: string): Difference[] {
  const want = parseMethodArn(`arn:aws:execute-api:r:a:${resource}`);
  if (!want) return [{ part: 'resource', statement: pattern, request: resource }];
  const parts = pattern.split('/');
  const actual = [want.apiId, want.stage, want.verb];
  const names: RequestPart[] = ['api', 'stage', 'verb'];
  const differences: Difference[] = [];
  for (let index = 0; index < 3; index += 1) {
    const part = parts[index];
    const name = names[index] as RequestPart;
    if (part === undefined) {
      differences.push({ part: name, statement: '(none)', request: actual[index] ?? '' });
      continue;
    }
    if (index === parts.length - 1 && part.endsWith('*')) {
      const rest = [want.apiId, want.stage, want.verb, want.path].slice(index).join('/');
      if (!arnMatches(part, rest))
        differences.push({ part: name, statement: part, request: actual[index] ?? '' });
      return differences;
    }
    if (!stringLike(part, actual[index] ?? ''))
      differences.push({ part: name, statement: part, request: actual[index] ?? '' });
  }
  const patternPath = parts.slice(3).join('/');
  if (!arnMatches(patternPath, want.path))
    differences.push({ part: 'path', statement: `/${patternPath}`, request: `/${want.path}` });
  return differences;
}

/** Each operator and key of the `Condition` block on its own: those that do not hold for this request. */
function conditionDifferences(
  statement: Statement,
  context: ConditionContext,
  variables: boolean,
): Difference[] {
  const differences: Difference[] = [];
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    for (const [key, value] of Object.entries(keys ?? {})) {
      const outcome = evaluateConditions({ [operator]: { [key]: value } }, context, variables);
      if (outcome.kind === 'true') continue;
      const requestValue = context.values.get(key.toLowerCase());
      differences.push({
        part: 'condition',
        statement: `${operator} ${key} ${JSON.stringify(value)}`,
        request:
          outcome.kind === 'unevaluable'
            ? `[local stage] ${outcome.reasons.join('; ')}`
            : requestValue === undefined
              ? `${key} is absent from this request`
              : `${key} is ${requestValue.length === 1 ? JSON.stringify(requestValue[0]) : JSON.stringify(requestValue)}`,
      });
    }
  }
  return differences;
}
