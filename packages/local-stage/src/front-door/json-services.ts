import type { DynaliteBackend } from '../dynamodb/dynalite-backend';
import { AwsError } from '../errors';
import { dynamodbAuthorizations, ssmAuthorizations } from '../iam';
import { handleSsmOperation, type ParameterStore } from '../ssm';
import type { ReceivedRequest } from '../types';
import { type Answer, jsonAnswer, jsonErrorAnswer } from './answers';
import { authenticate, authorize, type GuardDeps } from './guard';

export interface JsonServiceDeps extends GuardDeps {
  accountId: string;
  ssm: ParameterStore;
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
    const input = parseInput(request.body);
    const needed =
      service === 'ssm'
        ? ssmAuthorizations(operation, input, deps.region, deps.accountId)
        : dynamodbAuthorizations(operation, input, deps.region, deps.accountId);
    authorize(principal, needed, request, deps, 'json');
    if (service === 'ssm') {
      const output = handleSsmOperation(deps.ssm, operation, input, {
        region: deps.region,
        accountId: deps.accountId,
      });
      return jsonAnswer(output, contentType);
    }
    const answer = await deps.dynamodb.handle(operation, input);
    return { statusCode: answer.statusCode, headers: { 'Content-Type': contentType }, body: answer.body };
  } catch (error) {
    if (error instanceof AwsError) return jsonErrorAnswer(error, contentType);
    throw error;
  }
}

function parseInput(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // answered below, as AWS answers a body it cannot read
  }
  throw new AwsError(400, 'SerializationException', 'Start of structure or map found where not expected.');
}
