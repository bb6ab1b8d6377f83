import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStageError } from '../../src/errors';
import { ParameterStore } from '../../src/ssm';

describe('ParameterStore', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ssm-store-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('stamps each version with the injected clock', () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const store = new ParameterStore({ now: () => now });
    store.put('/a', '1', { type: 'String' });
    now = new Date('2026-01-02T00:00:00Z');
    expect(store.put('/a', '2', { overwrite: true })).toEqual({ version: 2, tier: 'Standard' });
    expect(store.get('/a')?.lastModifiedDate).toEqual(now);
  });

  it('hands out copies, so callers cannot change what it keeps', () => {
    const store = new ParameterStore();
    store.put('/a', '1', { type: 'String' });
    const copy = store.get('/a');
    if (copy) copy.value = 'changed';
    expect(store.get('/a')?.value).toBe('1');
  });

  it('keeps parameters in the persist file across instances', () => {
    const file = join(dir, 'nested', 'ssm.json');
    const first = new ParameterStore({ persistFile: file, now: () => new Date('2026-01-01T00:00:00Z') });
    first.put('/local/users/url', 'http://x', { type: 'String', description: 'users URL' });
    first.put('/secret', 's', { type: 'SecureString' });
    first.put('/gone', 'g', { type: 'String' });
    first.delete('/gone');

    const second = new ParameterStore({ persistFile: file });
    expect(second.all().map((p) => p.name)).toEqual(['/local/users/url', '/secret']);
    expect(second.get('/local/users/url')).toEqual({
      name: '/local/users/url',
      type: 'String',
      value: 'http://x',
      version: 1,
      lastModifiedDate: new Date('2026-01-01T00:00:00Z'),
      tier: 'Standard',
      dataType: 'text',
      description: 'users URL',
    });
    expect(second.get('/secret')?.keyId).toBe('alias/aws/ssm');
  });

  it('writes through a temporary file it renames, leaving only the persist file', () => {
    const file = join(dir, 'ssm.json');
    new ParameterStore({ persistFile: file }).put('/a', '1', { type: 'String' });
    expect(readdirSync(dir)).toEqual(['ssm.json']);
    expect(JSON.parse(readFileSync(file, 'utf8')).parameters[0].name).toBe('/a');
  });

  it('fails at construction on a persist file it cannot read', () => {
    const file = join(dir, 'ssm.json');
    writeFileSync(file, '{ not json');
    expect(() => new ParameterStore({ persistFile: file })).toThrow(LocalStageError);
    expect(() => new ParameterStore({ persistFile: file })).toThrow(
      `Cannot read the SSM parameters kept in ${file}`,
    );
  });
});
