export { withIntegrationTimeout } from './integration-timeout';
export {
  functionNameFromIntegrationUri,
  type IntegrationTarget,
  lambdaIntegrationTarget,
} from './integration-uri';
export {
  checkHeaderSize,
  checkMethodArnLength,
  checkUrlLength,
  endpointTypeOf,
  MAX_HEADER_BYTES,
  MAX_METHOD_ARN_BYTES,
  MAX_URL_CHARACTERS,
} from './limits';
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
export { deploymentIdFor, type RequestIds, requestIdsFor } from './request-ids';
export { type GatewayPath, gatewayPath } from './request-path';
export { resourcePaths } from './resource-paths';
export { RestApiRouter } from './router';
export type { EndpointType, MatchedRoute, RestApiDefinition, RestApiMethod } from './types';
