/**
 * Break detection on generated media (lavfi): a clip with one stretch both black and
 * silent, plus a black flash under sound and a pause over picture that are not breaks.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../test-support/temp-dir.ts';
import { breakPointsFrom, detectBreaks, parseBlacks, parseSilences } from './break-detect.ts';
import { makeGapClip } from './test-media.ts';

/** 17 s: black 3.5–4.1 s under a tone, black and silent 8–9 s, silence 11–11.8 s over picture. */
const GAP = [['show', 3.5], ['flash', 0.6], ['show', 3.9], ['break', 1], ['show', 2], ['pause', 0.8], ['show', 5.2]] as const;

describe('break detection (black + silence)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeAll(() => {
    tmp = makeTempDir();
  });
  afterAll(() => tmp.cleanup());

  it('finds the one stretch that is black and silent, not the black flash or the pause', async () => {
    const file = path.join(tmp.dir, 'gap.mp4');
    await makeGapClip(file, GAP);
    const r = await detectBreaks(file, { durationMs: 17_000, hasAudio: true, hasVideo: true });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.breaks).toHaveLength(1);
    expect(Math.abs((r.breaks[0] as number) - 8500)).toBeLessThanOrEqual(80);
    // Both silences were looked at; only around them was the picture decoded.
    expect(r.silences).toBe(2);
  });

  it('a file without sound: black alone marks the break', async () => {
    const file = path.join(tmp.dir, 'mute.mp4');
    await makeGapClip(file, GAP, { audio: false });
    const r = await detectBreaks(file, { durationMs: 17_000, hasAudio: false, hasVideo: true });
    expect(r.ok && r.breaks.map((b) => Math.round(b / 100) * 100)).toEqual([3800, 8500]);
  });

  it('an unreadable file is a reason, not a throw', async () => {
    const r = await detectBreaks(path.join(tmp.dir, 'missing.mp4'), { durationMs: 10_000, hasAudio: true, hasVideo: true });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/^silence detection failed/);
  });

  it('reads the detectors’ lines and joins them', () => {
    const log = '[silencedetect @ 0x1] silence_start: 8.001\n[silencedetect @ 0x1] silence_end: 9.02 | silence_duration: 1.01\n[silencedetect @ 0x1] silence_start: 16.5\n';
    expect(parseSilences(log, 17_000)).toEqual([{ startMs: 8001, endMs: 9020 }, { startMs: 16_500, endMs: 17_000 }]);
    expect(parseBlacks('[blackdetect @ 0x2] black_start:0.5 black_end:1.5 black_duration:1', 7500)).toEqual([{ startMs: 8000, endMs: 9000 }]);
    // Overlap in the middle; the file's own black opening is no break; near ones merge.
    expect(breakPointsFrom([{ startMs: 8000, endMs: 9000 }, { startMs: 0, endMs: 800 }, { startMs: 10_000, endMs: 10_400 }], [{ startMs: 8001, endMs: 9020 }, { startMs: 0, endMs: 900 }, { startMs: 10_000, endMs: 10_400 }], 17_000)).toEqual([8501]);
  });
});
