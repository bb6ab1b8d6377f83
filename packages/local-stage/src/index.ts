export { type AccessDenial, AccessDeniedError, AwsError, LocalStageError, TemplateError } from './errors';
export type { AuditedDecision, RequestAudit } from './front-door/request-audit';
export type { RequestEvent, RequestObserver } from './front-door/request-events';
export type { AccessReport } from './iam/access-report';
export { requestLine, showsRequest, type Verbosity } from './request-lines';
export { DEFAULTS, LocalStage, type LocalStageOptions } from './stage';
export {
  findRunningStage,
  type RunningStage,
  roleProfileName,
  type StageDescription,
  type StageRoute,
  StateDirInUseError,
} from './stage-files';
export type { Credentials, IssuedKey, Principal, ReceivedRequest } from './types';
