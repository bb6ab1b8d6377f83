import type { RestApiDefinition, RestApiMethod } from '../apigateway';
import type { PackagedStack } from '../cloudformation';
import type { DynaliteBackend } from '../dynamodb/dynalite-backend';
import type { DeployedApi, MockResponse } from '../front-door/execute-api';
import type { KeyRing, Role } from '../identity/key-ring';
import type { LambdaRuntime } from '../lambda';
import type { ParameterStore } from '../ssm';
import type { NamedPolicy } from '../types';

/** What one stack's resources are provisioned into: the stage's shared services and registries. */
export interface StageServices {
  region: string;
  accountId: string;
  stageName: string;
  /** The front door's URL, e.g. `http://127.0.0.1:4577`. */
  endpoint: string;
  keys: KeyRing;
  /** Roles by ARN. */
  roles: Map<string, Role>;
  /** Customer managed policies (AWS::IAM::ManagedPolicy) by ARN; created with the first one. */
  managedPolicies?: Map<string, NamedPolicy>;
  ssm: ParameterStore;
  dynamodb: DynaliteBackend;
  /** Provisioning deploys functions; the front door invokes them. */
  lambda: Pick<LambdaRuntime, 'deploy' | 'invoke'>;
  apis: Map<string, DeployedApi>;
  /** Function names whose resource policy allows `apigateway.amazonaws.com`. */
  invocableFunctions: Set<string>;
  /** CloudFormation exports of every stack provisioned so far. */
  exports: Map<string, string>;
  log: (line: string) => void;
}

export interface ProvisionedResource {
  physicalId: string;
  attributes: Record<string, string>;
}

/** A REST API of the stack being provisioned, until its AWS::ApiGateway::Deployment serves it. */
export interface ApiUnderConstruction {
  definition: RestApiDefinition;
  mockResponses: Map<RestApiMethod, MockResponse>;
}

/** One resource being provisioned, its properties already resolved. */
export interface ResourceRequest {
  stack: PackagedStack;
  logicalId: string;
  properties: Record<string, unknown>;
  stage: StageServices;
  /** REST APIs of this stack still being assembled, by API id. */
  apisUnderConstruction: Map<string, ApiUnderConstruction>;
}

export type ResourceProvisioner = (
  request: ResourceRequest,
) => Promise<ProvisionedResource> | ProvisionedResource;
