import { SSMClient } from '@aws-sdk/client-ssm';
import { fromIni } from '@aws-sdk/credential-providers';
import { createDiscovery } from '@internal-apis/discovery';
import { stageTarget } from './target';

/**
 * A service's base URL: from the local stage's description, or from SSM (`/{stage}/{service}/url`)
 * on AWS — the same discovery the callers use.
 *
 * @example const usersUrl = await serviceUrl('users');
 */
export async function serviceUrl(service: string): Promise<string> {
  const target = stageTarget();
  if (target.kind === 'local') {
    const url = target.services[service]?.url;
    if (!url) throw new Error(`The local stage has no service ${service}`);
    return url;
  }
  const credentials = target.profile ? fromIni({ profile: target.profile }) : undefined;
  const ssmClient = new SSMClient({ region: target.region, credentials });
  return createDiscovery({ stage: target.stage, ssmClient }).getServiceUrl(service);
}
