/**
 * A slot whose file is broken airs the error slate, and counts as ready as soon as the
 * slate has frames: a tune-in or a cut to it is not held until a timeout (it was, for 4 s,
 * and a cut to a broken slot was refused).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../clock/master-clock.ts';
import { makeFrameNumberedClip, readFrameNumbers } from '../media/test-media.ts';
import { AssetProducer } from '../runtime/producer/asset-producer.ts';
import { DEFAULT_PROFILE } from '../runtime/producer/output-profile.ts';
import { AssetAiring } from '../test-support/asset-airing.ts';
import { fileSource, segment } from '../test-support/segments.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';

const clock = new SystemClock();
const PROFILE = { ...DEFAULT_PROFILE, width: 320, height: 180, videoBitrateKbps: 300 };

describe('a broken slot', () => {
  const tmp = makeTempDir('retrovue-broken-');
  let good = '';
  const bad = path.join(tmp.dir, 'bad.mp4');
  beforeAll(async () => {
    good = await makeFrameNumberedClip(path.join(tmp.dir, 'good.mp4'), { seconds: 10, width: 320, height: 180 });
    writeFileSync(bad, randomBytes(50_000));
  });
  afterAll(() => tmp.cleanup());

  it('starts on the error slate without waiting for a timeout', async () => {
    // With no first-frame timeout to fall back on, a slot that never counts as ready would hang here.
    const out = new AssetAiring({ profile: PROFILE, clock, firstFrameTimeoutMs: 60_000, startTimeoutMs: 60_000 });
    const faults: string[] = [];
    out.on('mediaFault', (f: { path: string }) => faults.push(f.path));
    const t = clock.nowMs();
    const t0 = clock.monotonicMs();
    try {
      await out.play([segment('x', t - 100, t + 5000, fileSource(bad))], t + 200);
      console.log(`broken slot: on the air (error slate) after ${(clock.monotonicMs() - t0).toFixed(0)} ms`);
      expect(faults).toEqual([bad]);
      // The slot's condition is raised from its first frame on screen.
      for (let i = 0; i < 40 && out.getHealth().status !== 'degraded'; i++) await clock.sleep(50);
      expect(out.getHealth().status).toBe('degraded');
    } finally {
      await out.stop();
    }
  }, 30_000);

  it('a broken next slot is found while it prerolls: the error slate is ready on its first frame', async () => {
    // The next slot's decoder starts 3 s ahead: ffmpeg takes about 0.9 s to give up on this
    // file here, so even a saturated machine sees it fail before the boundary.
    const out = new AssetAiring({ profile: PROFILE, clock }, { prerollMs: 3000, minPrerollMs: 3000 });
    const faults: number[] = [];
    out.on('mediaFault', () => faults.push(clock.monotonicMs()));
    const chunks: Buffer[] = [];
    out.output.on('data', (d: Buffer) => chunks.push(d));
    const t = clock.nowMs();
    const t0 = clock.monotonicMs();
    const boundary = 105; // 3.5 s at 30 fps
    try {
      await out.play([segment('a', t - 1000, t + 3500, fileSource(good)), segment('b', t + 3500, t + 5500, fileSource(bad))], t);
      await clock.sleep(t0 + 5000 - clock.monotonicMs());
      const late = out.stats().lateFrames;
      await out.stop();
      const nums = await readFrameNumbers(Buffer.concat(chunks));
      const heldA = nums.slice(boundary, boundary + 30).filter((n) => n !== null).length;
      console.log(`broken next slot: fault reported ${faults.length ? (t0 + 3500 - faults[0]!).toFixed(0) : '?'} ms before its first frame; ${heldA} frames of a held after the boundary; ${late} late`);
      // Reported before the slot airs (its decoder failed while it prerolled)…
      expect(faults).toHaveLength(1);
      expect(faults[0]!).toBeLessThan(t0 + 3500);
      // …so the slate is on screen from the slot's first frame, not a's picture held meanwhile
      // (a saturated machine may still hold a frame it counts late).
      expect(nums[boundary - 1]).toBe(30 + boundary - 1);
      expect(heldA).toBeLessThanOrEqual(late);
    } finally {
      await out.stop();
    }
  }, 30_000);

  it('takes a cut to it (the slate airs instead of the cut being refused)', async () => {
    const out = new AssetAiring({ profile: PROFILE, clock, cutTimeoutMs: 3000 });
    const t = clock.nowMs();
    try {
      await out.play([segment('a', t - 1000, t + 10_000, fileSource(good))], t + 200);
      await clock.sleep(500);
      const n = clock.nowMs();
      const t0 = clock.monotonicMs();
      const at = await out.cut(new AssetProducer([segment('b', n - 1000, n + 8000, fileSource(bad))]));
      console.log(`broken slot: cut landed at frame ${at.frame} after ${(clock.monotonicMs() - t0).toFixed(0)} ms`);
      expect(at.frame).toBeGreaterThan(0);
    } finally {
      await out.stop();
    }
  }, 60_000);
});
