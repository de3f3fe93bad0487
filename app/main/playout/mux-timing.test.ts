/**
 * Mux timing of the channel encoder's MPEG-TS, on real ffmpeg: no audio or video PES may
 * arrive after its decode time by the PCR (players drop or stall on it; VLC says "dts later
 * than pcr"), and timestamps start where the frame timeline says (firstVideoPts90k).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../clock/master-clock.ts';
import { makeFrameNumberedClip } from '../media/test-media.ts';
import { DEFAULT_PROFILE } from '../runtime/producer/output-profile.ts';
import { AssetAiring } from '../test-support/asset-airing.ts';
import { fileSource, segment } from '../test-support/segments.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';
import { analyzeMuxTiming } from '../test-support/ts-timing.ts';
import { firstVideoPts90k } from './encoder-args.ts';

const clock = new SystemClock();

describe('encoder mux timing', () => {
  const tmp = makeTempDir('retrovue-mux-');
  let clip = '';
  beforeAll(async () => {
    clip = await makeFrameNumberedClip(path.join(tmp.dir, 'clip.mp4'), { seconds: 8, width: 320, height: 180 });
  });
  afterAll(() => tmp.cleanup());

  it('puts every PES ahead of the PCR, with frame 0 at the PTS the timeline maps from', async () => {
    const profile = { ...DEFAULT_PROFILE, width: 320, height: 180, videoBitrateKbps: 400 };
    const out = new AssetAiring({ profile, clock });
    const chunks: Buffer[] = [];
    out.output.on('data', (c: Buffer) => chunks.push(c));
    const t = clock.nowMs();
    try {
      await out.play([segment('a', t, t + 8000, fileSource(clip))], t);
      await clock.sleep(4000);
    } finally {
      await out.stop();
    }
    const timing = analyzeMuxTiming(Buffer.concat(chunks));
    console.log(`mux timing: audio ${timing.audio.late}/${timing.audio.pes} late (min margin ${timing.audio.minMarginMs.toFixed(1)} ms), video ${timing.video.late}/${timing.video.pes} late (min margin ${timing.video.minMarginMs.toFixed(1)} ms), first video PTS ${timing.firstVideoPts}`);
    expect(timing.audio.pes).toBeGreaterThan(50);
    expect(timing.video.pes).toBeGreaterThan(90);
    expect(timing.audio.late).toBe(0);
    expect(timing.video.late).toBe(0);
    expect(timing.firstVideoPts).toBe(firstVideoPts90k(profile));
  }, 60_000);
});
