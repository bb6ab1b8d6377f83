import { AsyncLocalStorage } from 'node:async_hooks';

/** What a handler knows about the time its invocation has left: Lambda's `context.getRemainingTimeInMillis`. */
export interface InvocationClock {
  getRemainingTimeInMillis?: () => number;
}

const current = new AsyncLocalStorage<InvocationClock>();

/**
 * Runs `work` as part of a Lambda invocation, so that code it calls (the clients a container keeps
 * between invocations included) can read the invocation's remaining time without it being passed
 * through every layer. `jsonHandler` does this for every request.
 *
 * @example
 * return withinInvocation(context, () => route(event));
 */
export function withinInvocation<T>(context: InvocationClock, work: () => T): T {
  return current.run(context, work);
}

/**
 * Milliseconds until Lambda stops the invocation that is handling the current request, from the
 * Lambda context's `getRemainingTimeInMillis()` ("the number of milliseconds left before the
 * execution times out", AWS Lambda Developer Guide, the Node.js context object; at the timeout Lambda
 * ends the invocation and API Gateway answers 502); undefined outside an invocation (scripts, tests
 * that call a client directly), where no such limit applies. Clients pass it as their time budget,
 * so a retried call ends, as a typed timeout, before Lambda ends the function.
 *
 * @example
 * const users = createSignedClient({ callee: 'users', remainingTimeMs: remainingInvocationTimeMs });
 */
export function remainingInvocationTimeMs(): number | undefined {
  const remaining = current.getStore()?.getRemainingTimeInMillis?.();
  return typeof remaining === 'number' && Number.isFinite(remaining) ? Math.max(0, remaining) : undefined;
}
