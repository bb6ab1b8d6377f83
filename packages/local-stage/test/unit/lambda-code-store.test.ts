import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalStageError } from '../../src/errors';
import { CodeStore } from '../../src/lambda';
import { makeZip } from '../fixtures/lambda/make-zip';

let workDir: string;

beforeEach(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'code-store-test-'));
});

afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('CodeStore', () => {
  it('unpacks a zip with its directories', async () => {
    const zip = path.join(workDir, 'fn.zip');
    await makeZip(zip, { 'src/handlers/get-user.js': 'exports.handler = 1;', 'package.json': '{}' });
    const taskRoot = await new CodeStore(path.join(workDir, 'code')).unpack(zip);
    expect(await readFile(path.join(taskRoot, 'src/handlers/get-user.js'), 'utf8')).toBe(
      'exports.handler = 1;',
    );
  });

  it('reuses what an earlier start unpacked when the zip is unchanged', async () => {
    const zip = path.join(workDir, 'fn.zip');
    await makeZip(zip, { 'index.js': 'exports.handler = 1;' });
    const first = await new CodeStore(path.join(workDir, 'code')).unpack(zip);
    await writeFile(path.join(first, 'index.js'), 'left as it was');

    const again = await new CodeStore(path.join(workDir, 'code')).unpack(zip);
    expect(again).toBe(first);
    expect(await readFile(path.join(again, 'index.js'), 'utf8')).toBe('left as it was');

    await makeZip(zip, { 'index.js': 'exports.handler = 2;' });
    const changed = await new CodeStore(path.join(workDir, 'code')).unpack(zip);
    expect(changed).not.toBe(first);
    expect(await readFile(path.join(changed, 'index.js'), 'utf8')).toBe('exports.handler = 2;');
  });

  it('says which package it cannot unpack', async () => {
    const zip = path.join(workDir, 'broken.zip');
    await writeFile(zip, 'not a zip');
    const unpacking = new CodeStore(path.join(workDir, 'code')).unpack(zip);
    await expect(unpacking).rejects.toThrow(LocalStageError);
    await expect(unpacking).rejects.toThrow(/Cannot unpack .*broken\.zip/);
  });

  it('says which package it cannot find', async () => {
    await expect(new CodeStore(workDir).unpack(path.join(workDir, 'missing.zip'))).rejects.toThrow(
      /Cannot read the function package .*missing\.zip/,
    );
  });
});
