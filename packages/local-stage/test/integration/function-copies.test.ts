import type { LocalStage, RequestEvent } from '@internal-apis/local-stage';
import { signRequest } from '@internal-apis/signed-client';
import { startPrivateStage, stopPrivateStage } from './private-stage';

// A stage of its own (reusing the templates and bundles the suite's global setup built), with 2 copies per
// function: a burst of cold calls to orders must make at most one SSM GetParameter per copy, as a
// burst on Lambda makes one per execution environment (discovery shares its first request).

const COPIES = 2;
const BURST = 12;

let stage: LocalStage;
const events: RequestEvent[] = [];

beforeAll(async () => {
  stage = await startPrivateStage('function-copies-', {
    onRequest: (event) => events.push(event),
    // No more copies than these, however slow a call (a cold callee on a loaded machine).
    lambda: { maxEnvironmentsPerFunction: COPIES, burstLimitPerFunction: COPIES },
  });
}, 60_000);

afterAll(() => stopPrivateStage(stage));

test('a burst of cold calls makes one discovery request per copy of the function', async () => {
  const ordersUrl = `${stage.description.services.orders?.url}/orders`;
  const body = JSON.stringify({ userId: 'no-such-user', items: [{ sku: 'sku-1', quantity: 1 }] });
  const statuses = await Promise.all(
    Array.from({ length: BURST }, async () => {
      const headers = signRequest(
        { method: 'POST', url: ordersUrl, headers: { 'content-type': 'application/json' }, body },
        stage.developerCredentials,
        { service: 'execute-api', region: stage.description.region },
      );
      return (await fetch(ordersUrl, { method: 'POST', headers, body })).status;
    }),
  );
  expect(statuses).toEqual(Array(BURST).fill(422));

  const ordersRole = stage.description.services.orders?.roles[0] ?? '';
  const discoveries = events.filter(
    (event) =>
      event.service === 'ssm' &&
      event.operation === 'GetParameter' &&
      event.principal?.includes(`/${ordersRole}/`),
  );
  expect(discoveries.length).toBeGreaterThanOrEqual(1);
  expect(discoveries.length).toBeLessThanOrEqual(COPIES);
});
