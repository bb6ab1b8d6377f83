import type { NamedPolicy } from '../types';

/**
 * The AWS managed policies a Serverless template commonly attaches, with their documents as the "AWS
 * Managed Policy Reference Guide" publishes them (default versions: AWSLambdaBasicExecutionRole v1,
 * AWSLambdaVPCAccessExecutionRole v3, AWSXRayDaemonWriteAccess v2, AdministratorAccess v1). serverless
 * attaches AWSLambdaVPCAccessExecutionRole to the role of any function with `vpc`; the others come from
 * `provider.iam.role.managedPolicies`. Any other AWS managed policy is unknown to the local stage: it is
 * reported at start and grants nothing here.
 */
const DOCUMENTS: Record<string, NamedPolicy['document']> = {
  'service-role/AWSLambdaBasicExecutionRole': {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: '*',
      },
    ],
  },
  'service-role/AWSLambdaVPCAccessExecutionRole': {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AWSLambdaVPCAccessExecutionPermissions',
        Effect: 'Allow',
        Action: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'ec2:CreateNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets',
          'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses',
          'ec2:UnassignPrivateIpAddresses',
        ],
        Resource: '*',
      },
    ],
  },
  AWSXRayDaemonWriteAccess: {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AWSXRayDaemonWriteAccess',
        Effect: 'Allow',
        Action: [
          'xray:PutTraceSegments',
          'xray:PutTelemetryRecords',
          'xray:GetSamplingRules',
          'xray:GetSamplingTargets',
          'xray:GetSamplingStatisticSummaries',
        ],
        Resource: ['*'],
      },
    ],
  },
  AdministratorAccess: {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
  },
};

/**
 * An AWS managed policy by ARN (`arn:aws:iam::aws:policy/{path}{name}`, any partition), if the local
 * stage knows its document.
 *
 * @example
 * awsManagedPolicy('arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole')?.name; // 'AWSLambdaBasicExecutionRole'
 */
export function awsManagedPolicy(arn: string): NamedPolicy | undefined {
  const path = /^arn:[^:]+:iam::aws:policy\/(.+)$/.exec(arn)?.[1];
  const document = path === undefined ? undefined : DOCUMENTS[path];
  if (!path || !document) return undefined;
  return { name: path.slice(path.lastIndexOf('/') + 1), document };
}

/**
 * Whether an ARN names an AWS managed policy (the `aws` account), known here or not.
 *
 * @example isAwsManagedPolicyArn('arn:aws:iam::aws:policy/ReadOnlyAccess'); // true
 */
export function isAwsManagedPolicyArn(arn: string): boolean {
  return /^arn:[^:]+:iam::aws:policy\//.test(arn);
}

/**
 * The actions the Lambda service and runtime perform with a function's role, as the AWS managed
 * policies for it grant them: the function's logs (AWSLambdaBasicExecutionRole), the network
 * interfaces of a function in a VPC (AWSLambdaVPCAccessExecutionRole) and traces
 * (AWSXRayDaemonWriteAccess). Lower-cased: IAM action names are case-insensitive.
 *
 * @example lambdaServiceActions().has('xray:puttracesegments'); // true
 */
export function lambdaServiceActions(): ReadonlySet<string> {
  const documents = [
    DOCUMENTS['service-role/AWSLambdaBasicExecutionRole'],
    DOCUMENTS['service-role/AWSLambdaVPCAccessExecutionRole'],
    DOCUMENTS.AWSXRayDaemonWriteAccess,
  ];
  const statements = documents.flatMap((document) => (document ? [document.Statement].flat() : []));
  return new Set(
    statements.flatMap((statement) => [statement.Action ?? []].flat().map((a) => a.toLowerCase())),
  );
}
