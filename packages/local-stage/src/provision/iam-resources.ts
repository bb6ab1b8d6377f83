import { awsId } from '../identity/ids';
import type { Role } from '../identity/key-ring';
import type { NamedPolicy, PolicyDocument } from '../types';
import type { ProvisionedResource, ResourceRequest } from './context';
import { generatedName, optionalString, propertyError } from './properties';

/** AWS::IAM::Role: a role whose inline policies its sessions are evaluated against. */
export function provisionRole(request: ResourceRequest): ProvisionedResource {
  const { stage } = request;
  const roleName = optionalString(request, 'RoleName') ?? generatedName(request, awsId('AROA').slice(4, 12));
  const path = optionalString(request, 'Path') ?? '/';
  const arn = `arn:aws:iam::${stage.accountId}:role${path}${roleName}`;
  const role: Role = { roleName, arn, roleId: awsId('AROA'), policies: inlinePolicies(request, 'Policies') };
  // Both change what the role may do on AWS; say so rather than allow more, or less, in silence.
  for (const property of ['ManagedPolicyArns', 'PermissionsBoundary']) {
    if (request.properties[property] === undefined) continue;
    stage.log(
      `${request.stack.stackName}: ${request.logicalId}.${property} is not evaluated by the local stage`,
    );
  }
  stage.roles.set(arn, role);
  return { physicalId: roleName, attributes: { Arn: arn, RoleId: role.roleId } };
}

/** AWS::IAM::Policy and AWS::IAM::ManagedPolicy: a document attached to roles by name. */
export function provisionAttachedPolicy(request: ResourceRequest): ProvisionedResource {
  const name =
    optionalString(request, 'PolicyName') ??
    optionalString(request, 'ManagedPolicyName') ??
    generatedName(request, 'policy');
  const document = policyDocument(request, 'PolicyDocument', request.properties.PolicyDocument);
  const roleNames = request.properties.Roles ?? [];
  if (!Array.isArray(roleNames)) throw propertyError(request, 'Roles', 'must be a list of role names');
  for (const roleName of roleNames) {
    const role = [...request.stage.roles.values()].find((candidate) => candidate.roleName === roleName);
    if (!role) throw propertyError(request, 'Roles', `role ${String(roleName)} does not exist in this stage`);
    role.policies.push({ name, document });
  }
  const arn = `arn:aws:iam::${request.stage.accountId}:policy/${name}`;
  return {
    physicalId: request.properties.ManagedPolicyName !== undefined ? arn : name,
    attributes: { PolicyArn: arn },
  };
}

function inlinePolicies(request: ResourceRequest, property: string): NamedPolicy[] {
  const policies = request.properties[property] ?? [];
  if (!Array.isArray(policies)) throw propertyError(request, property, 'must be a list');
  return policies.map((policy: unknown, index) => {
    const { PolicyName, PolicyDocument } = (policy ?? {}) as {
      PolicyName?: unknown;
      PolicyDocument?: unknown;
    };
    if (typeof PolicyName !== 'string')
      throw propertyError(request, `${property}[${index}].PolicyName`, 'is required');
    return {
      name: PolicyName,
      document: policyDocument(request, `${property}[${index}].PolicyDocument`, PolicyDocument),
    };
  });
}

function policyDocument(request: ResourceRequest, property: string, value: unknown): PolicyDocument {
  const document = value as PolicyDocument | undefined;
  if (!document || typeof document !== 'object' || document.Statement === undefined) {
    throw propertyError(request, property, 'must be a policy document with a Statement');
  }
  return document;
}
