// Builds what runs outside vitest/tsx: the console (Vite → out/renderer) and, with
// --electron, the Electron main and preload bundles (esbuild → out/main, out/preload).
// Skips work that is already up to date.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const args = new Set(process.argv.slice(2));

function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function run(cmd, cmdArgs) {
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', cwd: root });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

export function buildRenderer(force = false) {
  const out = path.join(root, 'out', 'renderer', 'index.html');
  const srcNewest = Math.max(newestMtime(path.join(root, 'app', 'renderer')), newestMtime(path.join(root, 'app', 'shared')), existsSync(path.join(root, 'vite.config.ts')) ? statSync(path.join(root, 'vite.config.ts')).mtimeMs : 0);
  if (!existsSync(path.join(root, 'app', 'renderer', 'index.html'))) return;
  if (!force && existsSync(out) && statSync(out).mtimeMs >= srcNewest) return;
  console.error('Building the console…');
  run(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn']);
}

/** Electron main and preload bundles into `outRoot` (default out/; tests build into their own folder). */
export function buildElectron(outRoot = path.join(root, 'out')) {
  const esbuild = path.join(root, 'node_modules', 'esbuild', 'bin', 'esbuild');
  const common = ['--bundle', '--platform=node', '--target=node20', '--sourcemap', '--external:electron', '--external:better-sqlite3', '--external:@ffmpeg-installer/*', '--external:@ffprobe-installer/*', '--external:ffmpeg-static', '--external:pino', '--external:pino-pretty', '--external:fastify', '--external:@fastify/*', '--external:@achingbrain/ssdp'];
  // External packages load from node_modules as published (the SSDP library reads its own
  // package.json at a relative path, which bundling breaks).
  // CommonJS packages bundled into the ESM main (yaml, for one) call require() for Node
  // built-ins; esbuild's ESM output has no require, so the bundle provides one.
  const requireBanner = "--banner:js=import { createRequire as __rvCreateRequire } from 'node:module'; const require = __rvCreateRequire(import.meta.url);";
  run(esbuild, [path.join(root, 'app', 'main', 'electron-main.ts'), ...common, '--format=esm', requireBanner, '--outfile=' + path.join(outRoot, 'main', 'electron-main.js')]);
  run(esbuild, [path.join(root, 'app', 'preload', 'preload.ts'), ...common, '--format=cjs', '--outfile=' + path.join(outRoot, 'preload', 'preload.cjs')]);
  // Migrations are read at run time, next to the bundle.
  cpSync(path.join(root, 'app', 'main', 'db', 'migrations'), path.join(outRoot, 'main', 'migrations'), { recursive: true });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // --electron-only builds just the Electron bundles; --out=DIR puts them in DIR instead of out/.
  const outArg = process.argv.slice(2).find((a) => a.startsWith('--out='));
  if (!args.has('--electron-only')) buildRenderer(args.has('--force'));
  if (!args.has('--renderer-only') && (args.has('--electron') || args.has('--electron-only'))) buildElectron(outArg ? path.resolve(outArg.slice('--out='.length)) : undefined);
}
