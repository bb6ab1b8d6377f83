import { createHash } from 'node:crypto';

interface StackPlace {
  stackName: string;
  region: string;
  accountId: string;
  partition?: string;
  urlSuffix?: string;
}

/**
 * The value of a CloudFormation pseudo parameter (`AWS::Region`, `AWS::AccountId`, …) for a stack, or
 * `undefined` for a name CloudFormation does not define. `AWS::NoValue` gives `noValue`.
 *
 * @example
 * pseudoParameter('AWS::URLSuffix', { stackName: 'users-local', region: 'us-east-1', accountId: '000000000000' }, null); // 'amazonaws.com'
 */
export function pseudoParameter<N>(
  name: string,
  place: StackPlace,
  noValue: N,
): string | string[] | N | undefined {
  const partition = place.partition ?? 'aws';
  switch (name) {
    case 'AWS::Region':
      return place.region;
    case 'AWS::AccountId':
      return place.accountId;
    case 'AWS::Partition':
      return partition;
    case 'AWS::URLSuffix':
      return place.urlSuffix ?? 'amazonaws.com';
    case 'AWS::StackName':
      return place.stackName;
    case 'AWS::StackId':
      return `arn:${partition}:cloudformation:${place.region}:${place.accountId}:stack/${place.stackName}/${stackUuid(place)}`;
    case 'AWS::NotificationARNs':
      return [];
    case 'AWS::NoValue':
      return noValue;
    default:
      return undefined;
  }
}

// A real stack id ends in a random UUID; a hash keeps it stable across restarts of the local stage.
function stackUuid(place: StackPlace): string {
  const hex = createHash('sha256')
    .update(`${place.accountId}/${place.region}/${place.stackName}`)
    .digest('hex');
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20, 32)].join(
    '-',
  );
}
