import { LocalStageError } from '../errors';
import type { PolicyDocument, PolicyPrincipal, Statement } from '../types';

/** The REST API a resource policy belongs to: what its `execute-api:/…` shorthand expands to. */
export interface RestApiOwner {
  region: string;
  accountId: string;
  apiId: string;
}

/** API Gateway's answer to a policy it cannot accept (CreateRestApi / UpdateRestApi). */
const INVALID =
  'Invalid policy document. Please check the policy syntax and ensure that Principals are valid.';

/**
 * A REST API's `Policy` property as API Gateway stores it, or `undefined` when it has none (serverless
 * writes `Policy: ''` for an API without `provider.apiGateway.resourcePolicy`). CloudFormation takes
 * the document as an object or a JSON string. API Gateway expands the abbreviated resources
 * `execute-api:/{stage}/{VERB}/{path}` and `execute-api:/*` to the API's full ARN when it saves the
 * policy ("Access policy language overview for Amazon API Gateway"); a statement must name its
 * principals, and a principal must be one IAM accepts, or API Gateway refuses the whole policy.
 *
 * @example
 * restApiPolicy({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' }] },
 *   { region: 'us-east-1', accountId: '000000000000', apiId: 'abc123' })?.Statement;
 * // [{ Effect: 'Deny', Principal: '*', Action: 'execute-api:Invoke', Resource: 'arn:aws:execute-api:us-east-1:000000000000:abc123/*' }]
 */
export function restApiPolicy(value: unknown, owner: RestApiOwner): PolicyDocument | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const document = typeof value === 'string' ? parseJson(value) : value;
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new LocalStageError(`${INVALID} (the policy is not a JSON object)`);
  }
  const { Statement: statements, ...rest } = document as Partial<PolicyDocument>;
  if (statements === undefined) throw new LocalStageError(`${INVALID} (the policy has no Statement)`);
  const list = Array.isArray(statements) ? statements : [statements];
  return { ...rest, Statement: list.map((statement, index) => expanded(statement, index, owner)) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new LocalStageError(`${INVALID} (the policy is not valid JSON)`, { cause: error });
  }
}

function expanded(statement: Statement, index: number, owner: RestApiOwner): Statement {
  const problem = statementProblem(statement);
  if (problem) throw new LocalStageError(`${INVALID} (statement ${index} ${problem})`);
  const copy: Statement = { ...statement };
  if (copy.Resource !== undefined) copy.Resource = expandResources(copy.Resource, owner);
  if (copy.NotResource !== undefined) copy.NotResource = expandResources(copy.NotResource, owner);
  return copy;
}

function statementProblem(statement: Statement): string | undefined {
  if (typeof statement !== 'object' || statement === null) return 'is not an object';
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') return 'needs Effect Allow or Deny';
  const principal = statement.Principal ?? statement.NotPrincipal;
  if (principal === undefined) return 'names no Principal or NotPrincipal';
  const invalid = invalidPrincipal(principal);
  if (invalid) return `has an invalid principal: ${invalid}`;
  if (statement.Action === undefined && statement.NotAction === undefined) return 'names no Action';
  if (statement.Resource === undefined && statement.NotResource === undefined) return 'names no Resource';
  return undefined;
}

/** "AWS JSON policy elements: Principal": `*`, an account, or a full role, user or session ARN, never a partial wildcard. */
function invalidPrincipal(principal: PolicyPrincipal): string | undefined {
  if (principal === '*') return undefined;
  if (typeof principal !== 'object' || principal === null || Array.isArray(principal))
    return String(principal);
  for (const value of [principal.AWS ?? []].flat().map(String)) {
    const ok =
      value === '*' ||
      /^\d{12}$/.test(value) ||
      /^A[A-Z]{3}[A-Z0-9]{12,}$/.test(value) ||
      /^arn:[^:*?]+:(iam|sts)::\d{12}:[^*?]+$/.test(value);
    if (!ok) return value;
  }
  return undefined;
}

function expandResources(resources: string | string[], owner: RestApiOwner): string | string[] {
  const expand = (resource: string) =>
    resource.startsWith('execute-api:/')
      ? `arn:aws:execute-api:${owner.region}:${owner.accountId}:${owner.apiId}/${resource.slice('execute-api:/'.length)}`
      : resource;
  return Array.isArray(resources) ? resources.map(expand) : expand(resources);
}
