import { GetParameterCommand, type GetParameterCommandOutput } from '@aws-sdk/client-ssm';
import { DiscoveryTimeoutError } from './errors';
import { parseServiceUrl, toDiscoveryError } from './parameter';

/** The one SSM call discovery makes; an `SSMClient` satisfies it, and so does a test's fake. */
export interface SsmGetParameter {
  send(
    command: GetParameterCommand,
    options?: { abortSignal?: AbortSignal },
  ): Promise<GetParameterCommandOutput>;
}

/**
 * Reads one URL parameter, and gives up after `timeoutMs` whatever SSM does: the SDK's own retries
 * are inside that limit, and its request is aborted (`abortSignal`, which every SDK v3 command
 * accepts), so a caller's Lambda function never waits on SSM longer than this.
 *
 * @example
 * const url = await lookUpUrl(new SSMClient({}), '/dev/users/url', 'dev', 2000);
 */
export async function lookUpUrl(
  ssm: SsmGetParameter,
  parameterName: string,
  stage: string,
  timeoutMs: number,
): Promise<string> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new DiscoveryTimeoutError(parameterName, timeoutMs));
    }, timeoutMs);
  });
  let output: GetParameterCommandOutput;
  try {
    const request = ssm.send(new GetParameterCommand({ Name: parameterName }), { abortSignal: abort.signal });
    // The race also ends the wait for a client that ignores the signal.
    output = await Promise.race([request, timedOut]);
  } catch (error) {
    if (error instanceof DiscoveryTimeoutError) throw error;
    throw toDiscoveryError(error, parameterName, stage);
  } finally {
    clearTimeout(timer);
  }
  return parseServiceUrl(parameterName, output.Parameter?.Value);
}
