// `npm start`: the desktop console where Electron is installed, otherwise the headless
// station (same engine) with the console in a browser. Arguments after `--` go to the
// station, e.g. `npm start -- --data ~/tv --port 8500`.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { buildElectron, buildRenderer } from './build.mjs';
import { ensureElectronNative } from './electron-native.mjs';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(path.join(root, 'package.json'));
const args = process.argv.slice(2);

function electronBinary() {
  if (process.env.RETROVUE_HEADLESS) return null;
  try {
    const bin = require('electron'); // the package exports the binary's path under Node
    return typeof bin === 'string' && existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

buildRenderer();
const electron = electronBinary();
let child;
if (electron) {
  buildElectron();
  const version = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
  const binding = ensureElectronNative(version);
  const dataArg = args.indexOf('--data');
  const extra = dataArg >= 0 && args[dataArg + 1] ? [`--data=${path.resolve(args[dataArg + 1])}`] : [];
  child = spawn(electron, [path.join(root, 'out', 'main', 'electron-main.js'), ...extra], { stdio: 'inherit', env: { ...process.env, RETROVUE_SQLITE_BINDING: binding } });
} else {
  console.error('Electron is not installed here: running the station headless. Open the console URL below in a browser.');
  child = spawn(process.execPath, [path.join(root, 'bin', 'retrovue.mjs'), 'serve', ...args], { stdio: 'inherit' });
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
