export { AwsError, LocalStageError, TemplateError } from './errors';
export { DEFAULTS, LocalStage, type LocalStageOptions } from './stage';
export type { StageDescription } from './stage-files';
export type { Credentials, IssuedKey, Principal, ReceivedRequest } from './types';
