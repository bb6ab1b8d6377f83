import { asArray, type PolicyStatement, resourcesOfType, type Template } from './template';

const LAMBDA_LOG_GROUP_PREFIX = '/aws/lambda/';
// What the Serverless Framework grants every function role: its CloudWatch Logs actions on
// `log-group:/aws/lambda/{service}-{stage}*:*` (and `…*:*:*` for PutLogEvents). The trailing `*`
// after the stage also matches every longer stage: orders-dev's role could write to the log groups
// of orders-dev2 and orders-dev-old.
const PREFIX_GRANT = /:log-group:\/aws\/lambda\/[^*:]+\*(:\*(?::\*)?)$/;

/**
 * Replaces the Serverless Framework's prefix wildcard on Lambda log groups with the exact log
 * groups of this template's functions, so a stage's role can write only its own functions' logs.
 * CloudWatch Logs authorizes CreateLogStream on `arn:…:log-group:{name}:*` and PutLogEvents on
 * `arn:…:log-group:{name}:log-stream:{stream}` (Service Authorization Reference, CloudWatch Logs).
 * Returns the number of grants rewritten.
 *
 * @example
 * exactLogGroupGrants(template); // 2: log-group:/aws/lambda/orders-dev*:* → one ARN per function
 */
export function exactLogGroupGrants(template: Template): number {
  const groups = resourcesOfType(template, 'AWS::Logs::LogGroup')
    .map(([, group]) => group.Properties?.LogGroupName)
    .filter((name): name is string => typeof name === 'string' && name.startsWith(LAMBDA_LOG_GROUP_PREFIX))
    .sort();
  let rewritten = 0;
  for (const statement of roleStatements(template)) {
    let changed = false;
    const next = asArray(statement.Resource).flatMap((resource) => {
      const text = subText(resource);
      const match = text === undefined ? null : PREFIX_GRANT.exec(text);
      if (!text || !match) return [resource];
      changed = true;
      const head = text.slice(0, text.indexOf(':log-group:'));
      return groups.map((group) => ({ 'Fn::Sub': `${head}:log-group:${group}${match[1]}` }));
    });
    if (changed) {
      rewritten += 1;
      statement.Resource = next;
    }
  }
  return rewritten;
}

function roleStatements(template: Template): PolicyStatement[] {
  return resourcesOfType(template, 'AWS::IAM::Role').flatMap(([, role]) =>
    asArray(role.Properties?.Policies as Array<{ PolicyDocument?: { Statement?: unknown } }>).flatMap(
      (policy) => asArray(policy.PolicyDocument?.Statement as PolicyStatement | PolicyStatement[]),
    ),
  );
}

function subText(resource: unknown): string | undefined {
  if (typeof resource === 'string') return resource;
  const sub = (resource as { 'Fn::Sub'?: unknown } | null)?.['Fn::Sub'];
  return typeof sub === 'string' ? sub : undefined;
}
