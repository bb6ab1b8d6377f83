/** IAM as the local stage enforces it: identity-policy evaluation, AWS's denial messages, the action and resource each call needs, and the access report. */
export {
  AccessRecorder,
  type AccessReport,
  type Denial,
  formatAccessReport,
  type RoleAccess,
  type StatementUsage,
} from './access-report';
export { dynamodbAuthorizations, executeApiArn, ssmAuthorizations } from './authorizations';
export {
  type Decision,
  evaluate,
  type RequestToAuthorize,
  type StatementRef,
  type UnevaluableStatement,
} from './evaluate';
export { accessDeniedMessage, describeStatement } from './messages';
