/**
 * The console in a real browser. Two stations:
 *  - a fixture station (fake API, real ffmpeg MPEG-TS): tests the console alone;
 *  - the real headless station: tests console and engine together.
 * They run one after the other in this file so two ffmpeg pipelines never share the 2 cores.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeStation, type FakeStation } from './fixtures/fake-station.ts';
import { REPO_ROOT, buildRenderer, expectVideoPlaying, launchChromium, screenshot } from './helpers.ts';

const VIEWPORT = { width: 1440, height: 900 };

describe('console against a fixture station', () => {
  let tmp: string;
  let station: FakeStation;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'retrovue-console-'));
    // Own build directory: nothing else in the checkout is read or overwritten.
    await buildRenderer(join(tmp, 'renderer'));
    station = await startFakeStation({ rendererDir: join(tmp, 'renderer') });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: VIEWPORT });
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  afterAll(async () => {
    await browser?.close();
    await station?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('Chromium can play H.264 + AAC through MSE', async () => {
    await page.goto(station.url);
    const supported = await page.evaluate(() => MediaSource.isTypeSupported('video/mp4; codecs="avc1.42E01E,mp4a.40.2"'));
    expect(supported).toBe(true);
  });

  it('lists the channels with tallies, what is on, and a station-referenced clock', async () => {
    await page.goto(station.url);
    await page.locator('[data-testid="tab-channels"]').click();
    await page.locator('[data-testid="channel-1"]').waitFor({ timeout: 10_000 });
    await expect.poll(() => page.locator('.row').count()).toBe(4);
    const row1 = page.locator('[data-testid="channel-1"]');
    expect(await row1.textContent()).toContain('RetroVue One');
    expect(await row1.textContent()).toContain('The Test Card Hour');
    expect(await row1.locator('.tally').getAttribute('data-status')).toBe('running');
    expect(await page.locator('[data-testid="channel-3"] .tally').getAttribute('data-status')).toBe('error');
    await expect.poll(() => page.locator('[data-testid="station-clock"]').textContent()).toContain('STN REF');
    expect(await page.locator('[data-testid="station-clock"]').textContent()).toContain('UTC\u221205:00');
    expect(await page.locator('[data-testid="link-tally"]').textContent()).toBe('LINK');
  });

  it('previews a channel live: the video plays, ON AIR is lit, the programme title shows', async () => {
    await page.locator('[data-testid="channel-1"]').click();
    const { after } = await expectVideoPlaying(page, { startTimeoutMs: 30_000 });
    expect(after.readyState).toBeGreaterThanOrEqual(2);
    expect(after.videoWidth).toBe(640);
    // A saturated machine can make the player rebuffer for a moment (the tally then says
    // ACQUIRING, as it should): ON AIR must come back.
    await expect.poll(() => page.locator('[data-testid="onair-tally"]').textContent(), { timeout: 10_000 }).toBe('ON AIR');
    expect(await page.locator('[data-testid="preview-title"]').textContent()).toBe('The Test Card Hour');
    // The station counts the console as a viewer while the preview runs.
    await expect.poll(() => page.locator('[data-testid="channel-1"] .row__viewers .mono').textContent(), { timeout: 5000 }).toBe('1');
    await page.waitForTimeout(500); // let the stats strip fill in before the picture is taken
    await screenshot(page, 'console-fixture.png');
    expect(pageErrors).toEqual([]);
  });

  it('switching channels swaps the stream and releases the previous one', async () => {
    await page.locator('[data-testid="channel-2"]').click();
    await expectVideoPlaying(page);
    await expect.poll(() => page.locator('[data-testid="channel-1"] .row__viewers .mono').textContent(), { timeout: 5000 }).toBe('0');
    expect(await page.locator('[data-testid="preview"] .preview__name').textContent()).toBe('Saturday Cartoons');
  });

  it('an off-air channel says so in plain words, with the station’s reason and a retry', async () => {
    const before = station.streamRequests.get(3) ?? 0;
    await page.locator('[data-testid="channel-3"]').click();
    const error = page.locator('[data-testid="preview-error"]');
    await error.waitFor({ timeout: 10_000 });
    const text = (await error.textContent()) ?? '';
    expect(text).toContain('Channel 3 is off the air');
    expect(text).toContain('producer failed');
    expect(text).toContain('HTTP 404');
    expect(await page.locator('[data-testid="onair-tally"]').textContent()).toBe('NO SIGNAL');
    await screenshot(page, 'console-fixture-offair.png');
    await page.locator('[data-testid="preview-retry"]').click();
    await expect.poll(() => station.streamRequests.get(3) ?? 0, { timeout: 5000 }).toBeGreaterThan(before + 1);
    await error.waitFor({ timeout: 10_000 });
  });

  it('a browser without MSE gets an explanation instead of a black box', async () => {
    const ctx = await browser.newContext({ viewport: VIEWPORT });
    try {
      const p = await ctx.newPage();
      await p.addInitScript(() => {
        delete (window as { MediaSource?: unknown }).MediaSource;
      });
      await p.goto(station.url);
      await p.locator('[data-testid="tab-channels"]').click();
      await p.locator('[data-testid="channel-1"]').click();
      const error = p.locator('[data-testid="preview-error"]');
      await error.waitFor({ timeout: 10_000 });
      expect(await error.textContent()).toContain('Media Source Extensions');
      expect(await p.locator('[data-testid="preview-retry"]').count()).toBe(0);
    } finally {
      await ctx.close();
    }
  });

  it('losing the station shows a banner and keeps the last channel list', async () => {
    const ctx = await browser.newContext({ viewport: VIEWPORT });
    try {
      const p = await ctx.newPage();
      await p.goto(station.url);
      await p.locator('[data-testid="tab-channels"]').click();
      await p.locator('[data-testid="channel-1"]').waitFor();
      // The console hears the station through its live feed: cut that, and every way back.
      for (const route of ['**/api/channels', '**/api/events']) await p.route(route, (r) => r.abort('connectionrefused'));
      station.dropFeeds();
      const banner = p.locator('[data-testid="link-banner"]');
      await banner.waitFor({ timeout: 10_000 });
      await expect.poll(() => banner.textContent(), { timeout: 10_000 }).toContain('Cannot reach the station');
      expect(await p.locator('[data-testid="link-tally"]').textContent()).toBe('NO LINK');
      expect(await p.locator('.row').count()).toBe(4);
      for (const route of ['**/api/channels', '**/api/events']) await p.unroute(route);
      await banner.waitFor({ state: 'detached', timeout: 15_000 });
    } finally {
      await ctx.close();
    }
  });
});

