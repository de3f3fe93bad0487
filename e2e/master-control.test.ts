/**
 * Master control in a real browser against the fixture station: the multiview, the
 * emergency panel (with the station's answers, never guesses), the schedule grid and its
 * playlog drawer, read-only without the token, and the polling fallback. Screenshots of
 * each view at 1280x720 and 1920x1080 go to out/screenshots.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeStation, type FakeStation } from './fixtures/fake-station.ts';
import { buildRenderer, launchChromium, screenshot } from './helpers.ts';

const SMALL = { width: 1280, height: 720 };
const LARGE = { width: 1920, height: 1080 };

/** Wait until the tile's own video shows moving pictures. */
async function expectTilePlaying(page: Page, n: number): Promise<void> {
  const sel = `[data-testid="tile-video-${n}"]`;
  await page.waitForFunction((s) => {
    const v = document.querySelector(s) as HTMLVideoElement | null;
    return !!v && v.readyState >= 2 && v.currentTime > 0.2;
  }, sel, { timeout: 30_000, polling: 200 });
  const t0 = await page.$eval(sel, (el) => (el as HTMLVideoElement).currentTime);
  await page.waitForTimeout(1500);
  const t1 = await page.$eval(sel, (el) => (el as HTMLVideoElement).currentTime);
  expect(t1 - t0, `tile ${n} video advances`).toBeGreaterThan(0.7);
}

