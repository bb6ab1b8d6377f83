import { LocalStageError } from '../errors';

/** `serverless package` failed for a service; carries the end of its output, where the reason is. */
export class PackagingError extends LocalStageError {
  constructor(
    readonly service: string,
    readonly exitCode: number,
    readonly outputTail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Packaging service "${service}" failed (exit code ${exitCode}). Serverless said:\n${outputTail}`,
      options,
    );
  }
}

/** The framework could not compile a service's template (its configuration, a variable, a plugin). */
export class CompileError extends LocalStageError {
  constructor(
    readonly service: string,
    readonly details: string,
    options?: { cause?: unknown },
  ) {
    super(`Compiling the template of service "${service}" failed: ${details}`, options);
  }
}
