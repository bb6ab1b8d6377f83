// `npm run bench [-- --help]`: start, edit, throughput, memory and reliability figures of the local
// stage, measured side by side in one run. The benchmark is TypeScript (scripts/bench/), loaded
// through tsx like `npm start`, so it signs with the workspace's own signed client.
import { createRequire } from 'node:module';
import { register } from 'tsx/cjs/api';

register();
const { runBenchmark } = createRequire(import.meta.url)('./bench/main.ts');
try {
  process.exitCode = await runBenchmark(process.argv.slice(2));
} catch (error) {
  console.error(error?.name === 'BenchError' ? `bench: ${error.message}` : error);
  process.exitCode = 1;
}
