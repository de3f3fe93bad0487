import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { levelGainDb } from '../library/loudness-gain.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';
import { measureLoudness, parseLoudness } from './loudness.ts';
import { makeChordClip } from './test-media.ts';

describe('loudness (EBU R128)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeAll(() => {
    tmp = makeTempDir();
  });
  afterAll(() => tmp.cleanup());

  it('measures two clips 12 dB apart as 12 LU apart, with their true peaks', async () => {
    const loud = path.join(tmp.dir, 'loud.mp4');
    const quiet = path.join(tmp.dir, 'quiet.mp4');
    await Promise.all([makeChordClip(loud, 0), makeChordClip(quiet, -12)]);
    const [a, b] = await Promise.all([measureLoudness(loud), measureLoudness(quiet)]);
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(Math.abs((a.value.integratedLufs as number) - (b.value.integratedLufs as number) - 12)).toBeLessThan(0.3);
    expect(Math.abs((a.value.truePeakDbtp as number) - (b.value.truePeakDbtp as number) - 12)).toBeLessThan(0.5);
    expect(a.value.truePeakDbtp as number).toBeLessThan(0);
  });

  it('a file without sound is a reason, not a throw', async () => {
    const r = await measureLoudness(path.join(tmp.dir, 'missing.mp4'));
    expect(r.ok).toBe(false);
  });

  it('reads the summary and turns it into a gain with a true-peak ceiling', () => {
    const log = '[Parsed_ebur128_0 @ 0x1] t: 1.0 M: -20 S: -20 I: -19.0 LUFS\n[Parsed_ebur128_0 @ 0x1] Summary:\n\n  Integrated loudness:\n    I:         -27.8 LUFS\n\n  True peak:\n    Peak:      -23.2 dBFS\n';
    expect(parseLoudness(log)).toEqual({ integratedLufs: -27.8, truePeakDbtp: -23.2 });
    expect(parseLoudness('Summary:\n I: -70.0 LUFS\n Peak: -inf dBFS')).toEqual({ integratedLufs: null, truePeakDbtp: null });
    expect(levelGainDb(-12, -1)).toBe(-12);
    expect(levelGainDb(-36, -20)).toBe(12);
    // A boost stops at the ceiling: peaks at −5 dBTP may rise 3 dB, not 12.
    expect(levelGainDb(-36, -5)).toBe(3);
    expect(levelGainDb(null, null)).toBe(0);
  });
});
