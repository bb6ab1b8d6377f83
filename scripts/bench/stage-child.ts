// Run by the benchmark in a fresh process (`node --import tsx scripts/bench/stage-child.ts`): starts
// the local stage as `npm start` does, packaging first, but on a free port and with its stage files
// in a temporary folder, so a developer's own `npm start` and its .local-stage/ are left alone.
// Prints one ready line (see stage-ready.ts) and stops cleanly on SIGTERM.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LocalStage } from '@internal-apis/local-stage';
import { READY_PREFIX, type StageReady } from './stage-ready';

async function main(): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), 'bench-stage-'));
  const started = performance.now();
  // Function logs go to stdout as `npm start` prints them; the benchmark reads and drops them.
  const stage = await LocalStage.start({
    repoRoot: resolve(__dirname, '../..'),
    port: 0,
    stateDir,
    packageFirst: true,
    log: (line) => console.log(line),
  });
  const ready: StageReady = {
    startMs: performance.now() - started,
    description: stage.description,
    developer: stage.developerCredentials,
  };
  process.stdout.write(`${READY_PREFIX}${JSON.stringify(ready)}\n`);
  const stop = async () => {
    await stage.stop();
    rmSync(stateDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
