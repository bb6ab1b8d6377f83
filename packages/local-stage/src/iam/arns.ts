/** The parts of an ARN: `arn:{partition}:{service}:{region}:{account}:{resource}`. */
export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

/**
 * Splits an ARN into its parts, or `undefined` for anything that is not one (`*`, a name).
 *
 * @example
 * parseArn('arn:aws:ssm:us-east-1:000000000000:parameter/local/users/url')?.account; // '000000000000'
 */
export function parseArn(arn: string): ParsedArn | undefined {
  const match = /^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+)$/s.exec(arn);
  if (!match) return undefined;
  const [, partition = '', service = '', region = '', account = '', resource = ''] = match;
  return { partition, service, region, account, resource };
}

/**
 * The account that owns a resource, from its ARN; `undefined` for `*` and for ARNs without one (S3).
 *
 * @example
 * ownerOfResource('arn:aws:dynamodb:us-east-1:111111111111:table/users'); // '111111111111'
 */
export function ownerOfResource(resource: string): string | undefined {
  // parseArn's fields, found by position: every request's resource is looked at.
  if (!resource.startsWith('arn:')) return undefined;
  const partitionEnd = resource.indexOf(':', 4);
  if (partitionEnd <= 4) return undefined;
  const serviceEnd = resource.indexOf(':', partitionEnd + 1);
  if (serviceEnd <= partitionEnd + 1) return undefined;
  const regionEnd = resource.indexOf(':', serviceEnd + 1);
  if (regionEnd === -1) return undefined;
  const accountEnd = resource.indexOf(':', regionEnd + 1);
  if (accountEnd === -1 || accountEnd === resource.length - 1) return undefined;
  const account = resource.slice(regionEnd + 1, accountEnd);
  return account ? account : undefined;
}
