// A region label just left of the AWS domain: `{api}.execute-api.{region}.amazonaws.com`,
// `{service}.{region}.amazonaws.com`, the `.vpce.` private endpoints and the China partition.
const REGION_IN_HOST = /(?:^|\.)([a-z]{2}(?:-[a-z]+)+-\d+)\.(?:vpce\.)?amazonaws\.com(?:\.cn)?$/;

/**
 * The AWS region named in a host, or undefined (custom domains, the local stage on 127.0.0.1).
 *
 * @example
 * regionFromHost('abc123.execute-api.eu-west-1.amazonaws.com'); // 'eu-west-1'
 */
export function regionFromHost(host: string): string | undefined {
  return REGION_IN_HOST.exec(host.toLowerCase())?.[1];
}

/**
 * The region Lambda and the AWS CLI advertise through the environment.
 *
 * @example
 * regionFromEnv({ AWS_REGION: 'eu-west-1' }); // 'eu-west-1'
 */
export function regionFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
}
