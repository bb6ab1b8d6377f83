import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentials } from '@internal-apis/signed-client';

/**
 * A role's temporary credentials from STS AssumeRole (the local stage's STS or AWS's), or an error
 * naming the role when STS answers without them.
 *
 * @example await assumeRole(new STSClient({ region }), 'arn:aws:iam::123456789012:role/orders-dev-us-east-1-lambdaRole', 'integration-suite');
 */
export async function assumeRole(
  sts: STSClient,
  roleArn: string,
  sessionName: string,
): Promise<AwsCredentials> {
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName }),
  );
  if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey)
    throw new Error(`AssumeRole ${roleArn} returned no credentials`);
  return {
    accessKeyId: Credentials.AccessKeyId,
    secretAccessKey: Credentials.SecretAccessKey,
    sessionToken: Credentials.SessionToken,
  };
}
