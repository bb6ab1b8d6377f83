import { asArray, resourcesOfType, type StackPlace, staticString, type Template } from './template';

/** A kind of AWS name: its length limits and the characters AWS accepts in it. */
export interface NameRule {
  label: string;
  max: number;
  min?: number;
  pattern?: RegExp;
  /** The characters `pattern` allows, in words, for the message. */
  allowed?: string;
}

/**
 * The names a stage feeds, with AWS's limits for each (each API reference's request parameters):
 * CloudFormation CreateStack `StackName`, IAM CreateRole `RoleName` and PutRolePolicy
 * `PolicyName`, Lambda CreateFunction `FunctionName` (64 when given as a name), DynamoDB
 * CreateTable `TableName`, CloudWatch Logs CreateLogGroup `logGroupName`, SSM PutParameter `Name`
 * (1011 characters counting the parameter's whole ARN), API Gateway CreateStage `stageName`.
 */
export const NAME_RULES = {
  stack: {
    label: 'CloudFormation stack name',
    max: 128,
    pattern: /^[A-Za-z][A-Za-z0-9-]*$/,
    allowed: 'a letter, then letters, digits and -',
  },
  role: { label: 'IAM role name', max: 64, pattern: /^[\w+=,.@-]+$/, allowed: 'letters, digits and +=,.@_-' },
  policy: {
    label: 'IAM policy name',
    max: 128,
    pattern: /^[\w+=,.@-]+$/,
    allowed: 'letters, digits and +=,.@_-',
  },
  function: {
    label: 'Lambda function name',
    max: 64,
    pattern: /^[A-Za-z0-9_-]+$/,
    allowed: 'letters, digits, - and _',
  },
  table: {
    label: 'DynamoDB table name',
    min: 3,
    max: 255,
    pattern: /^[A-Za-z0-9_.-]+$/,
    allowed: 'letters, digits, _ . and -',
  },
  logGroup: {
    label: 'CloudWatch log group name',
    max: 512,
    pattern: /^[A-Za-z0-9_./#-]+$/,
    allowed: 'letters, digits and _./#-',
  },
  ssmParameterArn: { label: 'SSM parameter ARN', max: 1011 },
  apiStage: {
    label: 'API Gateway stage name',
    max: 128,
    pattern: /^[A-Za-z0-9_-]+$/,
    allowed: 'letters, digits, - and _',
  },
} as const satisfies Record<string, NameRule>;

export type NameKind = keyof typeof NAME_RULES;

/** A name AWS will be asked to create, and where it comes from. */
export interface DerivedName {
  kind: NameKind;
  name: string;
  /** The resource or convention that produces it, for the message. */
  source: string;
}

/**
 * What is wrong with each name, as sentences; empty when AWS will accept them all.
 *
 * @example
 * nameProblems([{ kind: 'role', name: 'x'.repeat(70), source: 'IamRoleLambdaExecution' }]);
 * // ['IamRoleLambdaExecution: IAM role name "xxx…" is 70 characters; AWS allows at most 64']
 */
export function nameProblems(names: DerivedName[]): string[] {
  return names.flatMap(({ kind, name, source }) => {
    const rule: NameRule = NAME_RULES[kind];
    const problems: string[] = [];
    if (name.length > rule.max) {
      problems.push(`${rule.label} "${name}" is ${name.length} characters; AWS allows at most ${rule.max}`);
    }
    if (rule.min !== undefined && name.length < rule.min) {
      problems.push(`${rule.label} "${name}" is ${name.length} characters; AWS needs at least ${rule.min}`);
    }
    if (rule.pattern && !rule.pattern.test(name)) {
      problems.push(`${rule.label} "${name}" may only contain ${rule.allowed}`);
    }
    return problems.map((problem) => `${source}: ${problem}`);
  });
}

/**
 * Every name in a compiled template that the template alone decides, by kind: role and policy
 * names, function names, table names, log group names, SSM parameter ARNs, the API stage. Names
 * left to CloudFormation (no name property) have no limit to break.
 *
 * @example
 * namesInTemplate(template, { region: 'eu-west-1' }).filter((n) => n.kind === 'role');
 * // [{ kind: 'role', name: 'orders-dev-eu-west-1-lambdaRole', source: 'IamRoleLambdaExecution' }]
 */
export function namesInTemplate(template: Template, place: StackPlace): DerivedName[] {
  const names: DerivedName[] = [];
  const add = (kind: NameKind, value: unknown, source: string) => {
    const name = staticString(value, place);
    if (name !== undefined) names.push({ kind, name, source });
  };
  for (const [id, role] of resourcesOfType(template, 'AWS::IAM::Role')) {
    add('role', role.Properties?.RoleName, id);
    for (const policy of asArray(role.Properties?.Policies as Array<{ PolicyName?: unknown }>)) {
      add('policy', policy.PolicyName, id);
    }
  }
  for (const [id, policy] of resourcesOfType(template, 'AWS::IAM::Policy')) {
    add('policy', policy.Properties?.PolicyName, id);
  }
  for (const [id, fn] of resourcesOfType(template, 'AWS::Lambda::Function')) {
    add('function', fn.Properties?.FunctionName, id);
  }
  for (const [id, table] of resourcesOfType(template, 'AWS::DynamoDB::Table')) {
    add('table', table.Properties?.TableName, id);
  }
  for (const [id, group] of resourcesOfType(template, 'AWS::Logs::LogGroup')) {
    add('logGroup', group.Properties?.LogGroupName, id);
  }
  for (const [id, parameter] of resourcesOfType(template, 'AWS::SSM::Parameter')) {
    const name = staticString(parameter.Properties?.Name, place);
    if (name !== undefined)
      names.push({ kind: 'ssmParameterArn', name: ssmParameterArn(name, place), source: id });
  }
  for (const [id, deployment] of resourcesOfType(template, 'AWS::ApiGateway::Deployment')) {
    add('apiStage', deployment.Properties?.StageName, id);
  }
  return names;
}

function ssmParameterArn(name: string, place: StackPlace): string {
  const account = place.accountId ?? '123456789012';
  const path = name.startsWith('/') ? name : `/${name}`;
  return `arn:${place.partition ?? 'aws'}:ssm:${place.region}:${account}:parameter${path}`;
}

/** What the deploy script knows of a service before packaging it. */
export interface ServiceNames {
  name: string;
  /** Function keys under `functions:` in serverless.yml. */
  functions: string[];
  /** Table names as written, with `${sls:stage}` (or `${opt:stage}`) where the stage goes. */
  tables: string[];
}

const STAGE_VARIABLE = /\$\{(?:sls|opt):stage\}/g;

/**
 * The names the Serverless Framework derives from a stage for one service, as it names them:
 * stack `{service}-{stage}`, role `{service}-{stage}-{region}-lambdaRole`, functions
 * `{service}-{stage}-{function}` and their log groups, the REST API's access log group, the SSM
 * parameters the service publishes, its tables, and the API Gateway stage itself.
 *
 * @example
 * derivedNames('dev', 'eu-west-1', { name: 'orders', functions: ['getOrder'], tables: ['orders-${sls:stage}'] });
 */
export function derivedNames(stage: string, region: string, service: ServiceNames): DerivedName[] {
  const prefix = `${service.name}-${stage}`;
  const place = { region };
  const source = `${service.name} (stage ${stage})`;
  return [
    { kind: 'stack', name: prefix, source },
    { kind: 'role', name: `${prefix}-${region}-lambdaRole`, source },
    { kind: 'policy', name: `${prefix}-lambda`, source },
    { kind: 'apiStage', name: stage, source },
    { kind: 'logGroup', name: `/aws/api-gateway/${prefix}`, source },
    ...service.functions.flatMap((fn): DerivedName[] => [
      { kind: 'function', name: `${prefix}-${fn}`, source },
      { kind: 'logGroup', name: `/aws/lambda/${prefix}-${fn}`, source },
    ]),
    ...['url', 'api-id'].map(
      (leaf): DerivedName => ({
        kind: 'ssmParameterArn',
        name: ssmParameterArn(`/${stage}/${service.name}/${leaf}`, place),
        source,
      }),
    ),
    ...service.tables.map(
      (table): DerivedName => ({ kind: 'table', name: table.replace(STAGE_VARIABLE, stage), source }),
    ),
  ];
}

/**
 * The longest stage name every derived name still fits with (each name holds the stage once).
 *
 * @example
 * longestStageThatFits('dev', derivedNames('dev', 'eu-west-1', orders)); // 36: the role name binds
 */
export function longestStageThatFits(stage: string, names: DerivedName[]): number {
  return Math.min(...names.map(({ kind, name }) => NAME_RULES[kind].max - (name.length - stage.length)));
}

/**
 * Refusals for a stage name before anything is packaged or deployed: its characters (it becomes
 * part of stack, role and parameter names) and every name it feeds, with the longest stage that
 * fits when one is too long.
 *
 * @example
 * stageNameProblems('dev', 'eu-west-1', services); // [] when AWS accepts every name
 */
export function stageNameProblems(stage: string, region: string, services: ServiceNames[]): string[] {
  if (!NAME_RULES.stack.pattern.test(stage)) {
    return [
      `Stage "${stage}" must start with a letter and contain only letters, digits and - ` +
        '(it is part of CloudFormation stack names, which allow nothing else)',
    ];
  }
  const names = services.flatMap((service) => derivedNames(stage, region, service));
  const problems = nameProblems(names);
  if (problems.length === 0) return [];
  const longest = longestStageThatFits(stage, names);
  const summary =
    longest > 0
      ? `Stage "${stage}" (${stage.length} characters) is too long for these services in ${region}: at most ${longest} characters fit.`
      : `Stage "${stage}" does not fit these services in ${region}: shorten the service names.`;
  return [summary, ...problems];
}
