import { type CredentialsProvider, credentialsFor } from './credentials';
import { stageTarget } from './target';

/** What an AWS SDK v3 client needs to reach the stage's SSM or DynamoDB as someone. */
export interface AwsClientConfig {
  region: string;
  credentials: CredentialsProvider;
  /** The local stage's front door; absent on AWS, where the SDK's default endpoint is right. */
  endpoint?: string;
}

/**
 * Configuration for an SDK client that talks to the stage as the runner or as a service's role:
 * the front door on the local stage, AWS itself otherwise.
 *
 * @example
 * const ssm = new SSMClient(awsClientConfig());
 * const { Parameter } = await ssm.send(new GetParameterCommand({ Name: `/${stageTarget().stage}/users/url` }));
 */
export function awsClientConfig(as: 'runner' | { service: string } = 'runner'): AwsClientConfig {
  const target = stageTarget();
  const config = { region: target.region, credentials: credentialsFor(as) };
  return target.kind === 'local' ? { ...config, endpoint: target.endpoint } : config;
}
