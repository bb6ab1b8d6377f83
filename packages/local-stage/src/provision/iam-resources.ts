import { awsManagedPolicy, isAwsManagedPolicyArn } from '../iam';
import { apiGatewayId, awsId } from '../identity/ids';
import type { Role } from '../identity/key-ring';
import type { NamedPolicy, PolicyDocument } from '../types';
import type { ProvisionedResource, ResourceRequest, StageServices } from './context';
import { generatedName, optionalString, propertyError } from './properties';

/**
 * AWS::IAM::Role: a role whose sessions are evaluated against its inline policies, the managed
 * policies it names in `ManagedPolicyArns`, and its `PermissionsBoundary` ("Permissions boundaries for
 * IAM entities"). `Tags` become the `aws:PrincipalTag/{key}` condition keys of its sessions.
 *
 * A managed policy must exist when the role is created, as CloudFormation requires: one provisioned
 * earlier (in this stack or another), or an AWS managed policy the local stage knows. Any other ARN is
 * reported by name; it grants nothing here, and a boundary the stage does not know allows nothing, so
 * the stage never allows what AWS might refuse.
 */
export function provisionRole(request: ResourceRequest): ProvisionedResource {
  const { stage } = request;
  const roleName = optionalString(request, 'RoleName') ?? generatedName(request, stableSuffix(request));
  const path = optionalString(request, 'Path') ?? '/';
  const arn = `arn:aws:iam::${stage.accountId}:role${path}${roleName}`;
  const role: Role = {
    roleName,
    arn,
    roleId: awsId('AROA'),
    policies: inlinePolicies(request, 'Policies'),
    trustPolicy: trustPolicyOf(request.properties.AssumeRolePolicyDocument),
    maxSessionDuration: optionalNumber(request.properties.MaxSessionDuration),
  };
  for (const policyArn of managedPolicyArns(request)) {
    const policy = knownManagedPolicy(stage, policyArn);
    if (policy) attach(role, policy);
    else reportUnknown(request, roleName, 'ManagedPolicyArns names', policyArn, 'it grants nothing here');
  }
  const boundaryArn = optionalString(request, 'PermissionsBoundary');
  if (boundaryArn !== undefined) role.permissionsBoundary = boundaryOf(request, roleName, boundaryArn);
  const tags = tagsOf(request);
  if (tags) role.tags = tags;
  stage.roles.set(arn, role);
  return { physicalId: roleName, attributes: { Arn: arn, RoleId: role.roleId } };
}

/** AWS::IAM::Policy: an inline policy attached to roles by name. */
export function provisionPolicy(request: ResourceRequest): ProvisionedResource {
  const name = optionalString(request, 'PolicyName') ?? generatedName(request, 'policy');
  const document = policyDocument(request, 'PolicyDocument', request.properties.PolicyDocument);
  for (const role of rolesNamed(request)) role.policies.push({ name, document });
  return { physicalId: name, attributes: {} };
}

/**
 * AWS::IAM::ManagedPolicy: a customer managed policy, `arn:aws:iam::{account}:policy{path}{name}`
 * (which `Ref` returns), attached to the roles it lists in `Roles` and to every role created later
 * that names it in `ManagedPolicyArns` or as its `PermissionsBoundary`.
 */
export function provisionManagedPolicy(request: ResourceRequest): ProvisionedResource {
  const name = optionalString(request, 'ManagedPolicyName') ?? generatedName(request, stableSuffix(request));
  const path = optionalString(request, 'Path') ?? '/';
  const arn = `arn:aws:iam::${request.stage.accountId}:policy${path}${name}`;
  const policy: NamedPolicy = {
    name,
    document: policyDocument(request, 'PolicyDocument', request.properties.PolicyDocument),
  };
  managedPoliciesOf(request.stage).set(arn, policy);
  for (const role of rolesNamed(request)) attach(role, policy);
  return { physicalId: arn, attributes: { PolicyArn: arn, PolicyId: awsId('ANPA') } };
}

