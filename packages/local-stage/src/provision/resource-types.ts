import type { ProvisionedResource, ResourceProvisioner, ResourceRequest } from './context';
import { provisionParameter, provisionTable } from './data-resources';
import { provisionManagedPolicy, provisionPolicy, provisionRole } from './iam-resources';
import { provisionFunction, provisionPermission } from './lambda-resources';
import { generatedName, optionalString } from './properties';
import {
  provisionApiDeployment,
  provisionApiMethod,
  provisionApiResource,
  provisionRestApi,
} from './rest-api-resources';

/** Resources that exist on AWS but change nothing a local call can observe: given an id, nothing more. */
function passive(nameProperty?: string): ResourceProvisioner {
  return (request: ResourceRequest): ProvisionedResource => {
    const name = (nameProperty && optionalString(request, nameProperty)) || generatedName(request, 'local');
    return { physicalId: name, attributes: { Arn: `arn:aws:local:::${name}` } };
  };
}

/** Every resource type the local stage provisions; any other type stops provisioning with its name. */
export const RESOURCE_TYPES: Readonly<Record<string, ResourceProvisioner>> = {
  'AWS::IAM::Role': provisionRole,
  'AWS::IAM::Policy': provisionPolicy,
  'AWS::IAM::ManagedPolicy': provisionManagedPolicy,
  'AWS::DynamoDB::Table': provisionTable,
  'AWS::SSM::Parameter': provisionParameter,
  'AWS::Lambda::Function': provisionFunction,
  'AWS::Lambda::Permission': provisionPermission,
  'AWS::Lambda::Version': passive(),
  'AWS::ApiGateway::RestApi': provisionRestApi,
  'AWS::ApiGateway::Resource': provisionApiResource,
  'AWS::ApiGateway::Method': provisionApiMethod,
  'AWS::ApiGateway::Deployment': provisionApiDeployment,
  // The deployment bucket and log groups: serverless's plumbing, with no behaviour to emulate.
  'AWS::S3::Bucket': passive('BucketName'),
  'AWS::S3::BucketPolicy': passive(),
  'AWS::Logs::LogGroup': passive('LogGroupName'),
};
