/**
 * The Electron main process, kept thin: it runs the same headless station as
 * `retrovue serve` and opens the console in a window. Everything else is testable
 * under plain Node.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTROL_TOKEN_CHANNEL } from '../shared/ipc-channels.ts';
import { resolveDataDir } from './config/data-dir.ts';
import { startHeadlessStation } from './headless.ts';
import { createLogger } from './logger.ts';

// Electron's typings ship with its (optional) package; the few calls used here are typed locally
// so type checks pass on machines where it could not be installed.
interface WebContentsLike {
  setWindowOpenHandler(fn: (details: { url: string }) => { action: 'deny' | 'allow' }): void;
  on(event: 'will-navigate', fn: (event: { preventDefault(): void }, url: string) => void): void;
}
interface BrowserWindowLike {
  loadURL(url: string): Promise<void>;
  once(event: 'ready-to-show', fn: () => void): void;
  show(): void;
  webContents: WebContentsLike;
}
interface IpcInvokeEvent {
  senderFrame?: { url: string } | null;
}
interface ElectronLike {
  ipcMain: { handle(channel: string, fn: (event: IpcInvokeEvent) => unknown): void };
  app: { whenReady(): Promise<void>; on(event: string, fn: (...args: unknown[]) => void): void; quit(): void; getPath(name: 'userData'): string };
  BrowserWindow: new (options: Record<string, unknown>) => BrowserWindowLike;
}

const require = createRequire(import.meta.url);
const electron = require('electron') as ElectronLike;
const here = path.dirname(fileURLToPath(import.meta.url));

/** Whether `url` is a page of the station's own console (same origin). */
function isConsoleUrl(url: string, stationUrl: string): boolean {
  try {
    return new URL(url).origin === new URL(stationUrl).origin;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const { app, BrowserWindow, ipcMain } = electron;
  const dataFlag = process.argv.find((a) => a.startsWith('--data='))?.slice('--data='.length);
  await app.whenReady();
  const running = await startHeadlessStation({
    dataDir: resolveDataDir(dataFlag),
    host: process.env.RETROVUE_HOST ?? '0.0.0.0',
    port: Number(process.env.RETROVUE_PORT ?? 8410),
    logger: createLogger(),
    encoderSelfTest: true,
    consoleDir: path.resolve(here, '../renderer'),
  });
  process.stdout.write(`RetroVue is on the air. Console: ${running.url}  Control: ${running.controlUrl}  M3U: ${running.m3uUrl}\n`);
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    show: false,
    backgroundColor: '#0b0d10',
    title: 'RetroVue — Master Control',
    icon: path.resolve(here, '../../resources/icons/icon.png'),
    webPreferences: {
      preload: path.resolve(here, '../preload/preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      additionalArguments: [`--retrovue-api-base=${running.url}`],
    },
  });
  win.once('ready-to-show', () => win.show());
  // The window is the console and nothing else: no pop-ups, no navigating to other sites.
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (event, url) => {
    if (!isConsoleUrl(url, running.url)) event.preventDefault();
  });
  // The operator's own window gets the control token from the preload, over IPC: never in its
  // address (history, screenshots) nor its process arguments (visible to every local user).
  ipcMain.handle(CONTROL_TOKEN_CHANNEL, (event) => (isConsoleUrl(event.senderFrame?.url ?? '', running.url) ? running.token : null));
  await win.loadURL(running.url);
  let quitting = false;
  app.on('before-quit', (...args: unknown[]) => {
    if (quitting) return;
    quitting = true;
    (args[0] as { preventDefault(): void }).preventDefault();
    void running.stop().finally(() => app.quit());
  });
  app.on('window-all-closed', () => app.quit());
}

main().catch((err: unknown) => {
  process.stderr.write(`RetroVue could not start: ${(err as Error).message}\n`);
  process.exit(1);
});
