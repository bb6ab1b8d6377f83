/** Every error the harness raises on purpose. */
export class StageHarnessError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The suite cannot run against the stage it was pointed at (no credentials, stage not deployed,
 * roles it cannot assume): raised by the global setup before any test runs, with every reason.
 */
export class PreflightError extends StageHarnessError {}
