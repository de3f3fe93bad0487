// Electron loads native modules built for its own ABI. This builds better-sqlite3 for the
// installed Electron into node_modules/.retrovue-electron/electron-<version>/, leaving the
// Node build (used by the CLI, the headless station and the tests) untouched. The database
// module picks the right one at run time; one checkout serves both.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(path.join(root, 'package.json'));

export function electronNativeBinding(electronVersion) {
  return path.join(root, 'node_modules', '.retrovue-electron', `electron-${electronVersion}`, 'better_sqlite3.node');
}

export function ensureElectronNative(electronVersion) {
  const target = electronNativeBinding(electronVersion);
  if (existsSync(target)) return target;
  console.error(`Building the database module for Electron ${electronVersion} (once)…`);
  const pkgDir = path.dirname(require.resolve('better-sqlite3/package.json'));
  const work = mkdtempSync(path.join(os.tmpdir(), 'retrovue-sqlite-'));
  try {
    cpSync(pkgDir, work, { recursive: true, filter: (src) => !src.includes(`${path.sep}build${path.sep}`) });
    const npmDir = path.dirname(path.dirname(require.resolve('npm/package.json', { paths: [path.dirname(process.execPath), path.join(path.dirname(process.execPath), '..', 'lib')] })));
    const nodeGyp = path.join(npmDir, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    const r = spawnSync(process.execPath, [nodeGyp, 'rebuild', '--release', `--target=${electronVersion}`, `--arch=${process.arch}`, '--dist-url=https://electronjs.org/headers'], { cwd: work, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('node-gyp could not build better-sqlite3 for Electron; check the build tools (python3, make, a C++ compiler).');
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(path.join(work, 'build', 'Release', 'better_sqlite3.node'), target);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
