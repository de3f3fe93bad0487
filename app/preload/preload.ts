/**
 * Preload bridge: tells the console where the station's HTTP API is and hands it the control
 * token (asked of the main process over IPC), and nothing else; the renderer then speaks
 * plain HTTP to the station. Sandboxed preloads are CommonJS and may only load "electron",
 * so the build bundles this file into one CJS script.
 */
import { CONTROL_TOKEN_CHANNEL } from '../shared/ipc-channels.ts';
import type { RetroVueBridge } from '../renderer/src/bridge.ts';
import { apiBaseFrom } from './api-base.ts';

interface ContextBridge {
  exposeInMainWorld(apiKey: string, api: unknown): void;
}
interface IpcRenderer {
  invoke(channel: string): Promise<unknown>;
}

// Electron's typings come with an optional dependency that headless machines lack, so the one
// API used here is typed locally and loaded the way a CJS preload loads it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { contextBridge, ipcRenderer } = require('electron') as { contextBridge: ContextBridge; ipcRenderer: IpcRenderer };

const bridge: RetroVueBridge = Object.freeze({
  apiBase: apiBaseFrom(process.argv, globalThis.location),
  // Only the token crosses: never ipcRenderer itself.
  controlToken: async (): Promise<string | null> => {
    const token = await ipcRenderer.invoke(CONTROL_TOKEN_CHANNEL);
    return typeof token === 'string' && token ? token : null;
  },
});
contextBridge.exposeInMainWorld('retrovue', bridge);
