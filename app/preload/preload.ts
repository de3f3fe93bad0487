/**
 * Preload bridge: tells the console where the station's HTTP API is, and nothing else; the
 * renderer then speaks plain HTTP to it. Sandboxed preloads are CommonJS and may only load
 * "electron", so the build bundles this file into one CJS script.
 */
import type { RetroVueBridge } from '../renderer/src/bridge.ts';
import { apiBaseFrom } from './api-base.ts';

interface ContextBridge {
  exposeInMainWorld(apiKey: string, api: unknown): void;
}

// Electron's typings come with an optional dependency that headless machines lack, so the one
// API used here is typed locally and loaded the way a CJS preload loads it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { contextBridge } = require('electron') as { contextBridge: ContextBridge };

const bridge: RetroVueBridge = Object.freeze({ apiBase: apiBaseFrom(process.argv, globalThis.location) });
contextBridge.exposeInMainWorld('retrovue', bridge);
