/**
 * Checks over a compiled CloudFormation template (what `serverless package` writes), each returning
 * the violations it found as sentences, so a failing test says exactly what to fix.
 */

import {
  asArray,
  type PolicyStatement,
  resourcesOfType,
  type Template,
} from '@internal-apis/serverless-conventions/template';

interface LocatedStatement {
  where: string;
  statement: PolicyStatement;
  /** The logical id of the role, policy or managed policy holding it. */
  holder: string;
}

const HTTP_VERBS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
// API Gateway's IAM actions (Service Authorization Reference, "Amazon API Gateway"): there is no
// per-verb action; the verb is part of the resource ARN.
const EXECUTE_API_ACTIONS = [
  'execute-api:Invoke',
  'execute-api:InvalidateCache',
  'execute-api:ManageConnections',
];

/** Every IAM statement of the template's roles, policies and managed policies, with where it is. */
export function iamStatements(template: Template): LocatedStatement[] {
  const documents: Array<{ where: string; document: unknown }> = [];
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    const properties = resource.Properties ?? {};
    if (resource.Type === 'AWS::IAM::Role') {
      for (const policy of asArray(properties.Policies as Array<{ PolicyDocument?: unknown }>)) {
        documents.push({ where: id, document: policy.PolicyDocument });
      }
    } else if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      documents.push({ where: id, document: properties.PolicyDocument });
    }
  }
  return documents.flatMap(({ where, document }) =>
    asArray((document as { Statement?: PolicyStatement | PolicyStatement[] } | undefined)?.Statement).map(
      (statement, index) => ({
        where: `${where} statement ${index}`,
        statement,
        holder: where,
      }),
    ),
  );
}

/** `AWS::ApiGateway::Method`s whose AuthorizationType is not AWS_IAM (CORS OPTIONS methods included). */
export function methodsWithoutIam(template: Template): string[] {
  return resourcesOfType(template, 'AWS::ApiGateway::Method')
    .filter(([, method]) => method.Properties?.AuthorizationType !== 'AWS_IAM')
    .map(([id, method]) => `${id} has AuthorizationType ${String(method.Properties?.AuthorizationType)}`);
}

/** Lambda functions whose runtime is not `runtime`. */
export function functionsNotOn(template: Template, runtime: string): string[] {
  return resourcesOfType(template, 'AWS::Lambda::Function')
    .filter(([, fn]) => fn.Properties?.Runtime !== runtime)
    .map(([id, fn]) => `${id} runs ${String(fn.Properties?.Runtime)}`);
}

/**
 * Actions that do not exist or grant too much: `execute-api:GET` and kin (the verb belongs in the
 * resource), anything but execute-api's three real actions, a bare `*` or `execute-api:*`, and
 * names that are not `service:Action`.
 */
export function invalidActions(template: Template): string[] {
  return iamStatements(template).flatMap(({ where, statement }) =>
    asArray(statement.Action)
      .filter((action) => actionProblem(action) !== undefined)
      .map((action) => `${where}: ${action} ${actionProblem(action)}`),
  );
}

function actionProblem(action: string): string | undefined {
  if (action === '*' || action === 'execute-api:*') return 'is a wildcard action';
  const [service, name = ''] = action.split(':');
  if (!service || !/^[a-z0-9-]+$/.test(service) || !/^[A-Z*][A-Za-z0-9*]*$/.test(name)) {
    return 'is not an IAM action (service:Action)';
  }
  if (HTTP_VERBS.includes(name.toUpperCase()))
    return 'is not an IAM action: the verb belongs in the resource ARN';
  if (service === 'execute-api' && !EXECUTE_API_ACTIONS.includes(action))
    return 'is not an API Gateway action';
  return undefined;
}

/** The string form of an ARN written as a plain string or `Fn::Sub` (string or [string, vars]). */
function arnText(resource: unknown): string | undefined {
  if (typeof resource === 'string') return resource;
  const sub = (resource as { 'Fn::Sub'?: unknown } | null)?.['Fn::Sub'];
  if (typeof sub === 'string') return sub;
  if (Array.isArray(sub) && typeof sub[0] === 'string') return sub[0];
  return undefined;
}

