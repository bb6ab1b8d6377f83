import type { Credentials } from '../types';

/** A Lambda function as the template declares it, resolved for this stage. */
export interface FunctionDefinition {
  /** e.g. `users-local-getUser` */
  functionName: string;
  /** As in the template, e.g. `src/handlers/get-user.handler` */
  handler: string;
  /** Absolute path of the zip that `serverless package` wrote. */
  codeZip?: string;
  /**
   * Or the zip's files, already unpacked (the stage's own bundles): used as the task root as is,
   * so source maps and stack traces resolve to the files the folder's maps name.
   */
  codeDirectory?: string;
  /** e.g. `nodejs22.x`; the local Node runs it, with a one-time note when it is not `nodejs*`. */
  runtime: string;
  /** The template's `Environment.Variables`, resolved. */
  environment: Record<string, string>;
  /** Lambda's default is 3. */
  timeoutSeconds: number;
  /** Lambda's default is 128. */
  memorySize: number;
  region: string;
  /** The account in `context.invokedFunctionArn`; defaults to `000000000000`. */
  accountId?: string;
  /** The role's temporary credentials (with session token), asked for at each cold start. */
  credentials: () => Credentials;
  /** The front door URL for each service the SDK should call, e.g. `http://127.0.0.1:4566`. */
  endpoints: { ssm: string; dynamodb: string };
}

/** The outcome of one invocation: the handler's result, or why there is none. */
export type InvokeResult =
  | { ok: true; payload: unknown; durationMs: number }
  | {
      ok: false;
      /** `error`: the handler threw or failed to load; `timeout`: it ran past its timeout; `crash`: its runtime died. */
      kind: 'error' | 'timeout' | 'crash';
      errorType: string;
      errorMessage: string;
      durationMs: number;
    };

export type InvokeFailure = Extract<InvokeResult, { ok: false }>;

export interface LambdaRuntimeOptions {
  /** Where zips are unpacked, once per zip hash; default a temporary directory removed on `stop()`. */
  codeRoot?: string;
  /** Where the functions' console output goes, one line at a time; default stdout prefixed with the function name. */
  log?: (line: string, functionName: string) => void;
  /**
   * Execution environments per function, each running one invocation at a time; default
   * `defaultEnvironmentsPerFunction()` (2 to 4, by cores). Lambda gives every concurrent request an
   * environment; the bound keeps a laptop's CPU and memory in check.
   */
  maxEnvironmentsPerFunction?: number;
  /**
   * A copy busy with one call for longer than this (default 1 s) is waiting or hung, not computing:
   * it stops counting toward `maxEnvironmentsPerFunction`, so a waiting request gets a copy of its
   * own, up to `burstLimitPerFunction` copies (default 8).
   */
  slowCallMs?: number;
  burstLimitPerFunction?: number;
  /** An environment idle this long is shut down, as Lambda does; default 5 minutes. */
  idleTimeoutMs?: number;
}
