import { readFileSync } from 'node:fs';
import path from 'node:path';
import { findServices, type ServiceDir } from '@internal-apis/local-stage/packaging';
import type { ServiceNames } from '@internal-apis/serverless-conventions/names';
import { parse } from 'yaml';
import { deployOrder } from './deploy-order';

/** A template parameter CloudFormation reads from SSM at deploy time (`AWS::SSM::Parameter::Value<String>`). */
export interface SsmParameterRead {
  /** The template parameter, e.g. `UsersApiId`; also the `--param` that pins its value. */
  parameter: string;
  /** The SSM parameter name for the stage, e.g. `/dev/users/api-id`. */
  ssmName: string;
  /** The service that publishes it, when it is one of the repository's. */
  callee?: string;
}

/** What the deploy and remove scripts know of a service, read from its serverless.yml for one stage. */
export interface ServiceDeployInfo extends ServiceDir, ServiceNames {
  stackName: string;
  /** Services whose SSM parameters it reads, callees first (see deploy-order). */
  callees: string[];
  reads: SsmParameterRead[];
}

const STAGE_VARIABLE = /\$\{(?:sls|opt):stage\}/g;
const PUBLISHED_PARAMETER = /^\/[^/]+\/([A-Za-z0-9_-]+)\/(?:api-id|url)$/;

interface ServerlessYml {
  functions?: Record<string, unknown>;
  resources?: {
    Parameters?: Record<string, { Type?: unknown; Default?: unknown }>;
    Resources?: Record<string, { Type?: unknown; Properties?: { TableName?: unknown } }>;
  };
}

/**
 * Every service of the repository in deploy order (callees first), with what a deploy of `stage`
 * derives from its serverless.yml: function keys, table names, the SSM parameters its template reads.
 *
 * @example
 * servicesForStage(repoRoot, 'dev').map((s) => s.name); // ['users', 'notifications', 'orders']
 */
export function servicesForStage(repoRoot: string, stage: string): ServiceDeployInfo[] {
  const ordered = deployOrder(findServices(repoRoot));
  const names = ordered.map((service) => service.name);
  return ordered.map((service) => serviceInfo(service, stage, names));
}

function serviceInfo(service: ServiceDir, stage: string, known: string[]): ServiceDeployInfo {
  const yml = (parse(readFileSync(path.join(service.dir, 'serverless.yml'), 'utf8')) ?? {}) as ServerlessYml;
  const resources = Object.values(yml.resources?.Resources ?? {});
  const tables = resources
    .filter((resource) => resource.Type === 'AWS::DynamoDB::Table')
    .map((resource) => resource.Properties?.TableName)
    .filter((name): name is string => typeof name === 'string');
  const reads = Object.entries(yml.resources?.Parameters ?? {})
    .filter(([, parameter]) => String(parameter.Type).startsWith('AWS::SSM::Parameter::Value'))
    .map(([parameter, { Default }]): SsmParameterRead => {
      const ssmName = String(Default ?? '').replace(STAGE_VARIABLE, stage);
      const callee = PUBLISHED_PARAMETER.exec(ssmName)?.[1];
      return callee && known.includes(callee) ? { parameter, ssmName, callee } : { parameter, ssmName };
    });
  return {
    ...service,
    stackName: `${service.name}-${stage}`,
    functions: Object.keys(yml.functions ?? {}),
    tables: tables.map((table) => table.replace(STAGE_VARIABLE, stage)),
    reads,
    callees: [...new Set(reads.flatMap((read) => (read.callee ? [read.callee] : [])))],
  };
}

export type StageKind = 'ephemeral' | 'durable' | 'production';

/**
 * The kind of a stage by serverless-common.yml's `stageKinds` (unlisted stages are durable), the
 * same rule the services' templates apply to their tables.
 *
 * @example
 * stageKind(repoRoot, 'ci'); // 'ephemeral'
 */
export function stageKind(repoRoot: string, stage: string): StageKind {
  const common = parse(readFileSync(path.join(repoRoot, 'serverless-common.yml'), 'utf8')) as {
    stageKinds?: Record<string, StageKind>;
  };
  return common.stageKinds?.[stage] ?? 'durable';
}