function statementsWithAction(template: Template, actions: string[]): LocatedStatement[] {
  return iamStatements(template).filter(({ statement }) =>
    asArray(statement.Action).some((action) => actions.includes(action)),
  );
}

const INVOKE_ARN =
  /^arn:\$\{AWS::Partition\}:execute-api:\$\{AWS::Region\}:\$\{AWS::AccountId\}:\$\{([A-Za-z0-9]+)\}\/([^/]+)\/([^/]+)\/(.+)$/;

/**
 * `execute-api:Invoke` resources that are not
 * `arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${ApiIdParam}/{stage}/{VERB}/{path}` with
 * ApiIdParam an `AWS::SSM::Parameter::Value<String>` parameter defaulting to `/{stage}/{callee}/api-id`
 * of a known service: no wildcard API id, stage or verb, and a path that does not start with `*`.
 */
export function invalidInvokeResources(template: Template, stage: string, services: string[]): string[] {
  return statementsWithAction(template, ['execute-api:Invoke']).flatMap(({ where, statement }) =>
    asArray(statement.Resource)
      .map((resource) => invokeResourceProblem(template, resource, stage, services))
      .filter((problem): problem is string => problem !== undefined)
      .map((problem) => `${where}: ${problem}`),
  );
}

function invokeResourceProblem(template: Template, resource: unknown, stage: string, services: string[]) {
  const arn = arnText(resource);
  const match = arn === undefined ? null : INVOKE_ARN.exec(arn);
  if (!match)
    return `${JSON.stringify(resource)} is not arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${ApiIdParameter}/stage/VERB/path`;
  const [, parameterName = '', arnStage, verb = '', path = ''] = match;
  if (arnStage !== stage) return `${arn} names stage ${arnStage}, not ${stage}`;
  if (!HTTP_VERBS.includes(verb)) return `${arn} does not name one HTTP verb`;
  if (path.startsWith('*')) return `${arn} allows every path`;
  const parameter = template.Parameters?.[parameterName];
  if (parameter?.Type !== 'AWS::SSM::Parameter::Value<String>') {
    return `${arn}: \${${parameterName}} is not a template parameter of type AWS::SSM::Parameter::Value<String>`;
  }
  const callee = new RegExp(`^/${stage}/([a-z0-9-]+)/api-id$`).exec(String(parameter.Default))?.[1];
  if (!callee || !services.includes(callee)) {
    return `${arn}: parameter ${parameterName} defaults to ${String(parameter.Default)}, not /${stage}/{service}/api-id`;
  }
  return undefined;
}

/** `ssm:GetParameter(s)` resources that are not one exact parameter ARN (no wildcard, no bare path). */
export function inexactParameterResources(template: Template): string[] {
  return statementsWithAction(template, ['ssm:GetParameter', 'ssm:GetParameters']).flatMap(
    ({ where, statement }) =>
      asArray(statement.Resource)
        .filter((resource) => {
          const arn = arnText(resource);
          return arn === undefined || arn.includes('*') || !/^arn:.+:ssm:.+:parameter\/[^/]/.test(arn);
        })
        .map((resource) => `${where}: ${JSON.stringify(resource)} is not one exact SSM parameter ARN`),
  );
}

/**
 * Grants on a callee's API id that the deploy would not keep current: each `execute-api:Invoke` on
 * `${XApiId}` must sit in an `AWS::IAM::Policy` whose Metadata pins `XApiId` (npm run deploy passes
 * the current id, so a callee's new API changes this template). A role's own statements are not
 * re-applied by every CloudFormation implementation when only a parameter changed.
 */
export function unpinnedCalleeGrants(template: Template): string[] {
  return statementsWithAction(template, ['execute-api:Invoke']).flatMap(({ where, statement, holder }) =>
    asArray(statement.Resource).flatMap((resource) => {
      const parameter = /\$\{([A-Za-z0-9]+)\}\/[^/]+\/[^/]+\//.exec(arnText(resource) ?? '')?.[1];
      if (!parameter) return [];
      const policy = template.Resources?.[holder];
      if (policy?.Type !== 'AWS::IAM::Policy') {
        return [
          `${where}: grants on \${${parameter}} belong in an AWS::IAM::Policy with Metadata ${parameter}`,
        ];
      }
      return policy.Metadata?.[parameter] === undefined
        ? [`${where}: ${holder} has no Metadata ${parameter}: \${param:${parameter}, 'not pinned'}`]
        : [];
    }),
  );
}

