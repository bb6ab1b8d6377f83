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
  let output: GetParameterCommandOutput;
  try {
    const request = ssm.send(new GetParameterCommand({ Name: parameterName }), { abortSignal: abort.signal });
    // The race also ends the wait for a client that ignores the signal.
    output = await raceTimer(request, timeoutMs, () => {
      abort.abort();
      return new DiscoveryTimeoutError(parameterName, timeoutMs);
    });
  } catch (error) {
    if (error instanceof DiscoveryTimeoutError) throw error;
    throw toDiscoveryError(error, parameterName, stage);
  }
  return parseServiceUrl(parameterName, output.Parameter?.Value);
}

/**
 * `work`, unless `ms` pass first: then it rejects with what `timedOut` returns (which may also stop
 * the work). The timer is cleared either way.
 *
 * @example
 * await raceTimer(request, 2000, () => new DiscoveryTimeoutError('/dev/users/url', 2000));
 */
export function raceTimer<T>(work: Promise<T>, ms: number, timedOut: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(timedOut()), ms);
  });
  return Promise.race([work, gaveUp]).finally(() => clearTimeout(timer));
}
