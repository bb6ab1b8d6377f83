/**
 * Discovery's one error hierarchy. Every error names the SSM parameter it was reading (when one was
 * known), so a log line alone says which service and stage to look at.
 */
export class DiscoveryError extends Error {
  constructor(
    message: string,
    readonly parameterName: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Discovery cannot work as configured: no stage, or a service name SSM would not accept. */
export class DiscoveryConfigError extends DiscoveryError {
  constructor(message: string, parameterName?: string) {
    super(message, parameterName);
  }
}

/** SSM answered ParameterNotFound: the callee has not published its URL to this stage. */
export class ServiceNotFoundError extends DiscoveryError {
  constructor(parameterName: string, stage: string, options?: { cause?: unknown }) {
    super(
      `SSM parameter ${parameterName} does not exist: check that the service is deployed to stage "${stage}" ` +
        'and that its stack publishes its URL there.',
      parameterName,
      options,
    );
  }
}

/** SSM answered AccessDeniedException: the caller's role may not read the parameter. */
export class DiscoveryAccessDeniedError extends DiscoveryError {
  constructor(
    parameterName: string,
    readonly parameterArn: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Access denied reading SSM parameter ${parameterName}: the caller's role needs ssm:GetParameter ` +
        `on ${parameterArn}.`,
      parameterName,
      options,
    );
  }
}

/** The parameter exists but does not hold an http(s) URL, so no request could be sent to it. */
export class InvalidServiceUrlError extends DiscoveryError {
  constructor(
    parameterName: string,
    readonly value: string | undefined,
  ) {
    super(
      `SSM parameter ${parameterName} holds ${JSON.stringify(value ?? null)}, not an http(s) URL.`,
      parameterName,
    );
  }
}

/** Any other failure of the SSM request (network, throttling, a 5xx); the SDK's error is the cause. */
export class DiscoveryRequestError extends DiscoveryError {
  constructor(parameterName: string, cause: unknown) {
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`Reading SSM parameter ${parameterName} failed: ${reason}`, parameterName, { cause });
  }
}

/**
 * SSM did not answer within the time allowed: discovery's own limit for one GetParameter, or the
 * caller's remaining time when that was shorter.
 */
export class DiscoveryTimeoutError extends DiscoveryError {
  constructor(
    parameterName: string,
    readonly timeoutMs: number,
  ) {
    super(`SSM did not answer GetParameter ${parameterName} within ${timeoutMs} ms.`, parameterName);
  }
}
