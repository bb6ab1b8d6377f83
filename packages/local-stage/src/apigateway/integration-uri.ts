import { LocalStageError } from '../errors';

/** The Lambda function an `AWS_PROXY` integration calls, from its URI. */
export interface IntegrationTarget {
  region: string;
  accountId: string;
  functionName: string;
  /** An alias or version after the name, when the ARN carries one. */
  qualifier?: string;
}

const LAMBDA_INTEGRATION_URI =
  /^arn:aws[\w-]*:apigateway:[\w-]+:lambda:path\/2015-03-31\/functions\/arn:aws[\w-]*:lambda:([\w-]+):(\d{12}):function:([\w-]+)(?::([\w$-]+))?\/invocations$/;

/**
 * Parses the Lambda ARN inside an integration URI.
 *
 * @example
 * lambdaIntegrationTarget(
 *   'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:users-local-getUser/invocations',
 * ); // { region: 'us-east-1', accountId: '000000000000', functionName: 'users-local-getUser' }
 */
export function lambdaIntegrationTarget(uri: string): IntegrationTarget {
  const match = LAMBDA_INTEGRATION_URI.exec(uri);
  if (!match?.[1] || !match[2] || !match[3]) {
    throw new LocalStageError(`Integration URI ${uri} does not invoke a Lambda function`);
  }
  const [, region, accountId, functionName, qualifier] = match;
  return { region, accountId, functionName, ...(qualifier ? { qualifier } : {}) };
}

/**
 * The name of the function an integration URI invokes.
 *
 * @example
 * functionNameFromIntegrationUri(
 *   'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:users-local-getUser/invocations',
 * ); // 'users-local-getUser'
 */
export function functionNameFromIntegrationUri(uri: string): string {
  return lambdaIntegrationTarget(uri).functionName;
}
