/**
 * The contract between the preload script and the renderer. The preload exposes it as
 * `window.retrovue`; a plain browser has no bridge and talks to the origin it was served from.
 */
export interface RetroVueBridge {
  /** Origin of the station's HTTP API, e.g. "http://127.0.0.1:8400" (no trailing slash). */
  readonly apiBase: string;
  /**
   * The station's control token, asked of the main process (desktop app only). It travels by
   * IPC rather than in the page's address or the process arguments, where other programs and
   * the history could see it.
   */
  controlToken?(): Promise<string | null>;
}

declare global {
  interface Window {
    retrovue?: RetroVueBridge;
  }
}

/** Where the station's API lives: the bridge's answer in Electron, else this page's origin. */
export function resolveApiBase(bridge: RetroVueBridge | undefined, location: Pick<Location, 'protocol' | 'origin'>): string | null {
  const fromBridge = bridge?.apiBase?.trim();
  if (fromBridge) return fromBridge.replace(/\/+$/, '');
  if (location.protocol === 'http:' || location.protocol === 'https:') return location.origin;
  // Loaded from file:// without a bridge: there is no way to guess the station's address.
  return null;
}
