// biome-ignore-all lint/suspicious/noTemplateCurlyInString: serverless.yml's variables are written in the framework's ${…} syntax
import { parseArn } from './arns';
import { parseMethodArn } from './route-arns';

/**
 * What a resolved ARN was written with in a service's serverless.yml: the stage's region, account and
 * stage name, and the template parameters whose resolved values appear in it (a callee's API id).
 */
export interface TemplateVariables {
  region: string;
  accountId: string;
  stage: string;
  /** Template parameter name → its resolved value, e.g. `UsersApiId` → `k3q8x0abcd`. */
  parameters: Readonly<Record<string, string>>;
  /** The service's own tables, by name → logical id, granted as `Fn::GetAtt: [Table, Arn]`. */
  tables?: Readonly<Record<string, string>>;
  /** Write `arn:#{AWS::Partition}:` rather than `arn:aws:`, as the file already does. */
  partitionVariable?: boolean;
}

/** A `Resource` as serverless.yml writes it: a string with variables, or CloudFormation's `Fn::GetAtt`. */
export type YamlResource = { sub: string } | { getAtt: [string, string] };

/**
 * Maps a resolved ARN back to what a serverless.yml writes: `#{AWS::Region}`, `#{AWS::AccountId}`, a
 * template parameter (`#{UsersApiId}`) where its value appears, `${sls:stage}` for the stage, and a
 * table of the service's own stack as `Fn::GetAtt`. `#{…}` is serverless-pseudo-parameters' syntax
 * (CloudFormation's `Fn::Sub`, resolved at deploy time); `${…}` the framework's, resolved at package time.
 *
 * @example
 * serverlessResource('arn:aws:execute-api:us-east-1:000000000000:k3q8x0abcd/local/GET/users/*',
 *   { region: 'us-east-1', accountId: '000000000000', stage: 'local', parameters: { UsersApiId: 'k3q8x0abcd' } });
 * // { sub: 'arn:aws:execute-api:#{AWS::Region}:#{AWS::AccountId}:#{UsersApiId}/${sls:stage}/GET/users/*' }
 */
export function serverlessResource(arn: string, variables: TemplateVariables): YamlResource {
  const parsed = parseArn(arn);
  if (!parsed) return { sub: arn };
  const table = /^table\/([^/]+)$/.exec(parsed.resource)?.[1];
  const ownTable = parsed.service === 'dynamodb' && table ? variables.tables?.[table] : undefined;
  if (ownTable && parsed.account === variables.accountId && parsed.region === variables.region)
    return { getAtt: [ownTable, 'Arn'] };
  const partition = variables.partitionVariable ? '#{AWS::Partition}' : parsed.partition;
  const region = parsed.region === variables.region ? '#{AWS::Region}' : parsed.region;
  const account = parsed.account === variables.accountId ? '#{AWS::AccountId}' : parsed.account;
  const resource =
    parsed.service === 'execute-api'
      ? methodResource(arn, variables)
      : withStage(withParameters(parsed.resource, variables), variables.stage);
  return { sub: `arn:${partition}:${parsed.service}:${region}:${account}:${resource}` };
}

/** `{apiId}/{stage}/{VERB}/{path}`, each part mapped on its own: the API id and the stage by position. */
function methodResource(arn: string, variables: TemplateVariables): string {
  const method = parseMethodArn(arn);
  const resource = parseArn(arn)?.resource ?? '';
  if (!method) return withParameters(resource, variables);
  const parameter = parameterFor(method.apiId, variables);
  const apiId = parameter ? `#{${parameter}}` : method.apiId;
  const stage = method.stage === variables.stage ? '${sls:stage}' : method.stage;
  return [apiId, stage, method.verb, method.path].join('/');
}

function parameterFor(value: string, variables: TemplateVariables): string | undefined {
  return Object.entries(variables.parameters).find(([, resolved]) => resolved === value)?.[0];
}

function withParameters(text: string, variables: TemplateVariables): string {
  let result = text;
  for (const [name, value] of Object.entries(variables.parameters)) {
    if (value.length >= 6) result = result.split(value).join(`#{${name}}`);
  }
  return result;
}

/** The stage where it stands as a whole word of a name or path: `/local/users/url`, `orders-local`. */
function withStage(text: string, stage: string): string {
  const escaped = stage.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(`(^|[/_.:-])${escaped}(?=$|[/_.:-])`, 'g'), '$1${sls:stage}');
}

/** A statement to write into a serverless.yml. */
export interface YamlStatement {
  effect: 'Allow' | 'Deny';
  actions: string[];
  resources: YamlResource[];
  /** A comment line above it, saying why. */
  comment?: string;
}

/**
 * A statement as a YAML list item, at `indent` spaces, in the style of the template's own
 * serverless.yml files: one action or resource inline, several as a list.
 *
 * @example
 * yamlStatementLines({ effect: 'Allow', actions: ['execute-api:Invoke'], resources: [{ sub: 'arn:…/GET/users/*' }] }, 8);
 * // ['        - Effect: Allow', '          Action: execute-api:Invoke', '          Resource: "arn:…/GET/users/*"']
 */
export function yamlStatementLines(statement: YamlStatement, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const inner = `${pad}  `;
  const lines: string[] = [];
  if (statement.comment) lines.push(`${pad}# ${statement.comment}`);
  lines.push(`${pad}- Effect: ${statement.effect}`);
  if (statement.actions.length === 1) lines.push(`${inner}Action: ${statement.actions[0]}`);
  else lines.push(`${inner}Action:`, ...statement.actions.map((action) => `${inner}  - ${action}`));
  const [only] = statement.resources;
  if (statement.resources.length === 1 && only) {
    lines.push(...resourceLines(only, `${inner}Resource:`, inner));
  } else {
    lines.push(`${inner}Resource:`);
    for (const resource of statement.resources) {
      lines.push(...resourceLines(resource, `${inner}  -`, `${inner}  `));
    }
  }
  return lines;
}

function resourceLines(resource: YamlResource, lead: string, indent: string): string[] {
  if ('sub' in resource) return [`${lead} ${JSON.stringify(resource.sub)}`];
  return [`${lead}`, `${indent}  Fn::GetAtt: [${resource.getAtt[0]}, ${resource.getAtt[1]}]`];
}

/**
 * The template parameter a caller declares to name a callee's API id, read from SSM at deploy time.
 *
 * @example
 * apiIdParameterLines('UsersApiId', 'users', 4).join('\n');
 * // '    UsersApiId:\n      Type: AWS::SSM::Parameter::Value<String>\n      Default: /${sls:stage}/users/api-id'
 */
export function apiIdParameterLines(name: string, callee: string, indent: number): string[] {
  const pad = ' '.repeat(indent);
  return [
    `${pad}${name}:`,
    `${pad}  Type: AWS::SSM::Parameter::Value<String>`,
    `${pad}  Default: /\${sls:stage}/${callee}/api-id`,
  ];
}

/**
 * The name this template gives a callee's API id parameter: `users` → `UsersApiId`.
 *
 * @example apiIdParameterName('user-profiles'); // 'UserProfilesApiId'
 */
export function apiIdParameterName(callee: string): string {
  return `${callee
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]?.toUpperCase() + word.slice(1))
    .join('')}ApiId`;
}
