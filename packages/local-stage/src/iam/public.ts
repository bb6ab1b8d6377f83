/**
 * `@internal-apis/local-stage/iam`: the stage's IAM for tests and tools, without running anything.
 * `loadStageIam` reads every service's compiled template; `role(…).can(…)` answers with the same
 * engine as the front door; explanations, run files and the usage report are what `npm run iam` prints.
 */

export { diagnoseSignature, type SignatureCause, type SignatureDiagnosis } from '../sigv4/failure-causes';
export {
  type ApiContract,
  type CallerContract,
  type ContractProblem,
  type ContractsInput,
  checkContracts,
  findClientCalls,
  loadContracts,
} from './contracts';
export type { AuthorizationDecision, PolicyType } from './decide';
export { type Explanation, explainDecision, type Fix, type StatementView } from './explain';
export { formatExplanation } from './explain-format';
export { findRepoRoot, type LoadStageIamOptions, loadStageIam } from './load-stage-iam';
export { type RouteTemplate, routeGrantPath } from './route-arns';
export { findRun, type Run, readRun, runsDir } from './run-file';
export {
  type AccessAnswer,
  type AccessOptions,
  type AccessQuestion,
  ApiIam,
  RoleIam,
  ServiceIam,
  StageIam,
} from './stage-iam';
export { ciFailures, type Finding, type UsageReport, usageReport } from './usage-report';
export { formatUsageReport } from './usage-report-format';
