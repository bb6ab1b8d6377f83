import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeStageFiles, type StageDescription, writeStageFiles } from '../../src/stage-files';

function description(endpoint: string): StageDescription {
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
        roles: [],
      },
    },
  };
}

describe('stage files', () => {
  const developer = { accessKeyId: 'AKIAEXAMPLEEXAMPLE00', secretAccessKey: 'secret/Example+Key' };

  it('writes stage.json and a shared-credentials and config pair for profile local', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stage-files-'));
    await writeStageFiles(dir, description('http://127.0.0.1:4577'), developer);
    expect(JSON.parse(readFileSync(join(dir, 'stage.json'), 'utf8')).services.users.url).toBe(
      'http://127.0.0.1:4577/abcdefghij/local',
    );
    expect(readFileSync(join(dir, 'credentials'), 'utf8')).toBe(
      '[local]\naws_access_key_id = AKIAEXAMPLEEXAMPLE00\naws_secret_access_key = secret/Example+Key\n',
    );
    expect(readFileSync(join(dir, 'config'), 'utf8')).toBe(
      '[profile local]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:4577\n',
    );
  });

  it('removes them on stop, unless another stage has written its own since', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stage-files-'));
    await writeStageFiles(dir, description('http://127.0.0.1:4000'), developer);
    await removeStageFiles(dir, 'http://127.0.0.1:5000');
    expect(readdirSync(dir).sort()).toEqual(['config', 'credentials', 'stage.json']);
    await removeStageFiles(dir, 'http://127.0.0.1:4000');
    expect(readdirSync(dir)).toEqual([]);
  });
});
