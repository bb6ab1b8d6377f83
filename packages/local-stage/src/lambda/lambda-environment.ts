import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Credentials } from '../types';
import type { FunctionDefinition } from './types';

/** The identity of one execution environment: Lambda gives each its own log stream. */
export interface EnvironmentIdentity {
  taskRoot: string;
  credentials: Credentials;
  logStreamName: string;
}

/**
 * A log stream name as Lambda makes one per execution environment.
 *
 * @example
 * newLogStreamName(new Date('2026-11-25T03:54:51Z')); // '2026/11/25/[$LATEST]4f1c…' (32 hex digits)
 */
export function newLogStreamName(now = new Date()): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

/**
 * The environment variables Lambda gives a function: the template's variables, then the reserved
 * ones Lambda sets (which a template cannot override), plus the front door endpoints. Nothing else
 * from the stage's own environment reaches the function, above all not the developer's AWS_* keys.
 *
 * @example
 * const env = lambdaEnvironment(definition, { taskRoot, credentials, logStreamName: newLogStreamName() });
 * env.AWS_LAMBDA_FUNCTION_NAME; // 'users-local-getUser'
 */
export function lambdaEnvironment(
  fn: FunctionDefinition,
  identity: EnvironmentIdentity,
): Record<string, string> {
  const { credentials } = identity;
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    ...fn.environment,
    AWS_REGION: fn.region,
    AWS_DEFAULT_REGION: fn.region,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: logGroupName(fn),
    AWS_LAMBDA_LOG_STREAM_NAME: identity.logStreamName,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    LAMBDA_TASK_ROOT: identity.taskRoot,
    _HANDLER: fn.handler,
    TZ: ':UTC',
    AWS_ENDPOINT_URL_SSM: fn.endpoints.ssm,
    AWS_ENDPOINT_URL_DYNAMODB: fn.endpoints.dynamodb,
    // Lambda has no ~/.aws; without these the SDK would read the developer's shared config and
    // credentials files (found through the process's home directory, whatever the worker's env says).
    AWS_CONFIG_FILE: path.join(identity.taskRoot, '.no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(identity.taskRoot, '.no-aws-credentials'),
    // The function runs on nodejs22.x in AWS; the local Node standing in for it is not the
    // function's concern, so the SDK's Node-version notice would only be noise in its log.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

export function logGroupName(fn: Pick<FunctionDefinition, 'functionName'>): string {
  return `/aws/lambda/${fn.functionName}`;
}

/** `arn:aws:lambda:{region}:{account}:function:{name}`, as `context.invokedFunctionArn` carries it. */
export function functionArn(fn: Pick<FunctionDefinition, 'region' | 'accountId' | 'functionName'>): string {
  return `arn:aws:lambda:${fn.region}:${fn.accountId ?? '000000000000'}:function:${fn.functionName}`;
}

/** Whether the template's NODE_OPTIONS asks for source maps; a worker takes no other NODE_OPTIONS. */
export function nodeOptionsOf(fn: FunctionDefinition): { enableSourceMaps: boolean; ignored: string[] } {
  const flags = (fn.environment.NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean);
  return {
    enableSourceMaps: flags.includes('--enable-source-maps'),
    ignored: flags.filter((flag) => flag !== '--enable-source-maps'),
  };
}
