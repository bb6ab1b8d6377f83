/** A command line mistake: the scripts print its message and the usage, and exit 1. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** True when the arguments ask for the usage text. */
export function wantsHelp(argv: string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/**
 * Runs a `parseArgs` call and turns its mistakes (an unknown option, a missing value) into a
 * `UsageError`.
 *
 * @example
 * const { values } = usageErrors(() => parseArgs({ args: argv, options: { stage: { type: 'string' } } }));
 */
export function usageErrors<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * The `--stage` value, or `fallback`; a stage becomes part of stack and parameter names, so only
 * letters, digits and hyphens are accepted.
 *
 * @example
 * requireStage(values.stage); // 'dev', or throws UsageError when --stage is missing
 */
export function requireStage(stage: string | undefined, fallback?: string): string {
  const resolved = stage ?? fallback;
  if (!resolved) throw new UsageError('--stage is required, e.g. --stage dev');
  if (!/^[a-zA-Z][a-zA-Z0-9-]*$/.test(resolved)) {
    throw new UsageError(`--stage must be letters, digits and -, not "${resolved}"`);
  }
  return resolved;
}

/**
 * Runs a script's command line: `--help` prints `usage`; a UsageError prints its message and
 * `usage`, and exits 1; anything else is the command's own exit code or error.
 *
 * @example
 * process.exitCode = await withUsage(argv, USAGE, async () => { … return 0; });
 */
export async function withUsage(
  argv: string[],
  usage: string,
  command: () => Promise<number>,
): Promise<number> {
  if (wantsHelp(argv)) {
    console.log(usage);
    return 0;
  }
  try {
    return await command();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${usage}`);
    return 1;
  }
}