const tallies = (page: Page): Promise<Record<string, string | null>> =>
  page.$$eval('[data-testid^="tile-"][data-tally]', (els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-testid'), e.getAttribute('data-tally')])));

describe('master control against a fixture station', () => {
  let tmp: string;
  let station: FakeStation;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'retrovue-mc-'));
    await buildRenderer(join(tmp, 'renderer'));
    station = await startFakeStation({ rendererDir: join(tmp, 'renderer') });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: SMALL });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    // The console's Content-Security-Policy must not block anything it really uses.
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) pageErrors.push(`CSP: ${m.text()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await station?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('multiview: every channel a tile with its tally, now and next; off-air tiles show a title card', async () => {
    await page.goto(station.controlUrl);
    await expect.poll(() => page.locator('[data-testid^="tile-"][data-tally]').count(), { timeout: 10_000 }).toBe(4);
    expect(await tallies(page)).toEqual({ 'tile-1': 'ON AIR', 'tile-2': 'ON AIR', 'tile-3': 'ERROR', 'tile-4': 'IDLE' });
    expect(await page.locator('[data-testid="tile-tally-3"]').textContent()).toBe('ERROR');
    expect(await page.locator('[data-testid="tile-1"]').textContent()).toContain('The Test Card Hour');
    // Next comes from the guide endpoint: channel 1 alternates its two programmes.
    await expect.poll(() => page.locator('[data-testid="tile-1"] .tile__next').textContent(), { timeout: 5000 }).toMatch(/Colour Bars Tonight|The Test Card Hour/);
    // Off-air tiles show a still of what is on now; where the station has none, the title card.
    for (const n of [1, 2]) await page.locator(`[data-testid="tile-poster-${n}"]`).waitFor({ timeout: 10_000 });
    for (const n of [3, 4]) expect(await page.locator(`[data-testid="tile-card-${n}"]`).count(), `tile ${n} keeps its title card`).toBe(1);
    expect(await page.locator('[data-testid="live-cap"]').textContent()).toContain('LIVE 0/4');
    // The token came from the link and left the address bar.
    expect(page.url()).not.toContain('token=');
    expect(await page.locator('[data-testid="read-only"]').count()).toBe(0);
    expect(await page.locator('[data-testid="feed"]').textContent()).toBe('LIVE FEED');
  });

  it('a click takes a tile live (moving video, the station counts the viewer); the cap sends the oldest back to its card; one audio at a time', async () => {
    await page.locator('[data-testid="tile-1"] .tile__monitor').click();
    await expectTilePlaying(page, 1);
    await expect.poll(() => page.locator('[data-testid="tile-viewers-1"]').textContent(), { timeout: 5000 }).toMatch(/^1/);
    await screenshot(page, 'multiview-1280x720.png');

    await page.locator('[data-testid="live-cap-input"]').fill('1');
    await page.locator('[data-testid="tile-2"] .tile__monitor').click();
    await expectTilePlaying(page, 2);
    expect(await page.locator('[data-testid="tile-1"]').getAttribute('data-live'), 'tile 1 went back to its still').toBe('false');
    expect(await page.locator('[data-testid="tile-poster-1"], [data-testid="tile-card-1"]').count()).toBe(1);
    expect(await page.locator('[data-testid="live-cap"]').textContent()).toContain('LIVE 1/1');
    await expect.poll(() => page.locator('[data-testid="tile-viewers-1"]').textContent(), { timeout: 5000 }).toMatch(/^0/);

    await page.locator('[data-testid="live-cap-input"]').fill('4');
    await page.locator('[data-testid="tile-1"] .tile__monitor').click();
    await expectTilePlaying(page, 1);
    await page.locator('[data-testid="tile-audio-2"]').click();
    const muted = async (): Promise<boolean[]> => Promise.all([1, 2].map((n) => page.$eval(`[data-testid="tile-video-${n}"]`, (el) => (el as HTMLVideoElement).muted)));
    expect(await muted()).toEqual([true, false]);
    await page.locator('[data-testid="tile-audio-1"]').click();
    expect(await muted(), 'solo moves: only one tile is heard').toEqual([false, true]);
  });

  it('keyboard: a number selects, Enter enlarges into the preview with stream statistics, Esc returns', async () => {
    await page.locator('body').click({ position: { x: 5, y: 700 } });
    await page.keyboard.press('2');
    await expect.poll(() => page.locator('[data-testid="tile-2"]').getAttribute('class')).toContain('tile--selected');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="enlarged"]').waitFor({ timeout: 5000 });
    expect(await page.locator('[data-testid="preview"] .preview__name').textContent()).toBe('Saturday Cartoons');
    await page.waitForFunction(() => {
      const v = document.querySelector('[data-testid="preview-video"]') as HTMLVideoElement | null;
      return !!v && v.currentTime > 0.2;
    }, undefined, { timeout: 30_000 });
    await expect.poll(() => page.locator('[data-testid="preview-stats"]').textContent(), { timeout: 5000 }).toContain('640×360');
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="enlarged"]').waitFor({ state: 'detached', timeout: 5000 });
    expect(await page.locator('[data-testid^="tile-"][data-tally]').count()).toBe(4);
  });

  it('emergency: confirm step; a refusal shows the station’s reason and changes nothing; a scoped alert airs, shows everywhere, and RELEASE ends it', async () => {
    const emergency = page.locator('[data-testid="emergency"]');
    expect(await emergency.isDisabled(), 'no message, no emergency').toBe(true);
    await page.locator('[data-testid="eas-message"]').fill('Severe weather warning for the test county.');
    await emergency.click();
    await page.locator('[data-testid="eas-confirm"]').waitFor();
    expect(station.modeRequests, 'nothing is sent before the confirm').toEqual([]);
    await page.locator('[data-testid="eas-confirm-go"]').click();

    // All channels: channel 3 refuses, so the station switched none.
    const outcome = page.locator('[data-testid="switch-outcome"]');
    await expect.poll(() => outcome.getAttribute('data-ok'), { timeout: 5000 }).toBe('false');
    expect(await outcome.textContent()).toContain('channel 3 (the channel’s producer failed');
    expect(await page.locator('[data-testid="emergency-banner"]').count()).toBe(0);
    expect(await tallies(page)).toEqual({ 'tile-1': 'ON AIR', 'tile-2': 'ON AIR', 'tile-3': 'ERROR', 'tile-4': 'IDLE' });

    // Chosen channels 1, 2 and 4.
    await page.locator('[data-testid="scope-chosen"]').check();
    for (const n of [1, 2, 4]) await page.locator(`[data-testid="scope-channel-${n}"]`).check();
    await page.locator('[data-testid="style-crawl"]').check();
    await emergency.click();
    await page.locator('[data-testid="eas-confirm-go"]').click();
    await expect.poll(() => outcome.getAttribute('data-ok'), { timeout: 5000 }).toBe('true');
    expect(await outcome.textContent()).toContain('EMERGENCY on 3 channels: 1, 2, 4.');
    expect(station.modeRequests.at(-1)).toEqual({ mode: 'emergency', message: 'Severe weather warning for the test county.', style: 'crawl', channels: [1, 2, 4] });

    const banner = page.locator('[data-testid="emergency-banner"]');
    await banner.waitFor({ timeout: 5000 });
    expect(await banner.textContent()).toContain('Severe weather warning for the test county.');
    expect(await banner.textContent()).toContain('CRAWL');
    await expect.poll(() => tallies(page), { timeout: 5000 }).toEqual({ 'tile-1': 'EMERGENCY', 'tile-2': 'EMERGENCY', 'tile-3': 'ERROR', 'tile-4': 'EMERGENCY' });
    const e0 = await page.locator('[data-testid="emergency-elapsed"]').textContent();
    await page.waitForTimeout(1600);
    expect(await page.locator('[data-testid="emergency-elapsed"]').textContent(), 'elapsed time runs').not.toBe(e0);
    await screenshot(page, 'emergency-1280x720.png');

    await page.locator('[data-testid="release"]').click();
    await banner.waitFor({ state: 'detached', timeout: 5000 });
    expect(station.modeRequests.at(-1)).toEqual({ mode: 'normal' });
    await expect.poll(() => tallies(page), { timeout: 5000 }).toEqual({ 'tile-1': 'ON AIR', 'tile-2': 'ON AIR', 'tile-3': 'ERROR', 'tile-4': 'IDLE' });
    expect(await outcome.textContent()).toContain('Normal programming on 4 channels');
  });

  it('schedule grid: blocks sit where their times say, day starts and carry-over are marked, and a block opens its playlog', async () => {
    await page.locator('[data-testid="tab-schedule"]').click();
    const grid = page.locator('[data-testid="schedule-grid"]');
    await expect.poll(() => page.locator('[data-testid="grid-block"]').count(), { timeout: 10_000 }).toBeGreaterThan(40);
    const fromMs = Date.parse((await grid.getAttribute('data-from'))!);
    const pxPerMin = Number(await grid.getAttribute('data-px-per-min'));
    // Three and a half days of guide at least, for every channel.
    for (const n of [1, 2, 3, 4]) {
      const ends = await page.$$eval(`[data-testid="grid-block"][data-channel="${n}"]`, (els) => els.map((e) => Date.parse(e.getAttribute('data-end')!)));
      expect(Math.max(...ends) - fromMs, `channel ${n} spans 3+ days`).toBeGreaterThan(3 * 86_400_000);
    }
    // Position and width of a block against its times (blocks inside the span, not clipped).
    const track = await page.locator('[data-testid="grid-row-1"] .grid__track').boundingBox();
    const blocks = page.locator('[data-testid="grid-block"][data-channel="1"]');
    for (const i of [2, 5]) {
      const b = blocks.nth(i);
      const box = (await b.boundingBox())!;
      const start = Date.parse((await b.getAttribute('data-start'))!);
      const end = Date.parse((await b.getAttribute('data-end'))!);
      expect(box.x - track!.x).toBeCloseTo(((start - fromMs) / 60_000) * pxPerMin, 0);
      expect(box.width).toBeCloseTo(((end - start) / 60_000) * pxPerMin, 0);
    }
    // 06:00 (UTC−05:00) day starts, and the movies that run across them marked as carry-over.
    const days = await page.$$eval('[data-testid="grid-day-start"]', (els) => els.map((e) => e.getAttribute('data-at')!));
    expect(days.length).toBeGreaterThanOrEqual(3);
    for (const d of days) expect(d).toMatch(/T06:00:00\.000-05:00$/);
    const carried = await page.$$eval('[data-testid="grid-block"][data-carry="true"]', (els) => els.map((e) => ({ ch: e.getAttribute('data-channel'), s: Date.parse(e.getAttribute('data-start')!), e: Date.parse(e.getAttribute('data-end')!) })));
    expect(carried.length).toBeGreaterThan(0);
    // A carried block may start before the grid and cross a day start left of it (the grid
    // only draws the day starts inside its span), so the 06:00 is found from the block's times.
    const DAY = 86_400_000;
    const lastSixAmBefore = (ms: number): number => Math.floor((ms - 1 - 11 * 3_600_000) / DAY) * DAY + 11 * 3_600_000;
    for (const c of carried) {
      expect(c.ch).toBe('3');
      expect(lastSixAmBefore(c.e), 'a carry-over block spans a 06:00 (UTC−05:00) day start').toBeGreaterThan(c.s);
    }
    expect(carried.some((c) => days.some((d) => c.s < Date.parse(d) && c.e > Date.parse(d))), 'a drawn day start has its carry-over').toBe(true);
    expect(await page.locator('[data-testid="grid-now"]').count()).toBe(1);

    await page.locator('[data-testid="grid-block"][data-channel="3"]').nth(3).click();
    const drawer = page.locator('[data-testid="playlog-drawer"]');
    await drawer.waitFor({ timeout: 5000 });
    await expect.poll(() => drawer.locator('[data-testid="playlog-event"]').count(), { timeout: 5000 }).toBe(8);
    const kinds = await drawer.locator('[data-testid="playlog-event"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(kinds).toEqual(['program', 'bumper', 'commercial', 'commercial', 'promo', 'station_id', 'bumper', 'program']);
    expect(await drawer.locator('[data-testid="playlog-break"]').textContent()).toContain('BREAK 1 · 01:35');
    expect(await drawer.textContent()).toContain('Rust-Proof Paint');
    await screenshot(page, 'schedule-1280x720.png');
  });

  it('channels view: health from the feed, and RESTART goes to the station with the token', async () => {
    await page.locator('[data-testid="tab-channels"]').click();
    await page.locator('[data-testid="channel-1"]').click();
    const health = page.locator('[data-testid="channel-health"]');
    await expect.poll(() => health.textContent(), { timeout: 5000 }).toContain('1200 kb/s');
    expect(await health.textContent()).toContain('encoder 4001');
    await page.locator('[data-testid="restart"]').click();
    await expect.poll(() => page.locator('[data-testid="restart-result"]').textContent(), { timeout: 5000 }).toContain('Channel 1 restarted');
    expect(station.restarts).toEqual([1]);
    await expect.poll(() => health.textContent(), { timeout: 5000 }).toContain('enc 1');
    await screenshot(page, 'channels-1280x720.png');
    expect(pageErrors).toEqual([]);
    expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')).toMatch(/script-src 'self';.*object-src 'none'/);
  });

  it('at 1920x1080 every view fits: screenshots', async () => {
    const p = await browser.newPage({ viewport: LARGE });
    try {
      await p.goto(station.controlUrl);
      await p.locator('[data-testid="tile-1"] .tile__monitor').click();
      await expectTilePlaying(p, 1);
      await screenshot(p, 'multiview-1920x1080.png');
      await p.locator('[data-testid="eas-message"]').fill('This is a test of the emergency alert system.');
      await p.locator('[data-testid="scope-chosen"]').check();
      await p.locator('[data-testid="scope-channel-1"]').check();
      await p.locator('[data-testid="emergency"]').click();
      await screenshot(p, 'emergency-confirm-1920x1080.png');
      await p.locator('[data-testid="eas-confirm-go"]').click();
      await p.locator('[data-testid="emergency-banner"]').waitFor({ timeout: 5000 });
      await screenshot(p, 'emergency-1920x1080.png');
      await p.locator('[data-testid="release"]').click();
      await p.locator('[data-testid="emergency-banner"]').waitFor({ state: 'detached', timeout: 5000 });
      await p.locator('[data-testid="tab-schedule"]').click();
      await expect.poll(() => p.locator('[data-testid="grid-block"]').count(), { timeout: 10_000 }).toBeGreaterThan(40);
      await p.locator('[data-testid="grid-block"][data-channel="2"]').nth(4).click();
      await p.locator('[data-testid="playlog-event"]').first().waitFor({ timeout: 5000 });
      await screenshot(p, 'schedule-1920x1080.png');
      await p.locator('[data-testid="tab-channels"]').click();
      await p.locator('[data-testid="channel-2"]').click();
      await p.waitForTimeout(2500);
      await screenshot(p, 'channels-1920x1080.png');
    } finally {
      await p.close();
    }
  });

  it('without the token the console is read-only and says how to get in', async () => {
    const ctx = await browser.newContext({ viewport: SMALL });
    try {
      const p = await ctx.newPage();
      await p.goto(station.url);
      const note = p.locator('[data-testid="read-only"]');
      await note.waitFor({ timeout: 10_000 });
      expect(await note.textContent()).toContain('control-token');
      expect(await p.locator('[data-testid="emergency"]').isDisabled()).toBe(true);
      expect(await p.locator('[data-testid="eas-message"]').isDisabled()).toBe(true);
      for (const m of ['guide', 'maintenance']) expect(await p.locator(`[data-testid="mode-${m}"]`).isDisabled()).toBe(true);
      await p.locator('[data-testid="tab-channels"]').click();
      await p.locator('[data-testid="channel-4"]').click();
      expect(await p.locator('[data-testid="restart"]').isDisabled()).toBe(true);
      await screenshot(p, 'read-only-1280x720.png');
    } finally {
      await ctx.close();
    }
  });
});

describe('master control against a station without the live feed', () => {
  let tmp: string;
  let station: FakeStation;
  let browser: Browser;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'retrovue-mc-poll-'));
    await buildRenderer(join(tmp, 'renderer'));
    station = await startFakeStation({ rendererDir: join(tmp, 'renderer'), events: false });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await station?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('polls /api/channels and /api/director instead, and the emergency still shows from the station', async () => {
    const p = await browser.newPage({ viewport: SMALL });
    await p.goto(station.controlUrl);
    await expect.poll(() => p.locator('[data-testid="feed"]').textContent(), { timeout: 10_000 }).toBe('POLLING');
    await expect.poll(() => tallies(p), { timeout: 10_000 }).toEqual({ 'tile-1': 'ON AIR', 'tile-2': 'ON AIR', 'tile-3': 'ERROR', 'tile-4': 'IDLE' });
    await p.locator('[data-testid="eas-message"]').fill('Polling alert.');
    await p.locator('[data-testid="scope-chosen"]').check();
    await p.locator('[data-testid="scope-channel-2"]').check();
    await p.locator('[data-testid="emergency"]').click();
    await p.locator('[data-testid="eas-confirm-go"]').click();
    await p.locator('[data-testid="emergency-banner"]').waitFor({ timeout: 5000 });
    await expect.poll(() => p.locator('[data-testid="tile-2"]').getAttribute('data-tally'), { timeout: 5000 }).toBe('EMERGENCY');
    await p.locator('[data-testid="release"]').click();
    await p.locator('[data-testid="emergency-banner"]').waitFor({ state: 'detached', timeout: 5000 });
  });
});
