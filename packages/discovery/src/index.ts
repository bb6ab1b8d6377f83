export {
  createDiscovery,
  type Discovery,
  type DiscoveryOptions,
  getServiceUrl,
  type SsmGetParameter,
} from './discovery';
export {
  DiscoveryAccessDeniedError,
  DiscoveryConfigError,
  DiscoveryError,
  DiscoveryRequestError,
  InvalidServiceUrlError,
  ServiceNotFoundError,
} from './errors';
export { parseServiceUrl, urlParameterName } from './parameter';
