// `npm run test:faults`: the fault-injection suite (app/main/faults) alone. It attacks real
// stations for a few minutes, so plain `npm test` leaves it out except in CI (CI=true).
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const result = spawnSync(process.execPath, [vitest, 'run', 'app/main/faults', ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: root,
  env: { ...process.env, RETROVUE_FAULTS: '1' },
});
process.exit(result.status ?? 1);
