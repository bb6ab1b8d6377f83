// Run by the reliability benchmark in a fresh process (`node --import tsx scripts/bench/reliability-stage.ts
// [--persist DIR]`): the local stage as `npm start` runs it, on a free port, its stage files in a
// temporary folder, its data in DIR when given (so a kill -9 of this process can be survived or not).
// Prints one ready line (see stage-ready.ts); on SIGUSR2, one line with the number of SSM
// GetParameter requests each role made so far (the front door's access recorder counts them);
// stops cleanly on SIGTERM.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { type AccessReport, LocalStage } from '@internal-apis/local-stage';
import { SSM_READS_PREFIX } from './ssm-reads';
import { READY_PREFIX, type StageReady } from './stage-ready';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { persist: { type: 'string' } } });
  const stateDir = mkdtempSync(join(tmpdir(), 'bench-reliability-'));
  const started = performance.now();
  const stage = await LocalStage.start({
    repoRoot: resolve(__dirname, '../..'),
    port: 0,
    stateDir,
    persist: values.persist,
    packageFirst: true,
    // Thousands of requests: their function log lines would cost more than the requests.
    log: () => {},
  });
  const ready: StageReady = {
    startMs: performance.now() - started,
    description: stage.description,
    developer: stage.developerCredentials,
  };
  process.stdout.write(`${READY_PREFIX}${JSON.stringify(ready)}\n`);
  process.on('SIGUSR2', () => {
    process.stdout.write(`${SSM_READS_PREFIX}${JSON.stringify(getParameterReads(stage.accessUsage()))}\n`);
  });
  const stop = async () => {
    await stage.stop();
    rmSync(stateDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** Per role, the GetParameter requests its `ssm:GetParameter` statements allowed. */
function getParameterReads(report: AccessReport): Record<string, number> {
  const reads: Record<string, number> = {};
  for (const role of report.roles) {
    reads[role.role] = role.statements
      .filter((usage) => usage.effect === 'Allow' && /^ssm:GetParameter\b/.test(usage.summary))
      .reduce((sum, usage) => sum + usage.uses, 0);
  }
  return reads;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
