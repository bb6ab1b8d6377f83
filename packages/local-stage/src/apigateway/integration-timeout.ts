import type { InvokeResult } from '../lambda/types';
import { INTEGRATION_TIMEOUT_MS, type IntegrationResult } from './proxy-response';

/**
 * Waits for an invocation at most as long as API Gateway does (29 s by default). A function whose own
 * timeout is shorter ends first with a Lambda timeout, which `toHttpResponse` answers with 502; a longer
 * one is cut off here, answered with 504, while it runs on as it would in AWS.
 *
 * @example
 * const result = await withIntegrationTimeout(runtime.invoke(functionName, event, { requestId }));
 * const answer = toHttpResponse(result, requestId);
 */
export function withIntegrationTimeout(
  invocation: Promise<InvokeResult>,
  timeoutMs = INTEGRATION_TIMEOUT_MS,
): Promise<IntegrationResult> {
  // One promise settled by whichever comes first, cheaper on every call than Promise.race.
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => resolve({ ok: false, kind: 'integration-timeout', durationMs: timeoutMs }),
      timeoutMs,
    );
    invocation.then(
      (result) => {
        clearTimeout(timer);
        resolve(result);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
