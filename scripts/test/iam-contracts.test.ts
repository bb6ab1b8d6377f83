import { resolve } from 'node:path';
import { checkContracts, loadContracts, loadStageIam } from '@internal-apis/local-stage/iam';

// The contracts between the repository's services, checked from their compiled templates: every call a
// caller declares (src/calls.ts) is allowed by its role, every execute-api grant names a route its
// callee serves and that the caller calls, every route a client declares (src/contract.ts) is served.

const REPO_ROOT = resolve(__dirname, '../..');

it('hold for every caller of every service', async () => {
  const iam = await loadStageIam({ stage: 'local', repoRoot: REPO_ROOT });
  const contracts = await loadContracts(iam);

  expect(contracts.apis.map((api) => api.service)).toEqual(['users']);
  expect(
    contracts.callers
      .filter((caller) => caller.calls)
      .map((caller) => caller.service)
      .sort(),
  ).toEqual(['notifications', 'orders']);
  expect(checkContracts(iam, contracts).map((problem) => problem.message)).toEqual([]);
}, 180_000);
