/**
 * The CloudFormation side of the local stage: load what `serverless package` wrote, resolve template
 * parameters and intrinsic functions, and order resources and stacks for provisioning.
 */
export { type ResolveContext, resolveValue, type ValueLocation } from './intrinsics';
export { loadPackagedStack } from './load';
export { provisioningOrder } from './order';
export { type ResolvedOutputs, resolveOutputs } from './outputs';
export { type ResolveParametersOptions, resolveParameters } from './parameters';
export { type StackOrderOptions, stackOrder } from './stacks';
export type {
  PackagedStack,
  ParameterValues,
  Template,
  TemplateOutput,
  TemplateParameter,
  TemplateResource,
} from './template';
