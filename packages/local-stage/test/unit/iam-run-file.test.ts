import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRun, RunFile, readRun } from '../../src/iam/run-file';

const HEADER = {
  stage: 'local',
  region: 'us-east-1',
  accountId: '000000000000',
  repoRoot: '/repo',
  startedAt: '2026-05-04T10:00:00.000Z',
  services: [],
};

const ALLOWED = {
  principal: { arn: 'arn:aws:sts::000000000000:assumed-role/orders/fn', role: 'orders' },
  action: 'ssm:GetParameter',
  resource: 'arn:aws:ssm:us-east-1:000000000000:parameter/local/users/url',
  effect: 'Allow' as const,
  decidedBy: 'identity' as const,
  statements: [
    {
      key: 'orders-local:Role/Policies/0#3',
      policyType: 'identity' as const,
      policyName: 'orders',
      index: 3,
    },
  ],
};

function repo(): string {
  return mkdtempSync(join(tmpdir(), 'run-file-'));
}

describe('the run file of a stage', () => {
  it('keeps one line per distinct decision and counts the repeats', async () => {
    const dir = join(repo(), '.local-stage/runs');
    const run = RunFile.open(dir, { source: 'integration', ...HEADER });
    for (let i = 0; i < 3; i += 1) run.decision(ALLOWED);
    run.decision({ ...ALLOWED, effect: 'ImplicitDeny', statements: [] });
    await run.close();

    const read = readRun(run.file);

    expect(read.complete).toBe(true);
    expect(read.header).toMatchObject({ type: 'run', version: 1, source: 'integration' });
    expect(read.decisions.map((decision) => [decision.effect, decision.count])).toEqual([
      ['Allow', 3],
      ['ImplicitDeny', 1],
    ]);
  });

  it('keeps at most 20,000 distinct decisions, and counts the rest', async () => {
    const run = RunFile.open(join(repo(), '.local-stage/runs'), { source: 'bench', ...HEADER });
    for (let i = 0; i < 20_010; i += 1) run.decision({ ...ALLOWED, resource: `${ALLOWED.resource}/${i}` });
    await run.close();

    const read = readRun(run.file);

    expect(read.decisions).toHaveLength(20_000);
    expect(read.dropped).toBe(10);
  });

  it('reads a run the stage did not stop cleanly, each decision counted once', () => {
    const file = join(repo(), 'start-killed.jsonl');
    const lines = [
      { type: 'run', version: 1, source: 'start', ...HEADER },
      { type: 'decision', id: 1, at: HEADER.startedAt, ...ALLOWED },
    ];
    // A stage killed mid-write leaves its last line cut short.
    writeFileSync(file, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n{"type":"decis`);

    const read = readRun(file);

    expect(read.complete).toBe(false);
    expect(read.decisions.map((decision) => decision.count)).toEqual([1]);
  });

  it('finds the latest run of a source, or says how to make one', async () => {
    const root = repo();
    const dir = join(root, '.local-stage/runs');
    expect(() => findRun(root, 'integration')).toThrow(
      `No integration run in ${dir}: run \`npm run test:integration\` or \`npm start\` first, or pass --from FILE`,
    );
    const first = RunFile.open(dir, { source: 'integration', ...HEADER });
    await first.close();
    const started = RunFile.open(dir, { source: 'start', ...HEADER, startedAt: '2026-05-04T11:00:00.000Z' });
    await started.close();

    expect(findRun(root, 'integration')).toBe(first.file);
    expect(findRun(root, 'latest')).toBe(started.file);
  });

  it('keeps the last twenty runs of a source', async () => {
    const dir = join(repo(), '.local-stage/runs');
    for (let i = 0; i < 22; i += 1) {
      const run = RunFile.open(dir, {
        source: 'start',
        ...HEADER,
        startedAt: `2026-05-04T10:${String(i).padStart(2, '0')}:00.000Z`,
      });
      await run.close();
    }

    expect(readdirSync(dir).filter((name) => name.startsWith('start-'))).toHaveLength(20);
  });
});
