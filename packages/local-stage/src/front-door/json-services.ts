import type { DynaliteBackend } from '../dynamodb/dynalite-backend';
import { AwsError } from '../errors';
import { dynamodbAuthorizations, ssmAuthorizations } from '../iam';
import { type AllowedPatternMatcher, handleSsmOperation, type ParameterStore } from '../ssm';
import type { ReceivedRequest } from '../types';
import { type Answer, jsonAnswer, jsonErrorAnswer } from './answers';
import { authenticate, authorize, type GuardDeps } from './guard';
import { parseJsonInput } from './json-body';

export interface JsonServiceDeps extends GuardDeps {
  accountId: string;
  ssm: ParameterStore;
  /** Where SSM's `AllowedPattern` runs; one worker shared by the process unless given. */
  patterns?: AllowedPatternMatcher;
  dynamodb: DynaliteBackend;
}

/** The AWS JSON-protocol services behind the front door, told apart by `X-Amz-Target`. */
const SERVICES = {
  'AmazonSSM.': { service: 'ssm', contentType: 'application/x-amz-json-1.1' },
  'DynamoDB_20120810.': { service: 'dynamodb', contentType: 'application/x-amz-json-1.0' },
} as const;

/** One JSON-protocol call: the service, its operation and the content type it answers in. */
export interface JsonServiceCall {
  service: 'ssm' | 'dynamodb';
  operation: string;
  contentType: string;
}

/**
 * The JSON-protocol call a request makes (`POST` with `X-Amz-Target`) to a service served here, if any.
 *
 * @example jsonServiceCall('POST', 'AmazonSSM.GetParameter') // { service: 'ssm', operation: 'GetParameter', … }
 */
export function jsonServiceCall(method: string, target: string | undefined): JsonServiceCall | undefined {
  if (method !== 'POST' || target === undefined) return undefined;
  for (const [prefix, { service, contentType }] of Object.entries(SERVICES)) {
    if (target.startsWith(prefix)) return { service, contentType, operation: target.slice(prefix.length) };
  }
  return undefined;
}

/** Authenticates, authorizes and runs one SSM or DynamoDB call. */
export async function handleJsonService(
  request: ReceivedRequest,
  { service, operation, contentType }: JsonServiceCall,
  deps: JsonServiceDeps,
): Promise<Answer> {
  try {
    const { principal } = authenticate(request, service, deps);
    const input = parseJsonInput(request.body, service);
    const needed =
      service === 'ssm'
        ? ssmAuthorizations(operation, input, deps.region, deps.accountId)
        : dynamodbAuthorizations(operation, input, deps.region, deps.accountId);
    // Nothing reaches a backend without at least one Allow: a call that names no resource (an empty
    // RequestItems or TransactItems) is refused here, as AWS refuses it, with a ValidationException.
    if (needed.length === 0) {
      throw new AwsError(400, 'ValidationException', '[local stage] The call names no resource to authorize');
    }
    authorize(principal, needed, request, deps, 'json');
    if (service === 'ssm') {
      const output = await handleSsmOperation(deps.ssm, operation, input, {
        region: deps.region,
        accountId: deps.accountId,
        patterns: deps.patterns,
      });
      return jsonAnswer(output, contentType);
    }
    // The body was parsed for this call alone: the backend may validate it in place.
    const answer = await deps.dynamodb.handle(operation, input, { inputOwned: true });
    return { statusCode: answer.statusCode, headers: { 'Content-Type': contentType }, body: answer.body };
  } catch (error) {
    if (error instanceof AwsError) return jsonErrorAnswer(error, contentType);
    throw error;
  }
}
