/**
 * The library and as-run views and the multiview's stills against the real headless station
 * (SQLite, ffprobe, ffmpeg, HTTP): a scan started from the console probes a new file and the
 * console shows it ready; an airing (a viewer tunes in, then leaves) shows up in the as-run
 * view with its markers and frames; an off-air tile shows a still made by the station.
 */
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../app/main/clock/master-clock.ts';
import { startHeadlessStation, type RunningStation } from '../app/main/headless.ts';
import { resolveFfmpegBinaries } from '../app/main/media/ffmpeg-binaries.ts';
import { makeCorruptFile, makeFrameNumberedClip, runBinary } from '../app/main/media/test-media.ts';
import { DEFAULT_PROFILE } from '../app/main/runtime/producer/output-profile.ts';
import { openStation } from '../app/main/station.ts';
import { watchStream } from '../app/main/test-support/watch-stream.ts';
import { buildRenderer, launchChromium, screenshot } from './helpers.ts';

const clock = new SystemClock();
const VIEWPORT = { width: 1280, height: 720 };

describe('library and as-run views against the real headless station', () => {
  let tmp: string;
  let media: string;
  let station: RunningStation;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'retrovue-views-real-'));
    await buildRenderer(join(tmp, 'renderer'));
    media = join(tmp, 'media');
    mkdirSync(join(media, 'loop'), { recursive: true });
    await makeFrameNumberedClip(join(media, 'loop', 'first.mp4'), { seconds: 20, width: 320, height: 180 });
    await makeCorruptFile(join(media, 'loop', 'damaged.mp4'));
    const data = join(tmp, 'data');
    const st = openStation({ dataDir: data });
    st.library.addSource('shows', media);
    await st.scanner.scan('shows');
    st.channels.addLoop({ number: 1, name: 'Loop', collection: 'loop', startMs: clock.nowMs() - 5000, timezone: 'UTC' });
    st.close();
    station = await startHeadlessStation({
      dataDir: data, host: '127.0.0.1', port: 0, demo: false, lingerMs: 0, consoleDir: join(tmp, 'renderer'), ssdp: false,
      profile: { ...DEFAULT_PROFILE, width: 320, height: 180, videoBitrateKbps: 400 },
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: VIEWPORT });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await station?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('an off-air tile shows the station’s still of what is on now', async () => {
    await page.goto(station.controlUrl);
    const img = page.locator('[data-testid="tile-poster-1"] img');
    await img.waitFor({ timeout: 15_000 });
    expect(await img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(320);
    expect(station.director.manager(1)!.runtimeStatus().producerStatus, 'a still puts nothing on the air').toBe('stopped');
  });

  it('library: the console starts a scan, follows it, and shows the new file ready and the damaged one with its reason', async () => {
    await makeFrameNumberedClip(join(media, 'loop', 'second.mp4'), { seconds: 3, width: 320, height: 180 });
    await page.locator('[data-testid="tab-library"]').click();
    await page.locator('[data-testid="source-shows"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid="source-shows-ready"]').textContent()).toBe('1 ready');
    const damaged = page.locator('[data-testid="asset-row"][data-file="damaged.mp4"]');
    expect(await damaged.getAttribute('data-state')).toBe('new');
    expect(await damaged.locator('[data-testid="asset-reason"]').textContent()).toMatch(/ffprobe|media/);
    expect(await damaged.locator('[data-testid="asset-reason"]').textContent(), 'no folder names on the LAN').not.toContain(tmp);

    await page.locator('[data-testid="scan-shows"]').click();
    const status = page.locator('[data-testid="scan-status"]');
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 20_000 }).toBe('done');
    expect(await page.locator('[data-testid="scan-summary"]').textContent()).toContain('1 new');
    await expect.poll(() => page.locator('[data-testid="asset-row"][data-file="second.mp4"]').getAttribute('data-state'), { timeout: 5000 }).toBe('ready');
    await expect.poll(() => page.locator('[data-testid="source-shows-ready"]').textContent(), { timeout: 5000 }).toBe('2 ready');
    await screenshot(page, 'library-real-1280x720.png');
  });

  it('as-run: an airing shows with its on-air and off-air markers, planned and actual starts and frames; the CSV link answers', async () => {
    // 6 s: a cold start on a saturated machine can take a few of them before the first frame.
    const watched = await watchStream(`${station.url}/iptv/channel/1.ts`, 6000);
    expect(watched.status).toBe(200);
    // The viewer left (linger 0): the channel goes off the air and the entries are written.
    for (let i = 0; i < 50 && station.director.manager(1)!.runtimeStatus().producerStatus !== 'stopped'; i++) await clock.sleep(100);
    station.asRun.flush();
    await page.locator('[data-testid="tab-asrun"]').click();
    const rows = page.locator('[data-testid="asrun-entry"]');
    await expect.poll(async () => (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))).join(' '), { timeout: 15_000 }).toMatch(/on-air .*program.* off-air/);
    const program = rows.filter({ has: page.locator('.kind--program') }).first();
    const frames = Number(((await program.locator('.asrun__frames').textContent()) ?? '0').replace(/,/g, ''));
    expect(frames, 'seconds at 30 fps, less the start-up').toBeGreaterThan(40);
    expect(await program.textContent()).toContain('first');
    const csv = await page.locator('[data-testid="asrun-csv"]').getAttribute('href');
    const res = await fetch(csv!);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('on-air');
    await screenshot(page, 'asrun-real-1280x720.png');
  });

  it('crawl: the console runs a crawl on the air without breaking the stream; the viewer sees the band; stopping it is a click', async () => {
    await page.locator('[data-testid="tab-multiview"]').click();
    await page.locator('[data-testid="crawl-input"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid="crawl-state"]').textContent()).toBe('OFF');
    const watching = watchStream(`${station.url}/iptv/channel/1.ts`, 7000);
    await clock.sleep(2000);
    await page.locator('[data-testid="crawl-input"]').fill('Closings: "all" schools [county]; 100% %{pts}');
    await page.locator('[data-testid="crawl-start"]').click();
    await expect.poll(() => page.locator('[data-testid="crawl-state"]').textContent(), { timeout: 5000 }).toBe('ON AIR');
    expect(await page.locator('[data-testid="crawl-text"]').textContent()).toContain('Closings: "all" schools [county]; 100% %{pts}');
    expect(station.director.crawl()?.text).toBe('Closings: "all" schools [county]; 100% %{pts}');
    const watched = await watching;
    expect(watched.status).toBe(200);
    // One unbroken stream: every frame in order; the foot of the picture turns dark once the crawl is on.
    const W = 320;
    const H = 180;
    const r = await runBinary(resolveFfmpegBinaries().ffmpeg, ['-hide_banner', '-loglevel', 'error', '-i', 'pipe:0', '-map', '0:v:0', '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'], watched.body);
    const frames = Math.floor(r.stdout.length / (W * H));
    const foot = (i: number) => {
      const v: number[] = [];
      for (let y = H - 16; y < H - 4; y++) for (let x = 0; x < W; x += 4) v.push(r.stdout[i * W * H + y * W + x]!);
      return v.sort((a, b) => a - b)[v.length >> 1]!;
    };
    console.info(`[measure] crawl from the console: ${frames} frames; foot of the picture ${foot(10)} before, ${foot(frames - 5)} after`);
    expect(frames).toBeGreaterThan(120);
    expect(foot(10)).toBeGreaterThan(100);
    expect(foot(frames - 5)).toBeLessThan(70);
    await screenshot(page, 'crawl-real-1280x720.png');
    await page.locator('[data-testid="crawl-stop"]').click();
    await expect.poll(() => page.locator('[data-testid="crawl-state"]').textContent(), { timeout: 5000 }).toBe('OFF');
    expect(station.director.crawl()).toBeNull();
  });
});
