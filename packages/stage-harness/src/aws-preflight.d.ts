/** The test principal's role session names: the only ones the opt-in trust statement allows. */
export declare const sessionNameFor: (stage: string) => string;
/** What the pre-flight asks AWS; injected so tests pass fakes. */
export interface PreflightApi {
  /** STS GetCallerIdentity with the runner's credentials (needs no permission). */
  callerIdentity(): Promise<{
    account: string;
    arn: string;
  }>;
  parameterExists(name: string): Promise<boolean>;
  /** Tries STS AssumeRole; resolves `undefined` when allowed, else AWS's message. */
  assumeRoleRefusal(roleArn: string, sessionName: string): Promise<string | undefined>;
}
export interface AwsStageInput {
  stage: string;
  region: string;
  profile?: string;
  /** The services the suite calls; each must be deployed and its role assumable. */
  services: string[];
}
export interface AwsStageIdentity {
  accountId: string;
  partition: string;
  callerArn: string;
}
/**
 * The AWS region for the suite: `--region` (passed on as AWS_REGION), `AWS_REGION`,
 * `AWS_DEFAULT_REGION`, then the profile's `region` in ~/.aws/config. None is an error: a
 * guessed region would find no stage and fail every test.
 *
 * @example
 * await resolveRegion({ AWS_DEFAULT_REGION: 'eu-west-1' }, async () => undefined); // 'eu-west-1'
 */
export declare function resolveRegion(
  env: NodeJS.ProcessEnv,
  profileRegion: () => Promise<string | undefined>,
): Promise<string>;
/**
 * Checks, before any test runs, that the suite can work against a deployed stage: credentials that
 * AWS accepts, every service's URL published in SSM, and every service role assumable by the
 * runner (the opt-in trust statement, TEST_PRINCIPAL_ARN at deploy time). Throws one
 * `PreflightError` listing every problem with what to do; resolves who the runner is.
 *
 * @example
 * const { accountId, partition } = await preflightAws({ stage: 'dev', region: 'eu-west-1', services }, api);
 */
export declare function preflightAws(input: AwsStageInput, api: PreflightApi): Promise<AwsStageIdentity>;
/**
 * The ARN a trust policy can name for the caller: an assumed-role session becomes its role (IAM
 * does not accept session ARNs as principals in trust policies); users and roots stay as they are.
 *
 * @example
 * trustablePrincipal('arn:aws:sts::123456789012:assumed-role/Developer/alice'); // 'arn:aws:iam::123456789012:role/Developer'
 */
export declare function trustablePrincipal(callerArn: string): string;
