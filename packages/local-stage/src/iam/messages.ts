import { LocalStageError } from '../errors';
import type { Statement } from '../types';
import type { AuthorizationDecision, PolicyType, TypedUnevaluable } from './decide';
import type { StatementRef } from './evaluate';

/** How AWS's messages name each kind of policy ("Troubleshoot access denied error messages"). */
const POLICY_TYPE_WORDING: Record<PolicyType, { a: string; no: string }> = {
  identity: { a: 'an identity-based policy', no: 'no identity-based policy' },
  resource: { a: 'a resource-based policy', no: 'no resource-based policy' },
  boundary: { a: 'a permissions boundary', no: 'no permissions boundary' },
};

/**
 * The message AWS sends when IAM refuses a request, followed, where the local stage could not evaluate
 * a condition, by a sentence of its own that starts with `[local stage]`.
 *
 * AWS's wording, by protocol:
 * - API Gateway (`{"Message": …}`): `User: {arn} is not authorized to perform: execute-api:Invoke on
 *   resource: {arn}`, ending ` with an explicit deny` when a Deny applied, whichever policy held it;
 * - JSON-protocol services (ssm, dynamodb): the same sentence ending, per "Troubleshoot access denied
 *   error messages", ` because no {identity-based policy | permissions boundary | resource-based
 *   policy} allows the {action} action`, or ` with an explicit deny in {an identity-based policy | a
 *   permissions boundary | a resource-based policy}`.
 *
 * @example
 * accessDeniedMessage('arn:aws:sts::000000000000:assumed-role/orders-role/orders-local-createOrder', 'ssm:GetParameter',
 *   'arn:aws:ssm:us-east-1:000000000000:parameter/local/users/url', decision, 'json');
 * // 'User: arn:…/orders-local-createOrder is not authorized to perform: ssm:GetParameter on resource: arn:…:parameter/local/users/url because no identity-based policy allows the ssm:GetParameter action'
 */
export function accessDeniedMessage(
  principalArn: string,
  action: string,
  resource: string,
  decision: AuthorizationDecision,
  style: 'execute-api' | 'json',
): string {
  if (decision.effect === 'Allow')
    throw new LocalStageError(`${action} on ${resource} was allowed, not denied`);
  const base = `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource}`;
  const aws = `${base}${awsEnding(action, decision, style)}`;
  const note = localStageNote(decision);
  return note ? `${aws}. ${note}` : aws;
}

function awsEnding(action: string, decision: AuthorizationDecision, style: 'execute-api' | 'json'): string {
  const wording = POLICY_TYPE_WORDING[decision.decidedBy];
  if (decision.effect === 'ExplicitDeny') {
    return style === 'json' ? ` with an explicit deny in ${wording.a}` : ' with an explicit deny';
  }
  return style === 'json' ? ` because ${wording.no} allows the ${action} action` : '';
}

/** The local stage's own sentence about conditions it could not evaluate; empty when there were none. */
function localStageNote(decision: AuthorizationDecision): string {
  const unevaluable = decision.unevaluableConditions;
  if (unevaluable.length === 0) return '';
  const consequence =
    decision.effect === 'ExplicitDeny'
      ? 'A Deny statement it cannot evaluate is applied as if it matched.'
      : 'An Allow statement it cannot evaluate grants nothing.';
  return `[local stage] Could not evaluate ${unevaluable.map(describeUnevaluable).join('; ')}. ${consequence}`;
}

function describeUnevaluable({ statement, reason }: TypedUnevaluable): string {
  return `${describeStatement(statement)} (${reason})`;
}

/**
 * How reports and explanations list the conditions the stage could not evaluate: the statement, then why.
 *
 * @example
 * unevaluableNotes(decision); // ['statement 0 of policy orders-lambda: condition key aws:PrincipalOrgID is not known to the local stage']
 */
export function unevaluableNotes(decision: AuthorizationDecision): string[] {
  return decision.unevaluableConditions.map(
    ({ statement, reason }) => `${describeStatement(statement)}: ${reason}`,
  );
}

/**
 * Why an implicit deny happened, in AWS's words for the policy type that lacked an Allow.
 *
 * @example nothingAllows('boundary'); // 'no permissions boundary allows it'
 */
export function nothingAllows(policyType: PolicyType): string {
  return `${POLICY_TYPE_WORDING[policyType].no} allows it`;
}

const POLICY_KIND: Record<PolicyType, string> = {
  identity: 'policy',
  resource: 'resource policy',
  boundary: 'permissions boundary',
};

/**
 * What a policy of a type is called in reports: `policy`, `resource policy`, `permissions boundary`.
 *
 * @example policyKind('boundary'); // 'permissions boundary'
 */
export function policyKind(policyType: PolicyType): string {
  return POLICY_KIND[policyType];
}

/**
 * How reports and messages name a statement: its index, its `Sid` if any, and its policy.
 *
 * @example
 * describeStatement({ policyName: 'orders-lambda', index: 1, sid: 'ReadUsersUrl' }); // 'statement 1 "ReadUsersUrl" of policy orders-lambda'
 * describeStatement({ policyName: 'Boundary', index: 0, policyType: 'boundary' }); // 'statement 0 of permissions boundary Boundary'
 */
export function describeStatement(ref: StatementRef & { policyType?: PolicyType }): string {
  const kind = POLICY_KIND[ref.policyType ?? 'identity'];
  return `statement ${ref.index}${ref.sid ? ` "${ref.sid}"` : ''} of ${kind} ${ref.policyName}`;
}

/**
 * What a statement says, in one line: its actions (or `any action but …`), its resources (or `any
 * resource but …`), its principal and its conditions.
 *
 * @example
 * summarizeStatement({ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: 'arn:aws:execute-api:us-east-1:000000000000:k3q8/local/GET/users/*' });
 * // 'execute-api:Invoke on arn:aws:execute-api:us-east-1:000000000000:k3q8/local/GET/users/*'
 */
export function summarizeStatement(statement: Statement): string {
  const actions =
    statement.Action !== undefined
      ? listed(statement.Action)
      : `any action but ${listed(statement.NotAction)}`;
  const resources =
    statement.Resource !== undefined
      ? listed(statement.Resource)
      : `any resource but ${listed(statement.NotResource)}`;
  const principal =
    statement.Principal !== undefined
      ? ` for ${JSON.stringify(statement.Principal)}`
      : statement.NotPrincipal !== undefined
        ? ` for all but ${JSON.stringify(statement.NotPrincipal)}`
        : '';
  const conditions = statement.Condition ? ` when ${JSON.stringify(statement.Condition)}` : '';
  return `${actions} on ${resources}${principal}${conditions}`;
}

function listed(value: string | string[] | undefined): string {
  if (value === undefined) return '';
  return Array.isArray(value) ? value.join(', ') : value;
}