/**
 * The suffix CloudFormation adds to a name the template leaves out, the same on every start (as a
 * deployed stack keeps its names across updates), so reports and run files name the same policy.
 */
function stableSuffix(request: ResourceRequest): string {
  const { stage, stack, logicalId } = request;
  return apiGatewayId(`${stage.accountId}/${stage.region}/${stack.stackName}/${logicalId}`)
    .toUpperCase()
    .slice(0, 8);
}

/** The customer managed policies provisioned so far, by ARN. */
function managedPoliciesOf(stage: StageServices): Map<string, NamedPolicy> {
  stage.managedPolicies ??= new Map();
  return stage.managedPolicies;
}

function knownManagedPolicy(stage: StageServices, arn: string): NamedPolicy | undefined {
  return managedPoliciesOf(stage).get(arn) ?? awsManagedPolicy(arn);
}

/** A managed policy is attached once, however many ways a template names it. */
function attach(role: Role, policy: NamedPolicy): void {
  if (!role.policies.includes(policy)) role.policies.push(policy);
}

function boundaryOf(request: ResourceRequest, roleName: string, arn: string): NamedPolicy {
  const known = knownManagedPolicy(request.stage, arn);
  if (known) return known;
  reportUnknown(request, roleName, 'PermissionsBoundary is', arn, 'the role is allowed nothing here');
  return { name: arn, document: { Version: '2012-10-17', Statement: [] } };
}

/** One log line naming the stack, the role and the ARN the local stage cannot evaluate. */
function reportUnknown(
  request: ResourceRequest,
  roleName: string,
  what: string,
  arn: string,
  consequence: string,
): void {
  const kind = isAwsManagedPolicyArn(arn) ? 'an AWS managed policy' : 'a managed policy';
  request.stage.log(
    `${request.stack.stackName}: role ${roleName} (${request.logicalId}): ${what} ${arn}, ${kind} the local stage does not know; ${consequence}`,
  );
}

function managedPolicyArns(request: ResourceRequest): string[] {
  const arns = request.properties.ManagedPolicyArns ?? [];
  if (!Array.isArray(arns) || arns.some((arn) => typeof arn !== 'string')) {
    throw propertyError(request, 'ManagedPolicyArns', 'must be a list of policy ARNs');
  }
  return arns as string[];
}

function tagsOf(request: ResourceRequest): Record<string, string> | undefined {
  const tags = request.properties.Tags;
  if (tags === undefined) return undefined;
  if (!Array.isArray(tags)) throw propertyError(request, 'Tags', 'must be a list of {Key, Value}');
  const byKey: Record<string, string> = {};
  tags.forEach((tag: unknown, index) => {
    const { Key: key, Value: value } = (tag ?? {}) as { Key?: unknown; Value?: unknown };
    if (typeof key !== 'string') throw propertyError(request, `Tags[${index}].Key`, 'is required');
    byKey[key] = value === undefined ? '' : String(value);
  });
  return byKey;
}

function rolesNamed(request: ResourceRequest): Role[] {
  const roleNames = request.properties.Roles ?? [];
  if (!Array.isArray(roleNames)) throw propertyError(request, 'Roles', 'must be a list of role names');
  return roleNames.map((roleName) => {
    const role = [...request.stage.roles.values()].find((candidate) => candidate.roleName === roleName);
    if (!role) throw propertyError(request, 'Roles', `role ${String(roleName)} does not exist in this stage`);
    return role;
  });
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

/** The trust policy as the template gives it: an object, or the same as a JSON string. */
function trustPolicyOf(value: unknown): PolicyDocument | undefined {
  let document = value;
  if (typeof value === 'string') {
    try {
      document = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  const statement = (document as PolicyDocument | undefined)?.Statement;
  return statement !== undefined && typeof document === 'object' ? (document as PolicyDocument) : undefined;
}

function optionalNumber(value: unknown): number | undefined {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}
