export { withIntegrationTimeout } from './integration-timeout';
export {
  functionNameFromIntegrationUri,
  type IntegrationTarget,
  lambdaIntegrationTarget,
} from './integration-uri';
export {
  buildProxyEvent,
  matchesBinaryMediaType,
  type ProxyEventIdentity,
  type ProxyEventInput,
  type RestApiProxyEvent,
} from './proxy-event';
export {
  type HttpAnswer,
  INTEGRATION_TIMEOUT_MS,
  type IntegrationResult,
  type IntegrationTimeout,
  toHttpResponse,
} from './proxy-response';
export { deploymentIdFor, extendedRequestIdFor, traceIdFor } from './request-ids';
export { RestApiRouter } from './router';
export type { MatchedRoute, RestApiDefinition, RestApiMethod } from './types';
