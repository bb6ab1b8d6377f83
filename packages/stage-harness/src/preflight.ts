// The pre-flight on its own, for tools that check a deployed stage without starting the suite.
export {
  lambdaRoleName,
  type PreflightApi,
  preflightAws,
  resolveRegion,
  sessionNameFor,
  trustablePrincipal,
} from './aws-preflight';
export { awsPreflightApi, profileRegion } from './aws-preflight-api';
export { PreflightError } from './errors';
