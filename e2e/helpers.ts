/** Shared pieces of the console's browser tests: building the renderer, Chromium, playback checks. */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SCREENSHOT_DIR = resolve(REPO_ROOT, 'out/screenshots');

/** Build the console with the project's vite.config.ts into `outDir`. */
export async function buildRenderer(outDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: resolve(REPO_ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false } });
}

/** Debian's Chromium, headless; never a downloaded browser build. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface VideoState {
  currentTime: number;
  readyState: number;
  paused: boolean;
  videoWidth: number;
  /** The media element's error code, if it has one. */
  error: number | null;
}

export function videoState(page: Page, selector = '[data-testid="preview-video"]'): Promise<VideoState> {
  return page.$eval(selector, (el) => {
    const v = el as HTMLVideoElement;
    return { currentTime: v.currentTime, readyState: v.readyState, paused: v.paused, videoWidth: v.videoWidth, error: v.error?.code ?? null };
  });
}

/**
 * Wait until the preview shows moving pictures, then prove it: currentTime must advance by
 * most of the wall time that passes over `windowMs`, with decodable data (readyState ≥ 2).
 */
export async function expectVideoPlaying(page: Page, { startTimeoutMs = 30_000, windowMs = 2000 } = {}): Promise<{ before: VideoState; after: VideoState }> {
  await page.waitForFunction(
    () => {
      const v = document.querySelector('[data-testid="preview-video"]') as HTMLVideoElement | null;
      return !!v && v.readyState >= 2 && v.currentTime > 0.2 && !v.paused;
    },
    undefined,
    { timeout: startTimeoutMs, polling: 200 },
  );
  const before = await videoState(page);
  await page.waitForTimeout(windowMs);
  const after = await videoState(page);
  const advanced = after.currentTime - before.currentTime;
  if (!(advanced > (windowMs / 1000) * 0.5)) {
    throw new Error(`preview video is not advancing: currentTime ${before.currentTime.toFixed(2)} → ${after.currentTime.toFixed(2)} over ${windowMs} ms`);
  }
  if (after.readyState < 2) throw new Error(`preview video readyState is ${after.readyState}, expected ≥ 2`);
  return { before, after };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = resolve(SCREENSHOT_DIR, name);
  await page.screenshot({ path });
  return path;
}
