import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Credentials } from './types';

/** What `.local-stage/stage.json` says: enough for any tool to find and call the stage. */
export interface StageDescription {
  region: string;
  accountId: string;
  stage: string;
  endpoint: string;
  profile: string;
  services: Record<string, { url: string; apiId: string; stackName: string; roles: string[] }>;
}

export const PROFILE = 'local';

/**
 * Writes `stage.json`, an AWS shared-credentials file and a config file (profile `local`, with the
 * region and the endpoint), so curl `--aws-sigv4`, the AWS CLI and the SDKs can reach the stage.
 */
export async function writeStageFiles(
  dir: string,
  description: StageDescription,
  developer: Credentials,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const credentials = [
    `[${PROFILE}]`,
    `aws_access_key_id = ${developer.accessKeyId}`,
    `aws_secret_access_key = ${developer.secretAccessKey}`,
    '',
  ].join('\n');
  const config = [
    `[profile ${PROFILE}]`,
    `region = ${description.region}`,
    `endpoint_url = ${description.endpoint}`,
    '',
  ].join('\n');
  await writeFile(join(dir, 'stage.json'), `${JSON.stringify(description, null, 2)}\n`);
  await writeFile(join(dir, 'credentials'), credentials, { mode: 0o600 });
  await writeFile(join(dir, 'config'), config);
}

/**
 * Removes what writeStageFiles wrote for the stage at `endpoint`; persisted data under the same folder
 * stays. Files another stage has written since (a second `npm start` on the same folder) are left alone.
 */
export async function removeStageFiles(dir: string, endpoint: string): Promise<void> {
  const current = await readFile(join(dir, 'stage.json'), 'utf8').then(
    (text) => (JSON.parse(text) as Partial<StageDescription>).endpoint,
    () => undefined,
  );
  if (current !== undefined && current !== endpoint) return;
  await Promise.all(
    ['stage.json', 'credentials', 'config'].map((name) => rm(join(dir, name), { force: true })),
  );
}
