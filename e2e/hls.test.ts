/**
 * HLS in a real browser: hls.js (from npm) in Debian's Chromium plays a real station's
 * /iptv/channel/1.m3u8 from a cold start, across segment and programme boundaries.
 * Prints the cold and warm time from playlist request to first picture.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../app/main/clock/master-clock.ts';
import { startHeadlessStation, type RunningStation } from '../app/main/headless.ts';
import { makeFrameNumberedClip } from '../app/main/media/test-media.ts';
import { DEFAULT_PROFILE } from '../app/main/runtime/producer/output-profile.ts';
import { openStation } from '../app/main/station.ts';
import { makeTempDir } from '../app/main/test-support/temp-dir.ts';
import { REPO_ROOT, launchChromium } from './helpers.ts';

const clock = new SystemClock();
const HLS_JS = path.join(REPO_ROOT, 'node_modules', 'hls.js', 'dist', 'hls.min.js');

interface PlayResult { firstPictureMs: number; currentTime: number; errors: string[] }

describe('HLS in Chromium with hls.js', () => {
  const tmp = makeTempDir('retrovue-hls-e2e-');
  let running: RunningStation;
  let browser: Browser;

  beforeAll(async () => {
    const media = path.join(tmp.dir, 'media', 'loop');
    mkdirSync(media, { recursive: true });
    await makeFrameNumberedClip(path.join(media, 'a.mp4'), { seconds: 3, width: 320, height: 180 });
    await makeFrameNumberedClip(path.join(media, 'b.mp4'), { seconds: 3, width: 320, height: 180, numberOffset: 1000, toneHz: 660 });
    const data = path.join(tmp.dir, 'data');
    const st = openStation({ dataDir: data });
    st.library.addSource('test', path.join(tmp.dir, 'media'));
    await st.scanner.scan('test');
    st.channels.addLoop({ number: 1, name: 'Frames', collection: 'loop', startMs: clock.nowMs() - 60_000, timezone: 'UTC' });
    st.close();
    running = await startHeadlessStation({
      dataDir: data, host: '127.0.0.1', port: 0, demo: false, lingerMs: 0, consoleDir: null, ssdp: false,
      profile: { ...DEFAULT_PROFILE, width: 320, height: 180, videoBitrateKbps: 400 },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    tmp.cleanup();
  });

  async function play(watchMs: number): Promise<PlayResult> {
    const page = await browser.newPage();
    try {
      // Same origin as the station, so the page needs nothing but the stream.
      await page.goto(`${running.url}/api/health`);
      await page.setContent('<video id="v" muted autoplay playsinline width="320" height="180"></video>');
      await page.addScriptTag({ path: HLS_JS });
      return await page.evaluate(async (ms: number) => {
        const Hls = (window as unknown as { Hls: { new (cfg?: object): { loadSource(u: string): void; attachMedia(v: HTMLVideoElement): void; on(e: string, f: (ev: string, d: { fatal?: boolean; details?: string }) => void): void }; Events: { ERROR: string } } }).Hls;
        const v = document.getElementById('v') as HTMLVideoElement;
        const errors: string[] = [];
        const hls = new Hls({ lowLatencyMode: false });
        hls.on(Hls.Events.ERROR, (_e, d) => errors.push(`${d.fatal ? 'fatal ' : ''}${d.details}`));
        const t0 = performance.now();
        hls.loadSource('/iptv/channel/1.m3u8');
        hls.attachMedia(v);
        await new Promise<void>((resolve, reject) => {
          const check = () => (v.readyState >= 2 && v.currentTime > 0 ? resolve() : performance.now() - t0 > 20_000 ? reject(new Error(`no picture: ${errors.join(', ')}`)) : setTimeout(check, 20));
          check();
        });
        const firstPictureMs = performance.now() - t0;
        await new Promise((r) => setTimeout(r, ms));
        return { firstPictureMs, currentTime: v.currentTime, errors };
      }, watchMs);
    } finally {
      await page.close();
    }
  }

  it('plays from a cold start, across segments and a programme boundary; a second viewer starts warm', async () => {
    const cold = await play(7000);
    const warmP = play(1000);
    const warm = await warmP;
    console.log(`hls.js: cold playlist → first picture ${cold.firstPictureMs.toFixed(0)} ms, warm ${warm.firstPictureMs.toFixed(0)} ms; played ${cold.currentTime.toFixed(1)} s; errors: ${cold.errors.join(', ') || 'none'}`);
    expect(cold.errors.filter((e) => e.startsWith('fatal'))).toEqual([]);
    // 7 s of wall time after the first picture: most of it must have played (two programme boundaries at 3 s clips).
    expect(cold.currentTime).toBeGreaterThan(5);
    expect(warm.firstPictureMs).toBeLessThan(cold.firstPictureMs + 2000);
  }, 90_000);
});
