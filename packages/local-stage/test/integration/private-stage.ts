import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalStage, type LocalStageOptions } from '@internal-apis/local-stage';
import { createSignedClient, type SignedClientOptions } from '@internal-apis/signed-client';
import type { AxiosInstance } from 'axios';

export const REPO_ROOT = resolve(__dirname, '../../../..');

const stateDirs = new WeakMap<LocalStage, string>();

/**
 * A stage of the test file's own, in a temporary state folder (`{tmp}/{prefix}…`), for what the shared
 * stage cannot show without disturbing other files (a cold caller, a parameter removed, a callee that
 * hangs). The integration suite's global setup built every service, so this stage reuses its templates
 * and bundles. Function logs are dropped unless `options.log` keeps them.
 *
 * @example
 * stage = await startPrivateStage('discovery-outage-');
 * afterAll(() => stopPrivateStage(stage));
 */
export async function startPrivateStage(
  prefix: string,
  options: Partial<LocalStageOptions> = {},
): Promise<LocalStage> {
  const stateDir = await mkdtemp(join(tmpdir(), prefix));
  try {
    const stage = await LocalStage.start({
      repoRoot: REPO_ROOT,
      port: 0,
      stateDir,
      log: () => {},
      ...options,
    });
    stateDirs.set(stage, stateDir);
    return stage;
  } catch (error) {
    await rm(stateDir, { recursive: true, force: true });
    throw error;
  }
}

/** Stops a stage `startPrivateStage` started (if it did) and removes its state folder. */
export async function stopPrivateStage(stage: LocalStage | undefined): Promise<void> {
  if (!stage) return;
  await stage.stop();
  const stateDir = stateDirs.get(stage);
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
}

/**
 * A signed client of a service of the stage, as the developer, that neither retries nor throws on a
 * status, so a test reads every answer as it came.
 *
 * @example await developerClient(stage, 'orders').post('/orders', order);
 */
export function developerClient(
  stage: LocalStage,
  service: string,
  options: Partial<SignedClientOptions> = {},
): AxiosInstance {
  const url = stage.description.services[service]?.url;
  if (!url) throw new Error(`The stage has no service ${service}`);
  return createSignedClient({
    baseURL: url,
    region: stage.description.region,
    credentials: async () => stage.developerCredentials,
    retry: { retries: 0 },
    axiosConfig: { validateStatus: () => true },
    ...options,
  });
}
