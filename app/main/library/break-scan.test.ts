/**
 * The scan-time enrichers in a real scan: programs without chapters are looked
 * through once for break points, stored and handed to the scheduler (programs with
 * chapters and interstitials are left alone); everything with sound has its loudness
 * measured once, and the scheduler gets the gain to the target.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/master-clock.ts';
import { detectBreaks } from '../media/break-detect.ts';
import { makeChapterClip, makeGapClip } from '../media/test-media.ts';
import { loadLibrary } from '../schedule/store.ts';
import { openStation, type Station } from '../station.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';
import { levelGainDb } from './loudness-gain.ts';
import { Scanner } from './scanner.ts';

const GAP = [['show', 6], ['break', 1], ['show', 6]] as const;
const EP = path.join('shows', 'Gap', 'Gap.S01E01.mp4');
const CHAPTERED = path.join('shows', 'Gap', 'Gap.S01E02.mp4');
const AD = path.join('commercials', 'ad.mp4');

describe('break detection at scan time', () => {
  const clock = new ManualClock('2026-11-21T12:00:00Z');
  let tmp: ReturnType<typeof makeTempDir>;
  let station: Station;
  const looked: string[] = [];
  let scanner: Scanner;
  const asset = (rel: string) => station.library.listAssets().find((a) => a.relPath === rel);

  beforeAll(async () => {
    tmp = makeTempDir();
    const media = path.join(tmp.dir, 'media');
    const { mkdirSync } = await import('node:fs');
    for (const rel of [EP, AD]) mkdirSync(path.dirname(path.join(media, rel)), { recursive: true });
    await makeGapClip(path.join(media, EP), GAP);
    await makeGapClip(path.join(media, AD), GAP);
    await makeChapterClip(path.join(media, CHAPTERED), { seconds: 4, chapters: [{ startMs: 0, endMs: 2000, title: 'A' }, { startMs: 2000, endMs: 4000, title: 'B' }] });
    station = openStation({ dataDir: path.join(tmp.dir, 'data'), clock });
    station.library.addSource('tv', media);
    scanner = new Scanner(station.db, station.library, clock, { detect: (f, m) => (looked.push(path.basename(f)), detectBreaks(f, m)) });
  });
  afterAll(() => {
    station.close();
    tmp.cleanup();
  });

  it('stores the break of a program without chapters, once, and the scheduler sees it', async () => {
    const summary = await scanner.scan('tv');
    expect(summary.ready).toBe(3);
    expect(summary.breaksDetected).toBe(1);
    expect(looked).toEqual(['Gap.S01E01.mp4']);
    const found = asset(EP)?.detectedBreaks ?? [];
    expect(found).toHaveLength(1);
    expect(Math.abs((found[0] as number) - 6500)).toBeLessThanOrEqual(80);
    expect(asset(CHAPTERED)?.detectedBreaks).toBeNull();
    expect(asset(AD)?.detectedBreaks).toBeNull();
    expect(loadLibrary(station.db).find((a) => a.id === asset(EP)?.id)?.detectedBreaks).toEqual(found);
    // Every file with sound has its loudness measured, and the scheduler gets the gain to the target.
    expect(summary.loudnessMeasured).toBe(3);
    const ep = asset(EP);
    expect(ep?.loudnessLufs).toBeGreaterThan(-40);
    expect(ep?.loudnessLufs).toBeLessThan(-10);
    expect(ep?.truePeakDbtp).toBeLessThan(0);
    const gain = loadLibrary(station.db).find((a) => a.id === ep?.id)?.gainDb;
    expect(gain).toBeCloseTo(levelGainDb(ep?.loudnessLufs ?? null, ep?.truePeakDbtp ?? null), 5);

    // A rescan looks through nothing again.
    looked.length = 0;
    const again = await scanner.scan('tv');
    expect(again.breaksDetected).toBe(0);
    expect(again.loudnessMeasured).toBe(0);
    expect(looked).toEqual([]);
  });
});
