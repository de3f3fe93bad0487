/**
 * The desktop app's built bundles, loaded under plain Node with a stand-in for the `electron`
 * module (Electron's own binary is not available everywhere tests run). The stand-in records
 * what the main process asks of app and BrowserWindow, and lets the test quit the app.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { importStation } from './schedule/station-file.ts';
import { openStation } from './station.ts';
import { makeTempDir } from './test-support/temp-dir.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The stand-in `electron`: app and BrowserWindow record their calls as `@electron {json}` lines
 * on stdout; stdin commands drive it (quit, navigate URL, open URL, invoke CHANNEL URL: an IPC call
 * from a frame at URL).
 */
const STAND_IN = String.raw`
const readline = require('node:readline');
const say = (event, data) => process.stdout.write('@electron ' + JSON.stringify({ event, ...data }) + '\n');
const handlers = {};
const app = {
  whenReady: async () => { say('whenReady'); },
  on(name, fn) { (handlers[name] ??= []).push(fn); },
  quit() {
    let prevented = false;
    const ev = { preventDefault: () => { prevented = true; } };
    for (const fn of handlers['before-quit'] ?? []) fn(ev);
    say('quit', { prevented });
    if (!prevented) setImmediate(() => process.exit(0));
  },
  getPath: () => require('node:os').tmpdir(),
};
const ipcHandlers = {};
const ipcMain = { handle(channel, fn) { ipcHandlers[channel] = fn; say('ipc-handle', { channel }); } };
const ipcRenderer = { invoke: async (channel) => { globalThis.__invoked = channel; return 'token-from-main-0123456789'; } };
let win = null;
class BrowserWindow {
  constructor(options) {
    win = this;
    this.nav = [];
    this.openHandler = null;
    this.webContents = {
      setWindowOpenHandler: (fn) => { this.openHandler = fn; },
      on: (name, fn) => { if (name === 'will-navigate') this.nav.push(fn); },
    };
    say('window', { options });
  }
  loadURL(url) { say('loadURL', { url }); return Promise.resolve(); }
  once() {}
  show() {}
}
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, arg] = line.trim().split(' ');
  if (cmd === 'quit') app.quit();
  if (cmd === 'navigate') {
    let prevented = false;
    for (const fn of win.nav) fn({ preventDefault: () => { prevented = true; } }, arg);
    say('navigated', { url: arg, prevented });
  }
  if (cmd === 'invoke') {
    const [channel, url] = line.trim().split(' ').slice(1);
    const fn = ipcHandlers[channel];
    Promise.resolve(fn ? fn({ senderFrame: { url } }) : undefined).then((result) => say('invoked', { channel, url, result: result ?? null, handled: !!fn }));
  }
  if (cmd === 'open') say('opened', { url: arg, action: win.openHandler ? win.openHandler({ url: arg }).action : 'no handler' });
});
module.exports = { app, BrowserWindow, ipcMain, ipcRenderer, contextBridge: { exposeInMainWorld: (key, api) => { globalThis.__exposed = { key, api }; } } };
`;

interface StandInEvent {
  event: string;
  [k: string]: unknown;
}