const HEADLESS_ENTRY = resolve(REPO_ROOT, 'app/main/headless.ts');
const HAS_HEADLESS = existsSync(HEADLESS_ENTRY);

interface HeadlessStation {
  url: string;
  controlUrl: string;
  stop(): Promise<void>;
  director: {
    channelNumbers(): number[];
    manager(n: number): { setMode(spec: { mode: string; message?: string; style?: string }): Promise<void>; runtimeStatus(): object } | undefined;
    state(): object;
    history(limit: number): object[];
  };
}
interface HeadlessModule {
  startHeadlessStation(opts: { dataDir: string; host: string; port: number; demo: boolean; onDemoProgress?: (phase: string, done: number, total: number) => void }): Promise<HeadlessStation>;
}

describe.skipIf(!HAS_HEADLESS)(
  HAS_HEADLESS ? 'console against the real headless station' : 'console against the real headless station [skipped: app/main/headless.ts does not exist yet]',
  () => {
    let dataDir: string;
    let station: HeadlessStation | undefined;
    let browser: Browser;
    let page: Page;
    const phases: string[] = [];

    beforeAll(async () => {
      // The station serves the console from out/renderer.
      await buildRenderer(resolve(REPO_ROOT, 'out/renderer'));
      dataDir = await mkdtemp(join(tmpdir(), 'retrovue-station-'));
      const mod = (await import(pathToFileURL(HEADLESS_ENTRY).href)) as HeadlessModule;
      station = await mod.startHeadlessStation({ dataDir, host: '127.0.0.1', port: 0, demo: true, onDemoProgress: (phase, done, total) => phases.push(`${phase} ${done}/${total}`) });
      browser = await launchChromium();
      page = await browser.newPage({ viewport: VIEWPORT });
    }, 300_000);

    afterAll(async () => {
      await browser?.close();
      await station?.stop();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    it('the first start reports every phase of making the demo, each to its end', () => {
      // Finding breaks and measuring loudness are most of the wait: a person must see them move.
      for (const phase of ['media', 'scan', 'breaks', 'loudness', 'channels']) {
        const last = phases.filter((p) => p.startsWith(`${phase} `)).at(-1);
        expect(last, `${phase} reported`).toBeDefined();
        const [done, total] = last!.split(' ')[1]!.split('/').map(Number);
        expect(total, `${phase} has work`).toBeGreaterThan(0);
        expect(done, `${phase} finished`).toBe(total);
      }
    });

    it('opens the console, previews a channel, and the picture moves', async () => {
      await page.goto(station!.url);
      await page.locator('[data-testid="tab-channels"]').click();
      const first = page.locator('.row').first();
      await first.waitFor({ timeout: 20_000 });
      await first.click();
      // A demo channel's producer may start on demand: allow it time to produce a first picture.
      await expectVideoPlaying(page, { startTimeoutMs: 45_000 });
      // A saturated machine can make the player rebuffer for a moment (the tally then says
      // ACQUIRING, as it should): ON AIR must come back.
      await expect.poll(() => page.locator('[data-testid="onair-tally"]').textContent(), { timeout: 10_000 }).toBe('ON AIR');
      await page.waitForTimeout(500);
      await screenshot(page, 'console.png');
    });

    it('keeps playing through two swaps (emergency, then back to the schedule): one encoder, no player error', async () => {
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      // The previewed channel is the first row's.
      const manager = station!.director.manager(station!.director.channelNumbers()[0]!)!;
      await manager.setMode({ mode: 'emergency', message: 'This is a test of the emergency alert system.', style: 'takeover' });
      await expectVideoPlaying(page, { startTimeoutMs: 5000, windowMs: 2500 });
      await screenshot(page, 'console-emergency.png');
      await manager.setMode({ mode: 'normal' });
      const { after } = await expectVideoPlaying(page, { startTimeoutMs: 5000, windowMs: 2500 });
      expect(after.error).toBeNull();
      await expect.poll(() => page.locator('[data-testid="onair-tally"]').textContent(), { timeout: 10_000 }).toBe('ON AIR');
      expect(errors.filter((e) => /MSE|SourceBuffer|decode/i.test(e))).toEqual([]);
    });

    it('the emergency panel switches the real station: confirm, its answer, the banner and tallies, then RELEASE', async () => {
      const p = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      try {
        await p.goto(station!.controlUrl);
        const numbers = station!.director.channelNumbers();
        await expect.poll(() => p.locator('[data-testid^="tile-"][data-tally]').count(), { timeout: 20_000 }).toBe(numbers.length);
        await p.locator('[data-testid="eas-message"]').fill('This is a test of the RetroVue emergency alert system.');
        await p.locator('[data-testid="emergency"]').click();
        await p.locator('[data-testid="eas-confirm-go"]').click();
        const outcome = p.locator('[data-testid="switch-outcome"]');
        await expect.poll(() => outcome.getAttribute('data-ok'), { timeout: 15_000 }).toBe('true');
        expect(await outcome.textContent()).toContain(`EMERGENCY on ${numbers.length} channel`);
        await p.locator('[data-testid="emergency-banner"]').waitFor({ timeout: 5000 });
        for (const n of numbers) await expect.poll(() => p.locator(`[data-testid="tile-${n}"]`).getAttribute('data-tally'), { timeout: 5000 }).toBe('EMERGENCY');
        const state = (await (await fetch(`${station!.url}/api/director`)).json()) as { mode: string; message: string };
        expect(state).toMatchObject({ mode: 'emergency', message: 'This is a test of the RetroVue emergency alert system.' });
        await screenshot(p, 'emergency-real-1280x720.png');
        await p.locator('[data-testid="release"]').click();
        try {
          await p.locator('[data-testid="emergency-banner"]').waitFor({ state: 'detached', timeout: 30_000 });
        } catch (e) {
          // Say whether the station refused the release or the console missed it (seen only with
          // both cores saturated and another suite running).
          const seen = {
            director: station!.director.state(),
            lastSwitch: station!.director.history(1)[0],
            outcome: await p.locator('[data-testid="switch-outcome"]').textContent(),
            channels: numbers.map((n) => ({ n, ...station!.director.manager(n)!.runtimeStatus() })),
          };
          throw new Error(`${(e as Error).message}\nafter RELEASE: ${JSON.stringify(seen)}`);
        }
        for (const n of numbers) await expect.poll(() => p.locator(`[data-testid="tile-${n}"]`).getAttribute('data-tally'), { timeout: 5000 }).not.toBe('EMERGENCY');
        expect(((await (await fetch(`${station!.url}/api/director`)).json()) as { mode: string }).mode).toBe('normal');
      } finally {
        await p.close();
      }
    });
  },
);
