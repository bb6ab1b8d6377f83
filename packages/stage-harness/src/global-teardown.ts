/** Jest global teardown: stops the local stage the global setup started, if it started one. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__LOCAL_STAGE__?.stop();
  globalThis.__LOCAL_STAGE__ = undefined;
}
