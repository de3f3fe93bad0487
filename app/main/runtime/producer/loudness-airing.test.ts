/**
 * Levelled loudness on air, with real ffmpeg: two clips 12 LU apart, measured as the
 * scan measures them, air through a channel output at the gain the schedule gives
 * them; the output, measured with ebur128, has both within 1 LU of the target and of
 * each other.
 */
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../../clock/master-clock.ts';
import { levelGainDb, TARGET_LUFS } from '../../library/loudness-gain.ts';
import { resolveFfmpegBinaries } from '../../media/ffmpeg-binaries.ts';
import { measureLoudness, parseLoudness } from '../../media/loudness.ts';
import { makeChordClip, runBinary } from '../../media/test-media.ts';
import type { PlaylogEvent } from '../../schedule/types.ts';
import { AssetAiring } from '../../test-support/asset-airing.ts';
import { makeTempDir } from '../../test-support/temp-dir.ts';
import { segmentsFrom } from '../playout-plan.ts';
import { DEFAULT_PROFILE, type OutputProfile } from './output-profile.ts';

const clock = new SystemClock();
const PROFILE: OutputProfile = { ...DEFAULT_PROFILE, width: 320, height: 180, videoBitrateKbps: 600, audioBitrateKbps: 128 };

/** Integrated loudness of [fromS, fromS + lengthS) of a captured stream. */
async function lufsOf(ts: string, fromS: number, lengthS: number): Promise<number> {
  const r = await runBinary(resolveFfmpegBinaries().ffmpeg, ['-hide_banner', '-nostdin', '-nostats', '-ss', String(fromS), '-t', String(lengthS), '-i', ts, '-map', '0:a:0', '-af', 'ebur128', '-f', 'null', '-']);
  return parseLoudness(r.stderr)?.integratedLufs ?? NaN;
}

describe('levelled loudness on air (real ffmpeg)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let airing: AssetAiring | null = null;
  beforeAll(() => {
    tmp = makeTempDir();
  });
  afterEach(async () => {
    await airing?.stop();
    airing = null;
  });
  afterAll(() => tmp.cleanup());

  it('two clips 12 LU apart air within 1 LU of the target and of each other', async () => {
    const loud = await makeChordClip(path.join(tmp.dir, 'loud.mp4'), 0, 5);
    const quiet = await makeChordClip(path.join(tmp.dir, 'quiet.mp4'), -12, 5);
    const [a, b] = [await measureLoudness(loud), await measureLoudness(quiet)];
    if (!a.ok || !b.ok) throw new Error('measurement failed');
    const gain = (m: typeof a.value): number => levelGainDb(m.integratedLufs, m.truePeakDbtp);
    expect(Math.round((a.value.integratedLufs as number) - (b.value.integratedLufs as number))).toBe(12);
    const T = clock.nowMs();
    const ev = (id: string, file: string, startMs: number, gainDb: number): PlaylogEvent => ({
      id, channelNumber: 9, startMs, endMs: startMs + 5000, kind: 'commercial', assetId: null, title: id, inPointMs: 0, durationMs: 5000, path: file, hasVideo: true, hasAudio: true, gainDb,
    });
    airing = new AssetAiring({ profile: PROFILE, clock });
    const chunks: Buffer[] = [];
    airing.output.on('data', (d: Buffer) => chunks.push(d));
    const started = clock.monotonicMs();
    await airing.play(segmentsFrom([ev('loud', loud, T, gain(a.value)), ev('quiet', quiet, T + 5000, gain(b.value))], T), T);
    await clock.sleep(started + 10_200 - clock.monotonicMs());
    await airing.stop();
    airing = null;
    const ts = path.join(tmp.dir, 'out.ts');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(ts, Buffer.concat(chunks));
    // The middle of each clip (away from the cut and the encoder's start).
    const first = await lufsOf(ts, 0.8, 3.5);
    const second = await lufsOf(ts, 5.8, 3.5);
    expect(Math.abs(first - TARGET_LUFS)).toBeLessThanOrEqual(1);
    expect(Math.abs(second - TARGET_LUFS)).toBeLessThanOrEqual(1);
    expect(Math.abs(first - second)).toBeLessThanOrEqual(1);
  });
});
