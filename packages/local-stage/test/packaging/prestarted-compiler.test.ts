/**
 * `npm start` forks the template compiler and gives it its job before the stage has loaded: the
 * stage then takes it over, with what it answered meanwhile, when it asks for that same job, be the
 * compiler still at work or done already.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  compileJob,
  discardPrestartedCompiler,
  frameworkDir,
  prestartCompiler,
  takePrestartedCompiler,
} from '../../src/packaging/compiler-process';
import { compileTemplates } from '../../src/packaging/template-compiler';
import { compiledTemplateDir, templateInputs } from '../../src/packaging/template-inputs';
import { copyServices } from '../fixtures/services/repository-copy';

const REPO_ROOT = path.resolve(__dirname, '../../../..');
const SERVICE = 'notifications';
const OPTIONS = { stage: 'local', region: 'us-east-1' };

let root: string;
let serviceDir: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'prestarted-compiler-'));
  [serviceDir = ''] = copyServices(REPO_ROOT, root, [SERVICE]);
});
afterEach(() => discardPrestartedCompiler());
afterAll(() => rmSync(root, { recursive: true, force: true }));

function jobForService(): ReturnType<typeof compileJob> {
  const { key } = templateInputs(serviceDir, { ...OPTIONS, frameworkDir: frameworkDir(root) });
  return compileJob(root, OPTIONS, [
    { dir: serviceDir, outDir: compiledTemplateDir(serviceDir, 'local', key) },
  ]);
}

it('is not handed over for another job', () => {
  prestartCompiler(root, OPTIONS);
  const other = { ...jobForService(), stage: 'dev' };
  expect(takePrestartedCompiler(root, other)).toBeUndefined();
  expect(takePrestartedCompiler(root, jobForService())).toBeUndefined();
});

function compile() {
  const plans: string[] = [];
  let planned = 0;
  const outcome = compileTemplates(jobForService().services, {
    repoRoot: root,
    ...OPTIONS,
    onPlan: (_dir, plan) => plans.push(plan.bundler),
    onPlanned: () => {
      planned += 1;
    },
  });
  return outcome.then((outcomes) => ({ outcomes, plans, planned }));
}

it('is taken over for its job while it works, its answers reaching the stage', async () => {
  prestartCompiler(root, OPTIONS);
  const { outcomes, plans, planned } = await compile();
  expect(outcomes.get(serviceDir)).toMatchObject({ ok: true, plan: { bundler: 'local-stage' } });
  expect({ plans, planned }).toEqual({ plans: ['local-stage'], planned: 1 });
}, 60_000);

it('is taken over for its job after it is done, its answers kept for the stage', async () => {
  rmSync(path.join(serviceDir, '.local-stage'), { recursive: true, force: true });
  prestartCompiler(root, OPTIONS);
  // The stage still loading meanwhile: the compiler answers everything and exits.
  for (
    let waited = 0;
    waited < 30_000 &&
    !existsSync(
      path.join(jobForService().services[0]?.outDir ?? '', 'cloudformation-template-update-stack.json'),
    );
    waited += 100
  )
    await new Promise((wait) => setTimeout(wait, 100));
  await new Promise((wait) => setTimeout(wait, 1_000));
  const { outcomes, plans, planned } = await compile();
  expect(outcomes.get(serviceDir)).toMatchObject({ ok: true, plan: { bundler: 'local-stage' } });
  expect({ plans, planned }).toEqual({ plans: ['local-stage'], planned: 1 });
}, 60_000);
