export { CodeStore, extractZip } from './code-store';
export { locateHandler, splitHandler } from './handler-location';
export { functionArn, lambdaEnvironment, newLogStreamName } from './lambda-environment';
export { DEFAULT_IDLE_TIMEOUT_MS, defaultEnvironmentsPerFunction, LambdaRuntime } from './runtime';
export type { FunctionDefinition, InvokeFailure, InvokeResult, LambdaRuntimeOptions } from './types';
