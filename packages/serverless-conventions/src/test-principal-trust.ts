import { asArray, type PolicyStatement, resourcesOfType, type Template } from './template';

/** A principal that IAM accepts in a trust policy: an account root, a user or a role. */
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(?:root|user\/[\w+=,.@/-]+|role\/[\w+=,.@/-]+)$/;

/** The role session names the integration suite uses; the statement allows no other. */
export const TEST_SESSION_NAME_PATTERN = 'integration-suite-*';

export class TestPrincipalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Adds to every function role's trust policy a statement letting `principalArn` assume it, so the
 * integration suite can call a deployed stage exactly as a service's functions do. Opt-in (nothing
 * changes when `principalArn` is empty) and refused on production stages. The role names hold the
 * stage, so the statement exists only on the stage deployed with it; the session name must start
 * with `integration-suite-` (`sts:RoleSessionName`, IAM condition keys for AWS STS), which makes
 * these sessions plain in CloudTrail. Returns the roles changed.
 *
 * @example
 * trustTestPrincipal(template, { principalArn: 'arn:aws:iam::123456789012:role/ci', stage: 'dev', stageKind: 'durable' });
 * // ['IamRoleLambdaExecution']
 */
export function trustTestPrincipal(
  template: Template,
  options: { principalArn: string; stage: string; stageKind: string },
): string[] {
  const principalArn = options.principalArn.trim();
  if (principalArn === '') return [];
  if (options.stageKind === 'production') {
    throw new TestPrincipalError(
      `A test principal (${principalArn}) may not assume roles on production stage ${options.stage}: ` +
        'unset TEST_PRINCIPAL_ARN (or --param testPrincipalArn) for this stage',
    );
  }
  if (!PRINCIPAL_ARN.test(principalArn)) {
    throw new TestPrincipalError(
      `TEST_PRINCIPAL_ARN "${principalArn}" is not an IAM user, role or account root ARN ` +
        '(arn:aws:iam::123456789012:role/name); IAM refuses anything else in a trust policy',
    );
  }
  const statement: PolicyStatement = {
    Sid: 'IntegrationSuiteTestPrincipal',
    Effect: 'Allow',
    Principal: { AWS: principalArn },
    Action: 'sts:AssumeRole',
    Condition: { StringLike: { 'sts:RoleSessionName': TEST_SESSION_NAME_PATTERN } },
  };
  const changed: string[] = [];
  for (const [id, role] of resourcesOfType(template, 'AWS::IAM::Role')) {
    const trust = role.Properties?.AssumeRolePolicyDocument as { Statement?: unknown } | undefined;
    const statements = asArray(trust?.Statement as PolicyStatement | PolicyStatement[]);
    const trustsLambda = statements.some((existing) =>
      JSON.stringify(existing.Principal).includes('lambda.'),
    );
    if (!trust || !trustsLambda) continue;
    trust.Statement = [...statements, statement];
    changed.push(id);
  }
  return changed;
}
