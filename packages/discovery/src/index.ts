export {
  createDiscovery,
  type Discovery,
  type DiscoveryOptions,
  getServiceUrl,
  type LookupOptions,
  type SsmGetParameter,
} from './discovery';
export {
  DiscoveryAccessDeniedError,
  DiscoveryConfigError,
  DiscoveryError,
  DiscoveryRequestError,
  DiscoveryTimeoutError,
  InvalidServiceUrlError,
  ServiceNotFoundError,
} from './errors';
export { parseServiceUrl, urlParameterName } from './parameter';
