/**
 * The as-run, library and channel-service views and the multiview's poster frames in a real
 * browser against the fixture station: what the API says is what the views show, every
 * as-run deviation is lit, controls go to the station with the token and show its answer.
 * Screenshots at 1280x720 and 1920x1080 go to out/screenshots.
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

describe('as-run, library, channel service and posters against a fixture station', () => {
  let tmp: string;
  let station: FakeStation;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'retrovue-views-'));
    await buildRenderer(join(tmp, 'renderer'));
    station = await startFakeStation({ rendererDir: join(tmp, 'renderer') });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: SMALL });
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  afterAll(async () => {
    await browser?.close();
    await station?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('multiview: off-air tiles show the station’s still; a tile without one keeps its title card', async () => {
    await page.goto(station.controlUrl);
    await expect.poll(() => page.locator('[data-testid^="tile-"][data-tally]').count(), { timeout: 10_000 }).toBe(4);
    for (const n of [1, 2]) await page.locator(`[data-testid="tile-poster-${n}"] img`).waitFor({ timeout: 10_000 });
    const natural = await page.$eval('[data-testid="tile-poster-1"] img', (el) => (el as HTMLImageElement).naturalWidth);
    expect(natural, 'the still decoded').toBe(320);
    expect(await page.locator('[data-testid="tile-card-3"]').getAttribute('data-poster'), 'a 503 keeps the card').toBe('failed');
    expect(await page.locator('[data-testid="tile-card-4"]').getAttribute('data-poster'), 'nothing on: no request at all').toBe('none');
    expect(station.posterRequests.get(4) ?? 0).toBe(0);
    await screenshot(page, 'multiview-posters-1280x720.png');
    // A click still takes the tile live.
    await page.locator('[data-testid="tile-1"] .tile__monitor').click();
    await page.locator('[data-testid="tile-video-1"]').waitFor({ timeout: 5000 });
    await page.locator('[data-testid="tile-live-1"]').click();
    await page.locator('[data-testid="tile-poster-1"]').waitFor({ timeout: 5000 });
  });

  it('as-run: today by default, planned vs actual with frames, every deviation lit, markers as markers, the report and a CSV link', async () => {
    await page.locator('[data-testid="tab-asrun"]').click();
    const rows = page.locator('[data-testid="asrun-entry"]');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(11);
    const day = await page.locator('[data-testid="asrun-day"]').inputValue();
    expect(day, 'the station’s broadcast day').toMatch(/^\d{4}-\d\d-\d\d$/);

    const byKind = async (kind: string) => page.$$eval(`[data-testid="asrun-entry"][data-kind="${kind}"]`, (els) => els.map((e) => ({ dev: e.getAttribute('data-deviation'), text: e.textContent ?? '' })));
    const markers = [...(await byKind('on-air')), ...(await byKind('off-air'))];
    expect(markers.length).toBe(4);
    for (const m of markers) expect(m.dev, 'a marker is not a deviation').toBeNull();
    expect((await byKind('on-air'))[0]!.text).toContain('ON AIR');
    expect((await byKind('off-air'))[0]!.text).toContain('OFF AIR');

    const devs = await page.$$eval('[data-testid="asrun-entry"][data-deviation]', (els) => els.map((e) => e.getAttribute('data-deviation')));
    expect(devs.sort()).toEqual(['emergency', 'interrupted', 'late', 'restart', 'slate']);
    expect(await page.locator('[data-testid="dev-slate"]').count()).toBe(1);
    expect(await rows.filter({ hasText: 'Rust-Proof Paint' }).textContent()).toContain('late source: 42 frames');
    // Planned 08:00:00, aired 0.4 s late, 12 minutes of 30 fps frames.
    const first = (await rows.filter({ hasText: 'The Test Card Hour' }).first().textContent())!;
    expect(first).toContain('08:00:00');
    expect(first).toContain('+0.4 s');
    expect(first).toContain('21,588');
    expect(await page.locator('[data-testid="asrun-count"]').textContent()).toContain('5 deviations');

    const report = page.locator('[data-testid="asrun-report"]');
    await report.waitFor({ timeout: 5000 });
    expect(await report.locator('[data-testid="asrun-kind"]').count()).toBe(3);
    expect(await report.locator('[data-testid="asrun-kind"][data-kind="commercial"]').textContent()).toContain('2 · 01:00');
    expect(await report.locator('[data-testid="asrun-missed"]').textContent()).toContain('Breakfast Cereal');

    const csv = await page.locator('[data-testid="asrun-csv"]').getAttribute('href');
    expect(csv).toMatch(new RegExp(`/api/asrun\\?channel=1&day=${day}&format=csv$`));
    const res = await fetch(csv!);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(await res.text()).toContain('Rust-Proof Paint');
    await screenshot(page, 'asrun-1280x720.png');

    // Another channel, then a day with nothing aired.
    await page.locator('[data-testid="asrun-channel"]').selectOption('3');
    await expect.poll(() => rows.first().textContent(), { timeout: 5000 }).toBeTruthy();
    expect(await page.locator('[data-testid="asrun-csv"]').getAttribute('href')).toContain('channel=3&');
    await page.locator('[data-testid="asrun-day"]').fill('2001-01-01');
    await page.locator('[data-testid="asrun-empty"]').waitFor({ timeout: 5000 });
    expect(await page.locator('[data-testid="asrun-empty"]').textContent()).toContain('2001-01-01');
  });

  it('library: sources with counts by state, collections, assets with the reason a file is not ready; a scan runs with progress and its result shows', async () => {
    await page.locator('[data-testid="tab-library"]').click();
    await page.locator('[data-testid="source-tv"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid="source-tv-ready"]').textContent()).toBe('7 ready');
    expect(await page.locator('[data-testid="source-tv-new"]').textContent()).toBe('1 new');
    expect(await page.locator('[data-testid="asset-row"]').count()).toBe(10);
    const broken = page.locator('[data-testid="asset-row"][data-file="broken-tape.mp4"]');
    expect(await broken.getAttribute('data-state')).toBe('new');
    expect(await broken.locator('[data-testid="asset-reason"]').textContent()).toContain('Invalid data found');

    await page.locator('[data-testid="asset-filter-retired"]').click();
    await expect.poll(() => page.locator('[data-testid="asset-row"]').count(), { timeout: 5000 }).toBe(1);
    expect(await page.locator('[data-testid="asset-row"] [data-testid="asset-reason"]').textContent()).toContain('gone from the source folder');
    await page.locator('[data-testid="asset-filter-all"]').click();
    await page.locator('[data-testid="collection-shows/Space Patrol"]').click();
    await expect.poll(() => page.locator('[data-testid="asset-row"]').count(), { timeout: 5000 }).toBe(7);
    expect(await page.locator('[data-testid="collection-shows/Space Patrol"]').textContent()).toContain('6/7');

    await page.locator('[data-testid="scan-tv"]').click();
    const status = page.locator('[data-testid="scan-status"]');
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 5000 }).toBe('running');
    expect(await page.locator('[data-testid="scan-tv"]').isDisabled(), 'one scan at a time').toBe(true);
    await expect.poll(() => status.textContent(), { timeout: 5000 }).toMatch(/\d\/4 probed/);
    await screenshot(page, 'library-scanning-1280x720.png');
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 10_000 }).toBe('done');
    expect(await page.locator('[data-testid="scan-summary"]').textContent()).toContain('1 new');
    // The lists are read again: the new file is there and counted.
    await expect.poll(() => page.locator('[data-testid="source-tv-ready"]').textContent(), { timeout: 5000 }).toBe('8 ready');
    await expect.poll(() => page.locator('[data-testid="asset-row"][data-file="Space Patrol S01E07.mp4"]').count(), { timeout: 5000 }).toBe(1);
    await screenshot(page, 'library-1280x720.png');
  });

  it('channels: DISABLE asks once more, goes to the station with the token, and ENABLE brings it back', async () => {
    await page.locator('[data-testid="tab-channels"]').click();
    await page.locator('[data-testid="channel-2"]').click();
    const state = page.locator('[data-testid="enabled-state"]');
    await expect.poll(() => state.textContent(), { timeout: 5000 }).toBe('IN SERVICE');
    await page.locator('[data-testid="enable-toggle"]').click();
    expect(station.enabledRequests, 'nothing sent before the confirm').toEqual([]);
    await page.locator('[data-testid="disable-confirm"]').click();
    await expect.poll(() => page.locator('[data-testid="enable-result"]').textContent(), { timeout: 5000 }).toContain('Channel 2 is disabled');
    expect(station.enabledRequests).toEqual([{ channel: 2, enabled: false }]);
    await expect.poll(() => state.textContent(), { timeout: 5000 }).toBe('DISABLED');
    expect(await page.locator('[data-testid="channel-2"]').textContent()).toContain('DISABLED');
    await screenshot(page, 'channels-disabled-1280x720.png');
    await page.locator('[data-testid="enable-toggle"]').click();
    await expect.poll(() => state.textContent(), { timeout: 5000 }).toBe('IN SERVICE');
    expect(station.enabledRequests.at(-1)).toEqual({ channel: 2, enabled: true });
    expect(pageErrors).toEqual([]);
  });

  it('without the token the scan and the service switch are disabled', async () => {
    const ctx = await browser.newContext({ viewport: SMALL });
    try {
      const p = await ctx.newPage();
      await p.goto(station.url);
      await p.locator('[data-testid="tab-library"]').click();
      await p.locator('[data-testid="scan-tv"]').waitFor({ timeout: 10_000 });
      expect(await p.locator('[data-testid="scan-tv"]').isDisabled()).toBe(true);
      await p.locator('[data-testid="tab-channels"]').click();
      await p.locator('[data-testid="channel-1"]').click();
      expect(await p.locator('[data-testid="enable-toggle"]').isDisabled()).toBe(true);
    } finally {
      await ctx.close();
    }
  });

  it('at 1920x1080: screenshots of as-run and library', async () => {
    const p = await browser.newPage({ viewport: LARGE });
    try {
      await p.goto(station.controlUrl);
      await p.locator('[data-testid="tile-poster-1"]').waitFor({ timeout: 10_000 });
      await screenshot(p, 'multiview-posters-1920x1080.png');
      await p.locator('[data-testid="tab-asrun"]').click();
      await p.locator('[data-testid="asrun-report"]').waitFor({ timeout: 10_000 });
      await screenshot(p, 'asrun-1920x1080.png');
      await p.locator('[data-testid="tab-library"]').click();
      await p.locator('[data-testid="asset-row"]').first().waitFor({ timeout: 10_000 });
      await screenshot(p, 'library-1920x1080.png');
    } finally {
      await p.close();
    }
  });
});
