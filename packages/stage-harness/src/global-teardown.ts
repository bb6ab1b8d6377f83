import { relative } from 'node:path';

/** Jest global teardown: stops the local stage the global setup started, if it started one. */
export default async function globalTeardown(): Promise<void> {
  const stage = globalThis.__LOCAL_STAGE__;
  await stage?.stop();
  globalThis.__LOCAL_STAGE__ = undefined;
  const run = stage?.runFile;
  if (run) {
    console.log(`\nIAM decisions of this run: ${relative(process.cwd(), run)}`);
    console.log(
      '  npm run iam -- report --from integration [--suggest]   (least privilege, from what the suite used)',
    );
  }
}
