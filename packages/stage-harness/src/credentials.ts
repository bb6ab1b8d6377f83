import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentials } from '@internal-apis/signed-client';
import { assumeRole } from './assume-role';
import { lambdaRoleName, sessionNameFor } from './aws-preflight';
import { runnerCredentials } from './aws-preflight-api';
import { type StageTarget, stageTarget } from './target';

export type CredentialsProvider = () => Promise<AwsCredentials>;

/**
 * Credentials to call as: the runner (the local developer, or your AWS profile), or a service's Lambda
 * role, so a test calls exactly as that service's functions do.
 *
 * On AWS, calling as a role assumes `{service}-{stage}-{region}-lambdaRole`, which needs that role's
 * trust policy to allow your principal: deploy the stage with TEST_PRINCIPAL_ARN (see the README).
 */
export function credentialsFor(as: 'runner' | { service: string } = 'runner'): CredentialsProvider {
  const target = stageTarget();
  if (target.kind === 'local') {
    const credentials = as === 'runner' ? target.developer : target.roles[localRoleOf(target, as.service)];
    if (!credentials) throw new Error(`No credentials for ${JSON.stringify(as)} on the local stage`);
    return async () => credentials;
  }
  const runner = runnerCredentials(target.profile);
  if (as === 'runner') return runner;
  return assumeLambdaRole(target, as.service, runner);
}

function localRoleOf(target: Extract<StageTarget, { kind: 'local' }>, service: string): string {
  const role = target.services[service]?.roles[0];
  if (!role) throw new Error(`The local stage has no service ${service} with a role`);
  return role;
}

/**
 * The name of a service's Lambda role: what the local stage provisioned, or the role the Serverless
 * Framework names `{service}-{stage}-{region}-lambdaRole` on AWS. Denials name it in their ARN.
 *
 * @example roleNameOf('orders'); // 'orders-dev-us-east-1-lambdaRole' on AWS
 */
export function roleNameOf(service: string): string {
  const target = stageTarget();
  if (target.kind === 'local') return localRoleOf(target, service);
  return lambdaRoleName(service, target.stage, target.region);
}

function assumeLambdaRole(
  target: Extract<StageTarget, { kind: 'aws' }>,
  service: string,
  runner: CredentialsProvider,
): CredentialsProvider {
  const sts = new STSClient({ region: target.region, credentials: runner });
  let cached: Promise<AwsCredentials> | undefined;
  return () => {
    cached ??= assumeRole(
      sts,
      `arn:${target.partition}:iam::${target.accountId}:role/${roleNameOf(service)}`,
      sessionNameFor(target.stage),
    );
    return cached;
  };
}
