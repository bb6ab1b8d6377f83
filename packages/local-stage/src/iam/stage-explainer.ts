import type { AwsError } from '../errors';
import { diagnoseSignature } from '../sigv4/failure-causes';
import { splitTarget } from '../sigv4/raw-request';
import type { IssuedKey, ReceivedRequest } from '../types';
import { type DecidedRequest, explainDecision } from './explain';
import { formatExplanation } from './explain-format';
import type { RunFile } from './run-file';
import type { StageIam } from './stage-iam';

export interface StageExplainerOptions {
  /** The stage's IAM once provisioned; before that, explanations name policies only. */
  iam: () => StageIam | undefined;
  /** Where the run's decisions go, if anywhere. */
  run: () => RunFile | undefined;
  log: (line: string) => void;
  /** Print the whole explanation under each refusal line, not only its summary. */
  verbose: boolean;
  /**
   * Print a line for each refusal (default): false when the stage's request lines print it, the
   * explanation's summary answered to be shown there.
   */
  refusalLines?: boolean;
  region: string;
  now: () => Date;
  lookupKey: (accessKeyId: string) => IssuedKey | undefined;
}

/**
 * What the running stage does with each access decision beyond answering it: writes it to the run file
 * (with the statements that decided it, by a key that survives restarts), and for a refusal prints a
 * line with its explanation (all of it with `--explain`). Nothing here may fail a request.
 *
 * @example
 * const explainer = new StageExplainer({ iam: () => model, run: () => runFile, log: console.log, verbose: true, region, now, lookupKey });
 * const recorder = new AccessRecorder({ onDecision: (decided) => explainer.decided(decided) });
 */
export class StageExplainer {
  constructor(private readonly options: StageExplainerOptions) {}

  /** An IAM decision; for a denial, answers the one-line explanation the access report keeps. */
  decided(decided: DecidedRequest): string | undefined {
    try {
      return this.record(decided);
    } catch (error) {
      this.options.log(
        `[iam] could not explain a decision: ${error instanceof Error ? error.message : String(error)}`,
      );
      return undefined;
    }
  }

  /** A request refused for its signature: its likely causes, ranked; answers their summary. */
  signatureRefused(request: ReceivedRequest, service: string, error: AwsError): string | undefined {
    try {
      const diagnosis = diagnoseSignature(request, error, {
        service,
        region: this.options.region,
        now: this.options.now(),
        lookupKey: this.options.lookupKey,
      });
      const { path } = splitTarget(request.target);
      this.options.run()?.signatureFailure({ service, method: request.method, path, diagnosis });
      if (this.options.refusalLines !== false) {
        this.options.log(
          `[sigv4] ${error.status} ${error.errorType}: ${request.method} ${path} (${service}): ${diagnosis.summary}`,
        );
      }
      if (this.options.verbose) {
        for (const cause of diagnosis.causes)
          this.options.log(`    ${cause.likelihood.padEnd(8)} ${cause.text}`);
      }
      return diagnosis.summary;
    } catch (failure) {
      this.options.log(
        `[sigv4] could not explain a refusal: ${failure instanceof Error ? failure.message : String(failure)}`,
      );
      return undefined;
    }
  }

  private record(decided: DecidedRequest): string | undefined {
    const run = this.options.run();
    // An allowed request matters only to the run file; the front door's hot path stays light.
    if (decided.decision.effect === 'Allow' && !run) return undefined;
    const iam = this.options.iam();
    const { principal, request, decision, resourcePolicy } = decided;
    const statements = decision.matched.map((ref) => ({
      key: iam?.statementKey(ref, principal, resourcePolicy) ?? `policy:${ref.policyName}#${ref.index}`,
      policyType: ref.policyType,
      policyName: ref.policyName,
      index: ref.index,
      ...(ref.sid ? { sid: ref.sid } : {}),
    }));
    const role = principal.roleArn?.split('/').at(-1);
    const recorded = {
      principal: { arn: principal.arn, ...(role ? { role } : {}) },
      action: request.action,
      resource: request.resource,
      effect: decision.effect,
      decidedBy: decision.decidedBy,
      statements,
    };
    if (decision.effect === 'Allow') {
      run?.decision(recorded);
      return undefined;
    }
    const explanation = explainDecision(decided, iam);
    run?.decision({ ...recorded, explanation });
    if (this.options.refusalLines !== false) {
      this.options.log(
        `[iam] 403 AccessDenied: ${principal.arn} → ${request.action} on ${request.resource}: ${explanation.summary}`,
      );
    }
    if (this.options.verbose) this.options.log(formatExplanation(explanation, { indent: '    ' }));
    return explanation.summary;
  }
}
