import { missingPrerequisites, type Probe } from '../lib/test-deploy';

describe('missingPrerequisites', () => {
  it('is empty when python3, moto and cfn-lint all answer', () => {
    const probe: Probe = () => ({ ok: true, output: '5.2.1' });
    expect(missingPrerequisites(probe)).toEqual([]);
  });

  it('names each missing tool with what went wrong and how to install it', () => {
    const probe: Probe = (command, args) => {
      if (command === 'cfn-lint') return { ok: false, output: 'spawnSync cfn-lint ENOENT' };
      if (args[0] === '-c')
        return { ok: false, output: "Traceback …\nModuleNotFoundError: No module named 'moto'" };
      return { ok: true, output: 'Python 3.11.7' };
    };

    expect(missingPrerequisites(probe)).toEqual([
      `moto (server mode) 5.x: not found (ModuleNotFoundError: No module named 'moto'). Install: python3 -m pip install "moto[server]>=5.2,<6"`,
      'cfn-lint 1.x: not found (spawnSync cfn-lint ENOENT). Install: python3 -m pip install "cfn-lint>=1,<2"',
    ]);
  });

  it('says when python3 itself is missing', () => {
    const probe: Probe = (command) => ({ ok: command !== 'python3', output: '' });
    expect(missingPrerequisites(probe)[0]).toBe(
      'python3: not found (python3 did not run). Install: Python 3.9 or later (python.org, or your package manager)',
    );
  });
});
