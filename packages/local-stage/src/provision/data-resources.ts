import { TemplateError } from '../errors';
import type { ProvisionedResource, ResourceRequest } from './context';
import { generatedName, localizeUrls, optionalString, requireString } from './properties';

/** The table properties dynalite understands; the rest (tags, backups, encryption) have no local effect. */
const TABLE_PROPERTIES = [
  'TableName',
  'AttributeDefinitions',
  'KeySchema',
  'GlobalSecondaryIndexes',
  'LocalSecondaryIndexes',
  'BillingMode',
  'ProvisionedThroughput',
  'StreamSpecification',
];

/** AWS::DynamoDB::Table, created in dynalite; with `--persist` an existing table keeps its data. */
export async function provisionTable(request: ResourceRequest): Promise<ProvisionedResource> {
  const { stage } = request;
  const tableName = optionalString(request, 'TableName') ?? generatedName(request, 'table');
  const input: Record<string, unknown> = { TableName: tableName };
  for (const name of TABLE_PROPERTIES) {
    if (request.properties[name] !== undefined && name !== 'TableName')
      input[name] = request.properties[name];
  }
  const { statusCode, output } = await stage.dynamodb.call('CreateTable', input);
  const type = String(output.__type ?? '');
  if (statusCode !== 200 && !type.endsWith('ResourceInUseException')) {
    const problem = `CreateTable failed: ${String(output.message ?? output.Message ?? type)}`;
    throw new TemplateError(request.stack.stackName, request.logicalId, 'Properties', problem);
  }
  const arn = `arn:aws:dynamodb:${stage.region}:${stage.accountId}:table/${tableName}`;
  return {
    physicalId: tableName,
    attributes: { Arn: arn, StreamArn: `${arn}/stream/1970-01-01T00:00:00.000` },
  };
}

/** AWS::SSM::Parameter, with API Gateway URLs pointed at the front door. */
export function provisionParameter(request: ResourceRequest): ProvisionedResource {
  const { stage } = request;
  const name = optionalString(request, 'Name') ?? `/${generatedName(request, 'parameter')}`;
  const value = localizeUrls(requireString(request, 'Value'), stage.endpoint, stage.region);
  const type = (optionalString(request, 'Type') ?? 'String') as 'String' | 'StringList';
  stage.ssm.put(name, value, { type, overwrite: true, description: optionalString(request, 'Description') });
  return { physicalId: name, attributes: { Type: type, Value: value } };
}
