import type { ProvisionedResource, ResourceRequest } from './context';
import { localizeUrls, optionalNumber, optionalString, propertyError, requireString } from './properties';

/** AWS::Lambda::Function: its code unpacked from the packaged zip, run with its role's credentials. */
export async function provisionFunction(request: ResourceRequest): Promise<ProvisionedResource> {
  const { stage, stack } = request;
  const functionName = requireString(request, 'FunctionName');
  const roleArn = requireString(request, 'Role');
  const role = stage.roles.get(roleArn);
  if (!role) throw propertyError(request, 'Role', `role ${roleArn} is not provisioned in this stage`);
  const code = (request.properties.Code ?? {}) as { S3Key?: unknown; ZipFile?: unknown };
  const s3Key = typeof code.S3Key === 'string' ? code.S3Key : undefined;
  const codeDirectory = s3Key ? stack.codeDirectories?.get(s3Key) : undefined;
  const codeZip = s3Key ? stack.artifacts.get(s3Key) : undefined;
  if (!codeZip && !codeDirectory)
    throw propertyError(request, 'Code', `no packaged artifact for ${String(code.S3Key ?? 'inline code')}`);
  const variables =
    ((request.properties.Environment ?? {}) as { Variables?: Record<string, unknown> }).Variables ?? {};
  await stage.lambda.deploy({
    functionName,
    handler: requireString(request, 'Handler'),
    ...(codeDirectory ? { codeDirectory } : { codeZip }),
    runtime: optionalString(request, 'Runtime') ?? 'nodejs22.x',
    environment: Object.fromEntries(
      Object.entries(variables).map(([key, value]) => [
        key,
        localizeUrls(String(value), stage.endpoint, stage.region),
      ]),
    ),
    timeoutSeconds: optionalNumber(request, 'Timeout') ?? 3,
    memorySize: optionalNumber(request, 'MemorySize') ?? 128,
    region: stage.region,
    accountId: stage.accountId,
    // Lambda names the role session after the function.
    credentials: () => stage.keys.roleSession(role, functionName),
    endpoints: { ssm: stage.endpoint, dynamodb: stage.endpoint },
  });
  const arn = `arn:aws:lambda:${stage.region}:${stage.accountId}:function:${functionName}`;
  return { physicalId: functionName, attributes: { Arn: arn } };
}

/** AWS::Lambda::Permission: only a grant to API Gateway matters here, it lets the function be invoked. */
export function provisionPermission(request: ResourceRequest): ProvisionedResource {
  const functionRef = requireString(request, 'FunctionName');
  const functionName = functionRef.includes(':function:')
    ? (functionRef.split(':function:')[1] ?? '')
    : functionRef;
  if (request.properties.Principal === 'apigateway.amazonaws.com') {
    request.stage.invocableFunctions.add(functionName.split(':')[0] ?? functionName);
  }
  return { physicalId: `${request.stack.stackName}-${request.logicalId}`, attributes: {} };
}
