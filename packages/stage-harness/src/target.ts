import { readFileSync } from 'node:fs';
import type { Credentials } from '@internal-apis/local-stage';

/** What the integration suite runs against: an ephemeral local stage, or a deployed AWS stage. */
export type StageTarget =
  | {
      kind: 'local';
      stage: string;
      region: string;
      accountId: string;
      endpoint: string;
      services: Record<string, { url: string; roles: string[] }>;
      developer: Credentials;
      /** Temporary credentials of every role, by role name. */
      roles: Record<string, Credentials>;
      logFile: string;
    }
  | {
      kind: 'aws';
      stage: string;
      region: string;
      profile?: string;
      /** Found by the pre-flight: the account the stage is in, and its ARNs' partition. */
      accountId: string;
      partition: string;
    };

/** The environment variable through which the global setup hands the target to test files. */
export const TARGET_FILE_VARIABLE = 'STAGE_HARNESS_TARGET_FILE';

/** The state folder of a running local stage (`npm start`) to run the suite against, instead of a stage of its own. */
export const RUNNING_STAGE_VARIABLE = 'LOCAL_STAGE_DIR';

let cached: StageTarget | undefined;

/** The target the global setup chose; fails with a clear message when the suite runs without it. */
export function stageTarget(): StageTarget {
  if (cached) return cached;
  const file = process.env[TARGET_FILE_VARIABLE];
  if (!file) {
    throw new Error(
      `${TARGET_FILE_VARIABLE} is not set: run the integration suite with \`npm run test:integration\` (its global setup starts or finds the stage)`,
    );
  }
  cached = JSON.parse(readFileSync(file, 'utf8')) as StageTarget;
  return cached;
}

export function describeTarget(target: StageTarget): string {
  return target.kind === 'local'
    ? `${process.env[RUNNING_STAGE_VARIABLE] ? 'the running local stage' : 'an ephemeral local stage'} at ${target.endpoint} (stage ${target.stage}, ${Object.keys(target.services).length} services)`
    : `AWS stage ${target.stage} in ${target.region}${target.profile ? ` with profile ${target.profile}` : ''}`;
}
