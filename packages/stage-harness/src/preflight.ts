// The pre-flight on its own, for tools that check a deployed stage without starting the suite.
export { type PreflightApi, preflightAws, resolveRegion, trustablePrincipal } from './aws-preflight';
export { awsPreflightApi, profileRegion } from './aws-preflight-api';
export { PreflightError } from './errors';
