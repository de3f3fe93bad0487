/**
 * Preload bridge: tells the console where the station's HTTP API is, and nothing else.
 * The main process passes the address as `--retrovue-api-base=<origin>` in
 * webPreferences.additionalArguments; the renderer then speaks plain HTTP to it.
 *
 * Sandboxed preloads are CommonJS and may only load "electron", so this file imports nothing
 * else at run time (the bridge type is erased at build time).
 */
import type { RetroVueBridge } from '../renderer/src/bridge.ts';

export const API_BASE_ARG = '--retrovue-api-base=';

/** The API origin from the process arguments, falling back to the page's own http(s) origin. */
export function apiBaseFrom(argv: readonly string[], location: { protocol: string; origin: string } | undefined): string {
  const arg = argv.find((a) => a.startsWith(API_BASE_ARG));
  if (arg) return arg.slice(API_BASE_ARG.length).replace(/\/+$/, '');
  if (location && (location.protocol === 'http:' || location.protocol === 'https:')) return location.origin;
  return '';
}

interface ContextBridge {
  exposeInMainWorld(apiKey: string, api: unknown): void;
}

// Electron's typings are an optional dependency (absent on headless machines), so the one
// API used here is typed locally and the module is loaded the way a CJS preload loads it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const electron = typeof require === 'function' ? (require('electron') as { contextBridge?: ContextBridge }) : undefined;

if (electron?.contextBridge) {
  const bridge: RetroVueBridge = Object.freeze({ apiBase: apiBaseFrom(process.argv, globalThis.location) });
  electron.contextBridge.exposeInMainWorld('retrovue', bridge);
}
