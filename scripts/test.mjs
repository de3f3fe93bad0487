// The project's one test command: builds the console (the browser tests load it), runs every
// test with vitest, and ends with a plain "N passed, N failed" line.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--renderer-only'], { stdio: 'inherit', cwd: root });
if (build.status !== 0) process.exit(build.status ?? 1);

mkdirSync(path.join(root, 'out'), { recursive: true });
const report = path.join(root, 'out', 'test-results.json');
const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const args = [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)];
const result = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root });

try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`\ntests: ${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
} catch {
  console.log('\ntests: 0 passed, 1 failed (no test report was written)');
  process.exit(result.status || 1);
}
process.exit(result.status ?? 1);
