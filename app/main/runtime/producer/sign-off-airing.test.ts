/**
 * The overnight as the playout engine airs it, with real ffmpeg: the schedule's
 * sign-off events (bars with tone, a still card, black) become segments the
 * AssetProducer renders with generators, in the channel's own format.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../../clock/master-clock.ts';
import { resolveFfmpegBinaries } from '../../media/ffmpeg-binaries.ts';
import { runBinary } from '../../media/test-media.ts';
import type { ProcessSpawn } from '../../playout/frame-source.ts';
import type { PlaylogEvent } from '../../schedule/types.ts';
import { AssetAiring } from '../../test-support/asset-airing.ts';
import { segmentsFrom } from '../playout-plan.ts';
import { DEFAULT_PROFILE, type OutputProfile } from './output-profile.ts';

const clock = new SystemClock();
const PROFILE: OutputProfile = { ...DEFAULT_PROFILE, width: 320, height: 180, videoBitrateKbps: 600, audioBitrateKbps: 96 };
const W = 8;
const H = 4;

function pad(id: string, startMs: number, ms: number, title: string, card?: PlaylogEvent['card']): PlaylogEvent {
  return { id, channelNumber: 9, startMs, endMs: startMs + ms, kind: 'pad', assetId: null, title, inPointMs: 0, durationMs: ms, path: null, hasVideo: false, hasAudio: false, ...(card ? { card } : {}) };
}

/** Per frame: spread of red across the top row (bars: large) and blue minus red (the card: about +35). */
async function looks(ts: Buffer): Promise<Array<{ spread: number; blue: number; level: number }>> {
  const r = await runBinary(resolveFfmpegBinaries().ffmpeg, [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-i', 'pipe:0', '-map', '0:v:0',
    '-vf', `scale=${W}:${H}:flags=area,format=rgb24`, '-fps_mode', 'passthrough', '-f', 'rawvideo', 'pipe:1',
  ], ts);
  const size = W * H * 3;
  const out: Array<{ spread: number; blue: number; level: number }> = [];
  for (let off = 0; off + size <= r.stdout.length; off += size) {
    const f = r.stdout.subarray(off, off + size);
    const reds = Array.from({ length: W }, (_, x) => f[x * 3] as number);
    let blue = 0;
    let level = 0;
    for (let p = 0; p < size; p += 3) {
      blue += (f[p + 2] as number) - (f[p] as number);
      level += (f[p] as number) + (f[p + 1] as number) + (f[p + 2] as number);
    }
    out.push({ spread: Math.max(...reds) - Math.min(...reds), blue: blue / (W * H), level: level / (W * H * 3) });
  }
  return out;
}

/** Loudest sample of the audio, dBFS. */
async function peakDb(ts: Buffer): Promise<number> {
  const r = await runBinary(resolveFfmpegBinaries().ffmpeg, ['-hide_banner', '-nostdin', '-i', 'pipe:0', '-map', '0:a:0', '-af', 'volumedetect', '-f', 'null', '-'], ts);
  return Number(/max_volume:\s*(-?[\d.]+|-inf) dB/.exec(r.stderr)?.[1] ?? '-inf');
}

let airing: AssetAiring | null = null;
afterEach(async () => {
  await airing?.stop();
  airing = null;
});

describe('the sign-off on air (real ffmpeg)', () => {
  it('bars with 1 kHz tone, then the closing card in silence, then black: each drawn by a generator', async () => {
    const T = clock.nowMs();
    const events = [
      pad('9-1', T - 200, 1200, 'SMPTE bars', { kind: 'bars' }),
      pad('9-2', T + 1000, 1000, 'This concludes our broadcast day', { kind: 'card', heading: 'This concludes our broadcast day' }),
      pad('9-3', T + 2000, 1000, 'Off the air'),
    ];
    airing = new AssetAiring({ profile: PROFILE, clock });
    const spawned: ProcessSpawn[] = [];
    airing.onSpawn((s) => spawned.push(s));
    const chunks: Buffer[] = [];
    airing.output.on('data', (d: Buffer) => chunks.push(d));
    const started = clock.monotonicMs();
    await airing.play(segmentsFrom(events, T), T);
    await clock.sleep(started + 2800 - clock.monotonicMs());
    await airing.stop();
    airing = null;
    expect(spawned.map((s) => s.role).slice(0, 3)).toEqual(['encoder', 'generator', 'generator']);
    const ts = Buffer.concat(chunks);
    const frames = await looks(ts);
    const bars = frames.slice(2, 25);
    const card = frames.slice(33, 52);
    expect(bars.every((f) => f.spread > 100)).toBe(true);
    expect(card.every((f) => f.spread < 20 && f.blue > 20)).toBe(true);
    // The tone is on the bars: 1 kHz at −20 dBFS (AAC moves the peak a little).
    const peak = await peakDb(ts);
    expect(peak).toBeGreaterThan(-24);
    expect(peak).toBeLessThan(-16);
  });
});
