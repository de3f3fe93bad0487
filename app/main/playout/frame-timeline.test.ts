import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameTimeline, blackYuv420pFrame, yuv420pFrameBytes } from './frame-timeline.ts';

const T0 = 1_790_000_000_000;
const rate30 = { fpsNum: 30, fpsDen: 1, sampleRate: 48_000 };
const rateNtsc = { fpsNum: 30_000, fpsDen: 1001, sampleRate: 48_000 };

describe('FrameTimeline', () => {
  it('places frame n at t0 + n/fps', () => {
    const tl = new FrameTimeline(T0, rate30);
    expect(tl.frameTimeMs(0)).toBe(T0);
    expect(tl.frameTimeMs(30)).toBe(T0 + 1000);
    expect(tl.frameIndexAt(T0 + 3200)).toBe(96);
    expect(tl.frameIndexAt(T0 + 16)).toBe(0);
    expect(tl.frameIndexAt(T0 + 17)).toBe(1);
    const ntsc = new FrameTimeline(T0, rateNtsc);
    expect(ntsc.frameTimeMs(30_000)).toBeCloseTo(T0 + 1_001_000, 6);
    expect(ntsc.frameIndexAt(T0 + 1_001_000)).toBe(30_000);
  });

  it('gives 1600 samples to every frame at 30 fps', () => {
    const tl = new FrameTimeline(T0, rate30);
    for (let n = 0; n < 1000; n++) expect(tl.samplesForFrame(n)).toBe(1600);
    expect(tl.maxSamplesPerFrame).toBe(1600);
  });

  it('gives 1601/1602 samples per frame at 30000/1001 that add up exactly', () => {
    const tl = new FrameTimeline(T0, rateNtsc);
    // 48000 * 1001 / 30000 = 1601.6 = 8008 / 5: a five-frame cycle.
    expect([0, 1, 2, 3, 4].map((n) => tl.samplesForFrame(n))).toEqual([1601, 1602, 1601, 1602, 1602]);
    expect(tl.samplesBetween(0, 5)).toBe(8008);
    expect(tl.samplesBetween(0, 30_000)).toBe(48_048_000); // 1001 s of audio
    expect(tl.maxSamplesPerFrame).toBe(1602);
    // A year of frames stays exact (no float drift in the counting).
    const yearFrames = Math.round((365 * 86_400 * 30_000) / 1001);
    expect(tl.sampleIndexAt(yearFrames * 5)).toBe(yearFrames * 8008);
  });

  it('tiles contiguous segments exactly: frames and samples sum to the whole', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(rate30, rateNtsc, { fpsNum: 25, fpsDen: 1, sampleRate: 48_000 }, { fpsNum: 24_000, fpsDen: 1001, sampleRate: 44_100 }),
        fc.integer({ min: -5_000, max: 5_000 }),
        fc.array(fc.integer({ min: 1, max: 120_000 }), { minLength: 1, maxLength: 40 }),
        (rate, startOffset, durations) => {
          const tl = new FrameTimeline(T0, rate);
          let t = T0 + startOffset;
          let frames = 0;
          let samples = 0;
          let prevEnd: number | null = null;
          const begin = tl.segmentFrames(t, t + 1).first;
          for (const d of durations) {
            const { first, end } = tl.segmentFrames(t, t + d);
            if (prevEnd !== null) expect(first).toBe(prevEnd);
            frames += end - first;
            samples += tl.samplesBetween(first, end);
            // Exact length: a segment is within half a frame of its duration.
            if (t >= T0) expect(Math.abs((end - first) * tl.frameMs - d)).toBeLessThanOrEqual(tl.frameMs + 1e-6);
            prevEnd = end;
            t += d;
          }
          const end = tl.segmentFrames(t, t).end;
          expect(frames).toBe(end - begin);
          expect(samples).toBe(tl.sampleIndexAt(end) - tl.sampleIndexAt(begin));
        },
      ),
    );
  });

  it('clamps the segment covering the origin to frame 0', () => {
    const tl = new FrameTimeline(T0, rate30);
    expect(tl.segmentFrames(T0 - 3200, T0 + 1800)).toEqual({ first: 0, end: 54 });
    expect(tl.segmentFrames(T0 - 5000, T0 - 1000)).toEqual({ first: 0, end: 0 });
  });

  it('rejects nonsense rates', () => {
    expect(() => new FrameTimeline(T0, { fpsNum: 0, fpsDen: 1, sampleRate: 48_000 })).toThrow();
    expect(() => new FrameTimeline(T0, { fpsNum: 29.97, fpsDen: 1, sampleRate: 48_000 })).toThrow();
  });

  it('builds black yuv420p frames of the right size', () => {
    expect(yuv420pFrameBytes(320, 180)).toBe(86_400);
    const f = blackYuv420pFrame(4, 2);
    expect([...f]).toEqual([16, 16, 16, 16, 16, 16, 16, 16, 128, 128, 128, 128]);
  });
});
