/**
 * IAM as the local stage enforces it: one engine (`decide`) over identity-based policies, permissions
 * boundaries and resource policies; the request context AWS builds; AWS's denial messages; the action
 * and resource each call needs; and the access report.
 */
export {
  AccessRecorder,
  type AccessReport,
  type Denial,
  formatAccessReport,
  type ResourcePolicyAccess,
  type RoleAccess,
  type StatementUsage,
} from './access-report';
export { dynamodbAuthorizations, executeApiArn, ssmAuthorizations } from './authorizations';
export { awsManagedPolicy, isAwsManagedPolicyArn } from './aws-managed-policies';
export {
  ANONYMOUS,
  type AuthorizationDecision,
  type AuthorizationInput,
  decide,
  type PolicyType,
  type PrincipalUnderEvaluation,
  type ResourcePolicy,
  type TypedStatementRef,
  type TypedUnevaluable,
} from './decide';
export {
  type Decision,
  evaluate,
  type RequestToAuthorize,
  type StatementRef,
  type UnevaluableStatement,
} from './evaluate';
export { accessDeniedMessage, describeStatement } from './messages';
export { type RequestContext, type RequestContextInput, requestContext } from './request-context';
export { type RestApiOwner, restApiPolicy } from './rest-api-policy';
