import { LocalStageError } from '../errors';
import type { Decision, StatementRef, UnevaluableStatement } from './evaluate';

/**
 * The message AWS sends when identity policies refuse a request, followed, where the local stage
 * could not evaluate a condition, by a sentence of its own that starts with `[local stage]`.
 *
 * AWS's wording, by protocol:
 * - API Gateway (`{"Message": …}`): `User: {arn} is not authorized to perform: execute-api:Invoke on
 *   resource: {arn}`, ending ` with an explicit deny` when a Deny matched;
 * - JSON-protocol services (ssm, dynamodb): the same sentence ending ` because no identity-based policy
 *   allows the {action} action`, or ` with an explicit deny in an identity-based policy`.
 *
 * @example
 * accessDeniedMessage('arn:aws:sts::000000000000:assumed-role/orders-role/orders-local-createOrder', 'ssm:GetParameter',
 *   'arn:aws:ssm:us-east-1:000000000000:parameter/local/users/url', { effect: 'ImplicitDeny', unevaluableConditions: [] }, 'json');
 * // 'User: arn:…/orders-local-createOrder is not authorized to perform: ssm:GetParameter on resource: arn:…:parameter/local/users/url because no identity-based policy allows the ssm:GetParameter action'
 */
export function accessDeniedMessage(
  principalArn: string,
  action: string,
  resource: string,
  decision: Decision,
  style: 'execute-api' | 'json',
): string {
  if (decision.effect === 'Allow')
    throw new LocalStageError(`${action} on ${resource} was allowed, not denied`);
  const base = `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource}`;
  const aws = `${base}${awsEnding(action, decision.effect, style)}`;
  const note = localStageNote(decision);
  return note ? `${aws}. ${note}` : aws;
}

function awsEnding(
  action: string,
  effect: 'ExplicitDeny' | 'ImplicitDeny',
  style: 'execute-api' | 'json',
): string {
  if (effect === 'ExplicitDeny') {
    return style === 'json' ? ' with an explicit deny in an identity-based policy' : ' with an explicit deny';
  }
  return style === 'json' ? ` because no identity-based policy allows the ${action} action` : '';
}

/** The local stage's own sentence about conditions it could not evaluate; empty when there were none. */
function localStageNote(decision: Exclude<Decision, { effect: 'Allow' }>): string {
  const unevaluable = decision.unevaluableConditions ?? [];
  if (unevaluable.length === 0) return '';
  const consequence =
    decision.effect === 'ExplicitDeny'
      ? 'A Deny statement it cannot evaluate is applied as if it matched.'
      : 'An Allow statement it cannot evaluate grants nothing.';
  return `[local stage] Could not evaluate ${unevaluable.map(describeUnevaluable).join('; ')}. ${consequence}`;
}

function describeUnevaluable({ statement, reason }: UnevaluableStatement): string {
  return `${describeStatement(statement)} (${reason})`;
}

/**
 * How reports and messages name a statement.
 *
 * @example
 * describeStatement({ policyName: 'orders-lambda', index: 1, sid: 'ReadUsersUrl' }); // 'statement 1 "ReadUsersUrl" of policy orders-lambda'
 */
export function describeStatement(ref: StatementRef): string {
  return `statement ${ref.index}${ref.sid ? ` "${ref.sid}"` : ''} of policy ${ref.policyName}`;
}