/** A running bundle: its recorded events, and a way to wait for one. */
function runBundle(entry: string, args: string[]) {
  const child: ChildProcess = spawn(process.execPath, [entry, ...args], {
    cwd: path.dirname(entry),
    env: { ...process.env, RETROVUE_HOST: '127.0.0.1', RETROVUE_PORT: '0' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const events: StandInEvent[] = [];
  const waiters: { test: (e: StandInEvent) => boolean; resolve: (e: StandInEvent) => void; reject: (err: Error) => void }[] = [];
  let stderr = '';
  let buf = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buf += chunk.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (!line.startsWith('@electron ')) continue;
      const e = JSON.parse(line.slice('@electron '.length)) as StandInEvent;
      events.push(e);
      for (const w of [...waiters]) {
        if (!w.test(e)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // A bundle that dies at load fails the wait at once, with its error.
  void exited.then((code) => {
    for (const w of waiters.splice(0)) w.reject(new Error(`the bundle exited (code ${code}) before it was asked; stderr: ${stderr.slice(-2000)}`));
  });
  const next = (name: string, timeoutMs = 30_000): Promise<StandInEvent> => {
    const seen = events.find((e) => e.event === name);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the bundle never did '${name}' within ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`)), timeoutMs);
      waiters.push({ test: (e) => e.event === name, resolve: (e) => (clearTimeout(timer), resolve(e)), reject: (err) => (clearTimeout(timer), reject(err)) });
    });
  };
  const send = (line: string): void => void child.stdin!.write(`${line}\n`);
  return { child, events, next, send, exited, stderr: () => stderr };
}

describe('the Electron bundles', () => {
  const tmp = makeTempDir('retrovue-electron-');
  // Inside the checkout, so the bundle's external packages (fastify, better-sqlite3 …) resolve
  // from its node_modules; the stand-in sits nearer, so it wins over an installed electron.
  const outRoot = path.join(ROOT, 'out', `electron-smoke-${process.pid}`);
  const dataDir = path.join(tmp.dir, 'data');
  let run: ReturnType<typeof runBundle> | undefined;

  beforeAll(() => {
    const built = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), '--electron-only', `--out=${outRoot}`], { cwd: ROOT, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`the Electron build failed:\n${built.stdout}\n${built.stderr}`);
    const standIn = path.join(outRoot, 'node_modules', 'electron');
    mkdirSync(standIn, { recursive: true });
    writeFileSync(path.join(standIn, 'package.json'), JSON.stringify({ name: 'electron', main: 'index.js' }));
    writeFileSync(path.join(standIn, 'index.js'), STAND_IN);
    // One guide channel: a real station that needs no media (and so no demo build).
    const st = openStation({ dataDir });
    importStation(st.db, st.clock, 'version: 1\nchannels:\n  - { number: 9, name: Guide, timezone: UTC, guide: true }\n');
    st.close();
  }, 120_000);

  afterAll(async () => {
    if (run && run.child.exitCode === null) {
      run.child.kill('SIGKILL');
      await run.exited;
    }
    rmSync(outRoot, { recursive: true, force: true });
    tmp.cleanup();
  });

  it('main: starts the station, opens a locked-down window on the console, hands the token only to it over IPC, and quitting stops the station', async () => {
    run = runBundle(path.join(outRoot, 'main', 'electron-main.js'), [`--data=${dataDir}`]);
    await run.next('whenReady');
    const win = await run.next('window');
    const options = win.options as { webPreferences: Record<string, unknown> };
    expect(options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(existsSync(String(options.webPreferences.preload)), 'the preload the window names was built').toBe(true);

    const { url } = (await run.next('loadURL')) as unknown as { url: string };
    const token = readFileSync(path.join(dataDir, 'control-token'), 'utf8').trim();
    expect(token.length).toBeGreaterThanOrEqual(16);
    const loaded = new URL(url);
    expect(loaded.searchParams.get('token'), 'the token is not in the window’s address').toBeNull();
    expect(options.webPreferences.additionalArguments).toEqual([`--retrovue-api-base=${loaded.origin}`]);
    expect(JSON.stringify(options)).not.toContain(token);
    run.send(`invoke retrovue:control-token ${loaded.origin}/`);
    expect(await run.next('invoked')).toMatchObject({ handled: true, result: token });
    run.events.length = 0;
    run.send('invoke retrovue:control-token https://example.com/');
    expect((await run.next('invoked')).result, 'a frame from another site gets nothing').toBeNull();

    // The station behind the window is up: its API answers, and the CLI can find it.
    const health = (await (await fetch(`${loaded.origin}/api/health`)).json()) as { ok: boolean };
    expect(health.ok).toBe(true);
    const channels = (await (await fetch(`${loaded.origin}/api/channels`)).json()) as { number: number }[];
    expect(channels.map((c) => c.number)).toEqual([9]);
    expect(existsSync(path.join(dataDir, 'station.json'))).toBe(true);

    run.send(`navigate ${loaded.origin}/`);
    expect((await run.next('navigated')).prevented, 'navigating within the console is allowed').toBe(false);
    run.events.length = 0;
    run.send('navigate https://example.com/');
    expect((await run.next('navigated')).prevented, 'navigating away is blocked').toBe(true);
    run.send('open https://example.com/');
    expect((await run.next('opened')).action).toBe('deny');

    run.send('quit');
    const code = await run.exited;
    expect(code, run.stderr().slice(-2000)).toBe(0);
    // The first quit was held until the station stopped; then the app quit for real.
    expect(run.events.filter((e) => e.event === 'quit').map((e) => e.prevented)).toEqual([true, false]);
    expect(existsSync(path.join(dataDir, 'station.json')), 'the station removed station.json when it stopped').toBe(false);
    await expect(fetch(`${loaded.origin}/api/health`)).rejects.toThrow();
  }, 90_000);

  it('preload: hands the console the station address and, asked, the token from the main process', async () => {
    const preload = path.join(outRoot, 'preload', 'preload.cjs');
    const argv = process.argv;
    process.argv = [...argv, '--retrovue-api-base=http://127.0.0.1:8410/'];
    try {
      createRequire(preload)(preload);
    } finally {
      process.argv = argv;
    }
    const exposed = (globalThis as { __exposed?: { key: string; api: { apiBase: string } } }).__exposed;
    expect(exposed?.key).toBe('retrovue');
    expect(exposed?.api.apiBase).toBe('http://127.0.0.1:8410');
    expect(Object.isFrozen(exposed?.api)).toBe(true);
    const api = exposed!.api as unknown as { controlToken(): Promise<string | null> };
    expect(await api.controlToken()).toBe('token-from-main-0123456789');
    expect((globalThis as { __invoked?: string }).__invoked).toBe('retrovue:control-token');
    expect(Object.keys(exposed!.api).sort(), 'nothing else crosses the bridge').toEqual(['apiBase', 'controlToken']);
  });

  it('electron-builder packages what the app loads, for Linux, macOS and Windows', () => {
    const cfg = parse(readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as {
      files: string[]; asarUnpack: string[]; linux: { target: string[]; icon: string }; mac: { target: string; icon: string }; win: { target: string; icon: string };
    };
    expect(cfg.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(cfg.mac.target).toBe('dmg');
    expect(cfg.win.target).toBe('nsis');
    for (const icon of [cfg.linux.icon, cfg.mac.icon, cfg.win.icon]) expect(existsSync(path.join(ROOT, icon)), icon).toBe(true);
    const included = (rel: string): boolean => cfg.files.some((f) => !f.startsWith('!') && (f === rel || (f.endsWith('/**') && rel.startsWith(f.slice(0, -2)))));
    // The bundle layout the build produces, as the package's paths.
    const pkgMain = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string }).main;
    const built = ['main/electron-main.js', 'preload/preload.cjs', 'main/migrations/meta/_journal.json'];
    for (const rel of built) {
      expect(existsSync(path.join(outRoot, rel)), `the build makes ${rel}`).toBe(true);
      expect(included(`out/${rel}`), `electron-builder packages out/${rel}`).toBe(true);
    }
    expect(`out/${built[0]}`).toBe(pkgMain);
    expect(included('out/renderer/index.html')).toBe(true);
    for (const rel of ['resources/fonts/DejaVuSans.ttf', 'resources/icons/icon.png']) {
      expect(existsSync(path.join(ROOT, rel)), rel).toBe(true);
      expect(included(rel), `electron-builder packages ${rel}`).toBe(true);
    }
    expect(cfg.asarUnpack, 'fonts ffmpeg reads are unpacked').toContain('resources/**');
  });
});