/** The table settings a stage kind requires (serverless-common.yml `tableProtection`). */
export interface TableProtection {
  deletionPolicy: 'Delete' | 'Retain';
  deletionProtection: boolean;
  pointInTimeRecovery: boolean;
}

/** DynamoDB tables whose removal, replacement, protection or backups are not what the stage's kind requires. */
export function tablesNotProtectedAs(template: Template, expected: TableProtection): string[] {
  return resourcesOfType(template, 'AWS::DynamoDB::Table').flatMap(([id, table]) => {
    const properties = table.Properties ?? {};
    const pitr = (
      properties.PointInTimeRecoverySpecification as { PointInTimeRecoveryEnabled?: unknown } | undefined
    )?.PointInTimeRecoveryEnabled;
    const actual = {
      DeletionPolicy: table.DeletionPolicy,
      UpdateReplacePolicy: table.UpdateReplacePolicy,
      DeletionProtectionEnabled: properties.DeletionProtectionEnabled,
      PointInTimeRecoveryEnabled: pitr,
    };
    const wanted = {
      DeletionPolicy: expected.deletionPolicy,
      UpdateReplacePolicy: expected.deletionPolicy,
      DeletionProtectionEnabled: expected.deletionProtection,
      PointInTimeRecoveryEnabled: expected.pointInTimeRecovery,
    };
    return Object.entries(wanted)
      .filter(([key, value]) => actual[key as keyof typeof actual] !== value)
      .map(
        ([key, value]) =>
          `${id}: ${key} is ${String(actual[key as keyof typeof actual])}, not ${String(value)}`,
      );
  });
}

/** Every place a template writes the `aws` partition instead of `${AWS::Partition}` (aws-cn, aws-us-gov). */
export function hardCodedPartitions(template: Template): string[] {
  const found: string[] = [];
  const visit = (value: unknown, where: string) => {
    if (typeof value === 'string') {
      if (/\barn:aws:/.test(value)) found.push(`${where}: ${value}`);
    } else if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) visit(item, `${where}[${index}]`);
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) visit(item, `${where}.${key}`);
    }
  };
  visit(template.Resources, 'Resources');
  return found;
}

/** Log-group grants with a wildcard in the log group's name, which also match other stages' groups. */
export function prefixLogGroupGrants(template: Template): string[] {
  return iamStatements(template).flatMap(({ where, statement }) =>
    asArray(statement.Resource)
      .map((resource) => arnText(resource) ?? '')
      .filter((arn) => /:log-group:[^:]*\*/.test(arn))
      .map((arn) => `${where}: ${arn}`),
  );
}

/**
 * Functions that do not deploy a zip of their own, named after them: the service lost its per-function
 * packaging (`package: ${file(../../serverless-common.yml):package}`) and every function would ship,
 * and cold-start with, every handler.
 */
export function functionsWithoutOwnZip(template: Template, service: string, stage: string): string[] {
  const functions = resourcesOfType(template, 'AWS::Lambda::Function').map(([id, fn]) => ({
    id,
    key: String(fn.Properties?.FunctionName ?? '').replace(`${service}-${stage}-`, ''),
    zip: ((fn.Properties?.Code as { S3Key?: string } | undefined)?.S3Key ?? '').split('/').at(-1) ?? '',
  }));
  return functions
    .filter(({ key, zip }) => zip !== `${key}.zip`)
    .map(({ id, key, zip }) => {
      const sharing = functions
        .filter((other) => other.zip === zip && other.id !== id)
        .map((other) => other.id);
      const shared = sharing.length > 0 ? `, shared with ${sharing.join(', ')}` : '';
      return `${id} deploys ${zip || '(no zip)'}${shared}, not ${key}.zip of its own`;
    });
}
