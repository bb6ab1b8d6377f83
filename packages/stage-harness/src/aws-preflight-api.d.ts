import type { PreflightApi } from './aws-preflight';
/** The runner's credentials: the named profile, or the SDK's default chain (environment, SSO, …). */
export declare const runnerCredentials: (
  profile?: string,
) => import('@aws-sdk/credential-provider-node').MemoizedRuntimeConfigAwsCredentialIdentityProvider;
/**
 * The region of a profile in ~/.aws/config (AWS_PROFILE, or `default` when none is named) as the
 * SDK's region chain reads it; `undefined` when it has none. Asked only when AWS_REGION is unset,
 * so the profile is where the chain looks.
 *
 * @example
 * await profileRegion('team'); // 'eu-west-3'
 */
export declare function profileRegion(profile?: string): Promise<string | undefined>;
/**
 * `PreflightApi` on AWS with the runner's credentials.
 *
 * @example
 * await preflightAws(input, awsPreflightApi('eu-west-1', 'my-profile'));
 */
export declare function awsPreflightApi(region: string, profile?: string): PreflightApi;
