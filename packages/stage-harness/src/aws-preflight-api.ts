import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromIni, fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { PreflightApi } from './aws-preflight';

/** The runner's credentials: the named profile, or the SDK's default chain (environment, SSO, …). */
export const runnerCredentials = (profile?: string) =>
  profile ? fromIni({ profile }) : fromNodeProviderChain();

/**
 * The region of a profile in ~/.aws/config (AWS_PROFILE, or `default` when none is named) as the
 * SDK's region chain reads it; `undefined` when it has none. Asked only when AWS_REGION is unset,
 * so the profile is where the chain looks.
 *
 * @example
 * await profileRegion('team'); // 'eu-west-3'
 */
export async function profileRegion(profile?: string): Promise<string | undefined> {
  try {
    return await new STSClient({ profile }).config.region();
  } catch {
    return undefined;
  }
}

/**
 * `PreflightApi` on AWS with the runner's credentials.
 *
 * @example
 * await preflightAws(input, awsPreflightApi('eu-west-1', 'my-profile'));
 */
export function awsPreflightApi(region: string, profile?: string): PreflightApi {
  const credentials = runnerCredentials(profile);
  const sts = new STSClient({ region, credentials });
  const ssm = new SSMClient({ region, credentials });
  return {
    async callerIdentity() {
      const { Account, Arn } = await sts.send(new GetCallerIdentityCommand({}));
      if (!Account || !Arn) throw new Error('STS GetCallerIdentity returned no identity');
      return { account: Account, arn: Arn };
    },
    async parameterExists(name) {
      try {
        await ssm.send(new GetParameterCommand({ Name: name }));
        return true;
      } catch (error) {
        if ((error as { name?: string }).name === 'ParameterNotFound') return false;
        throw error;
      }
    },
    async assumeRoleRefusal(roleArn, sessionName) {
      try {
        await sts.send(
          new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName, DurationSeconds: 900 }),
        );
        return undefined;
      } catch (error) {
        if ((error as { name?: string }).name !== 'AccessDenied') throw error;
        return error instanceof Error ? error.message : String(error);
      }
    },
  };
}
