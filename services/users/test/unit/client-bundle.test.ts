import { join } from 'node:path';
import { build } from 'esbuild';

/** The files a bundle of `entry` is made of, as esbuild resolves them for a caller's Lambda. */
async function bundledInputs(entry: string): Promise<string[]> {
  const { metafile } = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.keys(metafile.inputs);
}

function packageOf(input: string): string {
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
  return (
    dependency ??
    input
      .replace(/^(?:\.\.\/)+/, '')
      .split('/')
      .slice(0, 2)
      .join('/')
  );
}

describe('the users client bundle', () => {
  it('carries signed-client, discovery and lambda-http, but not the service (DynamoDB, zod)', async () => {
    const inputs = await bundledInputs(join(__dirname, '../../src/client.ts'));
    const packages = new Set(inputs.map(packageOf));
    expect([...packages]).toEqual(
      expect.arrayContaining(['packages/signed-client', 'packages/discovery', 'packages/lambda-http']),
    );
    for (const heavy of ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', 'zod']) {
      expect(packages).not.toContain(heavy);
    }
    const ownFiles = inputs
      .filter((input) => input.includes('services/users/'))
      .map((input) => input.split('/').pop());
    expect(ownFiles.sort()).toEqual(['client-errors.ts', 'client.ts']);
  });
});
