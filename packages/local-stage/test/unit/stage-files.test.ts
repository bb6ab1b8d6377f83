import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  claimStateDir,
  findRunningStage,
  removeStageFiles,
  type StageDescription,
  StateDirInUseError,
  writeStageFiles,
} from '../../src/stage-files';

function description(endpoint: string, pid = process.pid): StageDescription {
  return {
    region: 'us-east-1',
    accountId: '000000000000',
    stage: 'local',
    endpoint,
    profile: 'local',
    services: {
      users: {
        url: `${endpoint}/abcdefghij/local`,
        apiId: 'abcdefghij',
        stackName: 'users-local',
        roles: ['users-local-us-east-1-lambdaRole'],
      },
      web: { url: '', apiId: '', stackName: 'web-local', roles: [] },
    },
    pid,
    startedAt: '2026-01-01T00:00:00.000Z',
  };
}

/** The pid of a process that has ended. */
function endedPid(): number {
  const result = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(result.stdout.toString());
}

const modeOf = (file: string) => statSync(file).mode & 0o777;
const developer = { accessKeyId: 'AKIAEXAMPLEEXAMPLE00', secretAccessKey: 'secret/Example+Key' };

describe('stage files', () => {
  it('writes stage.json, the credentials and a config with a profile per service role', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stage-files-'));
    await writeStageFiles(dir, description('http://127.0.0.1:4577'), developer);
    expect(JSON.parse(readFileSync(join(dir, 'stage.json'), 'utf8')).services.users.url).toBe(
      'http://127.0.0.1:4577/abcdefghij/local',
    );
    expect(readFileSync(join(dir, 'credentials'), 'utf8')).toBe(
      '[local]\naws_access_key_id = AKIAEXAMPLEEXAMPLE00\naws_secret_access_key = secret/Example+Key\n',
    );
    expect(readFileSync(join(dir, 'config'), 'utf8')).toBe(
      [
        '[profile local]',
        'region = us-east-1',
        'endpoint_url = http://127.0.0.1:4577',
        '',
        '[profile local-users]',
        'role_arn = arn:aws:iam::000000000000:role/users-local-us-east-1-lambdaRole',
        'source_profile = local',
        'role_session_name = local-developer',
        'region = us-east-1',
        'endpoint_url = http://127.0.0.1:4577',
        '',
      ].join('\n'),
    );
  });

  it('keeps the credentials readable by their owner alone, whether created or rewritten', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stage-files-'));
    await writeStageFiles(dir, description('http://127.0.0.1:4577'), developer);
    expect(modeOf(join(dir, 'credentials'))).toBe(0o600);

    writeFileSync(join(dir, 'credentials'), 'left by an older stage\n');
    chmodSync(join(dir, 'credentials'), 0o644);
    await writeStageFiles(dir, description('http://127.0.0.1:4578'), developer);
    expect(modeOf(join(dir, 'credentials'))).toBe(0o600);
    expect(readFileSync(join(dir, 'credentials'), 'utf8')).toContain(developer.secretAccessKey);
    expect(readdirSync(dir).sort()).toEqual(['config', 'credentials', 'stage.json']);
  });

  it('removes them on stop, unless another stage has written its own since', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stage-files-'));
    await writeStageFiles(dir, description('http://127.0.0.1:4000', 4242), developer);
    await removeStageFiles(dir, process.pid);
    expect(readdirSync(dir).sort()).toEqual(['config', 'credentials', 'stage.json']);
    await removeStageFiles(dir, 4242);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('one stage per state folder', () => {
  it('refuses a second stage while the first one runs, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stage-files-'));
    const running = process.ppid;
    await claimStateDir(dir, running);
    await writeStageFiles(dir, description('http://127.0.0.1:4577', running), developer);

    const second = claimStateDir(dir);
    await expect(second).rejects.toThrow(StateDirInUseError);
    await expect(claimStateDir(dir)).rejects.toThrow(
      `another local stage is running from ${dir}: process ${running} at http://127.0.0.1:4577`,
    );
    await removeStageFiles(dir, process.pid);
    expect(readdirSync(dir).sort()).toEqual(['config', 'credentials', 'stage.json', 'stage.lock']);
  });

  it('takes over the files of a stage whose process has ended', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stage-files-'));
    const ended = endedPid();
    await claimStateDir(dir, ended);
    await writeStageFiles(dir, description('http://127.0.0.1:4577', ended), developer);

    await claimStateDir(dir);
    expect(readdirSync(dir)).toEqual(['stage.lock']);
    expect(JSON.parse(readFileSync(join(dir, 'stage.lock'), 'utf8')).pid).toBe(process.pid);
  });
});

describe('finding the running stage', () => {
  it('says how to start one when there is none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stage-files-'));
    expect(await findRunningStage(dir)).toEqual({
      state: 'absent',
      message: expect.stringMatching(/^No local stage is running from .*Start one: npm start$/),
    });
  });

  it('tells a stage whose terminal was closed from a running one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stage-files-'));
    const ended = endedPid();
    await writeStageFiles(dir, description('http://127.0.0.1:4577', ended), developer);
    expect(await findRunningStage(dir)).toEqual({
      state: 'ended',
      message: expect.stringContaining(`its process ${ended} has ended`),
    });

    await writeStageFiles(dir, description('http://127.0.0.1:4577'), developer);
    expect(await findRunningStage(dir)).toMatchObject({
      state: 'running',
      description: { endpoint: 'http://127.0.0.1:4577', pid: process.pid },
    });
  });
});
