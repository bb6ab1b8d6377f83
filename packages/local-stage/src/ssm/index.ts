/** The local stage's SSM Parameter Store, served over the AWS JSON 1.1 protocol by the front door. */
export { AllowedPatternMatcher, type AllowedPatternMatcherOptions } from './allowed-pattern';
export { handleSsmOperation, type SsmContext } from './operations';
export { parameterArn } from './parameter-names';
export {
  type Parameter,
  ParameterStore,
  type ParameterStoreOptions,
  type ParameterTier,
  type ParameterType,
  type PutOptions,
} from './parameter-store';
