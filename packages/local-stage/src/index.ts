export { AwsError, LocalStageError, TemplateError } from './errors';
export type { AuditedDecision, RequestAudit } from './front-door/request-audit';
export type { AccessReport } from './iam/access-report';
export { DEFAULTS, LocalStage, type LocalStageOptions } from './stage';
export type { StageDescription } from './stage-files';
export type { Credentials, IssuedKey, Principal, ReceivedRequest } from './types';
