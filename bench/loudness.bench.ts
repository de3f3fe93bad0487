/**
 * Loudness of the demo station's output over an hour, and what the scan's enrichers cost.
 *
 * An hour of channel 1's playlog is decoded as the channel's decoders decode it (the same
 * audio chain, with each asset's level gain, and without it for comparison) and measured
 * with ebur128: the hour's integrated loudness and loudness range, and the spread of the
 * items' own integrated loudness (programmes, spots, promos, IDs alike). Faster than real
 * time; the encoder's AAC does not move loudness. Then the loudness and break-detection
 * enrichers run over a sample of the media: seconds of scan per hour of media.
 *
 * RETROVUE_BENCH_DEMO=DIR reuses a demo station's data folder (else one is built, ~2 min).
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SystemClock } from '../app/main/clock/master-clock.ts';
import { createDemoStation } from '../app/main/demo/demo-station.ts';
import { silentLogger } from '../app/main/logger.ts';
import { detectBreaks } from '../app/main/media/break-detect.ts';
import { resolveFfmpegBinaries } from '../app/main/media/ffmpeg-binaries.ts';
import { measureLoudness, parseLoudness } from '../app/main/media/loudness.ts';
import { runBinary } from '../app/main/media/test-media.ts';
import { levelledAudioFilter } from '../app/main/playout/decoder-args.ts';
import { DEFAULT_PROFILE } from '../app/main/runtime/producer/output-profile.ts';
import { ScheduleService } from '../app/main/schedule/schedule-service.ts';
import type { PlaylogEvent } from '../app/main/schedule/types.ts';
import { openStation } from '../app/main/station.ts';

const HOUR = 3_600_000;

/** One event's sound as its decoder makes it (s16le, the station's rate and layout). */
async function decodeEvent(e: PlaylogEvent, levelled: boolean): Promise<Buffer> {
  const P = DEFAULT_PROFILE;
  const bytes = Math.round((e.durationMs / 1000) * P.audioSampleRate) * 2 * P.audioChannels;
  if (!e.path || !e.hasAudio) return Buffer.alloc(bytes);
  const r = await runBinary(resolveFfmpegBinaries().ffmpeg, [
    '-hide_banner', '-nostdin', '-loglevel', 'error', ...(e.inPointMs > 0 ? ['-ss', (e.inPointMs / 1000).toFixed(3)] : []), '-i', e.path,
    '-map', '0:a:0', '-af', levelledAudioFilter(P, levelled ? e.gainDb : undefined), '-t', (e.durationMs / 1000).toFixed(3), '-f', 's16le', 'pipe:1',
  ]);
  const out = Buffer.alloc(bytes);
  r.stdout.copy(out, 0, 0, Math.min(bytes, r.stdout.length));
  return out;
}

async function measurePcm(pcm: Buffer): Promise<{ integrated: number; range: number }> {
  const P = DEFAULT_PROFILE;
  const r = await runBinary(resolveFfmpegBinaries().ffmpeg, ['-hide_banner', '-nostdin', '-nostats', '-f', 's16le', '-ar', String(P.audioSampleRate), '-ac', String(P.audioChannels), '-i', 'pipe:0', '-af', 'ebur128', '-f', 'null', '-'], pcm);
  const l = parseLoudness(r.stderr);
  const lra = /LRA:\s+(-?[\d.]+) LU/.exec(r.stderr.split('Summary:').pop() ?? '');
  return { integrated: l?.integratedLufs ?? NaN, range: lra ? Number(lra[1]) : NaN };
}

const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');

export async function run(): Promise<void> {
  const clock = new SystemClock();
  const dataDir = process.env.RETROVUE_BENCH_DEMO ?? mkdtempSync(path.join(os.tmpdir(), 'retrovue-loudness-'));
  const station = openStation({ dataDir, clock, logger: silentLogger() });
  try {
    if (station.channels.list().length === 0) {
      const t = clock.monotonicMs();
      await createDemoStation(station);
      console.log(`demo station built in ${((clock.monotonicMs() - t) / 1000).toFixed(0)} s (${dataDir})`);
    }
    const schedule = new ScheduleService({ db: station.db, clock, logger: silentLogger() });
    await schedule.start();
    const from = clock.nowMs();
    const events = schedule.playlog(1, from, from + HOUR).map((e) => {
      // The hour exactly: the first and last events are cut to it.
      const s = Math.max(e.startMs, from);
      const end = Math.min(e.endMs, from + HOUR);
      return { ...e, inPointMs: e.inPointMs + (s - e.startMs), startMs: s, endMs: end, durationMs: end - s };
    }).filter((e) => e.durationMs > 0);
    schedule.stop?.();

    for (const levelled of [false, true]) {
      const t = clock.monotonicMs();
      const parts: Buffer[] = [];
      const items: { kind: string; title: string; lufs: number }[] = [];
      for (const e of events) {
        const pcm = await decodeEvent(e, levelled);
        parts.push(pcm);
        // An item's own loudness, where it has sound long enough to gate (ebur128 needs 400 ms blocks).
        if (e.path && e.hasAudio && e.durationMs >= 3000) items.push({ kind: e.kind, title: e.title, lufs: (await measurePcm(pcm)).integrated });
      }
      const hour = await measurePcm(Buffer.concat(parts));
      const measured = items.filter((i) => Number.isFinite(i.lufs));
      if (measured.length === 0) throw new Error('no item of the hour could be measured; is ffmpeg working?');
      const lo = measured.reduce((a, b) => (b.lufs < a.lufs ? b : a));
      const hi = measured.reduce((a, b) => (b.lufs > a.lufs ? b : a));
      console.log(`${levelled ? 'levelled (as aired)' : 'without level gain'}: ${events.length} events over ${(events.reduce((s, e) => s + e.durationMs, 0) / 60_000).toFixed(0)} min; hour integrated ${fmt(hour.integrated)} LUFS, loudness range ${fmt(hour.range)} LU; items ${fmt(lo.lufs)} (${lo.kind} ${lo.title}) … ${fmt(hi.lufs)} LUFS (${hi.kind} ${hi.title}): spread ${fmt(hi.lufs - lo.lufs)} LU over ${measured.length} items [${((clock.monotonicMs() - t) / 1000).toFixed(1)} s]`);
    }

    // Enricher cost: loudness and break detection over the distinct files of the hour.
    const files = [...new Map(events.filter((e) => e.path).map((e) => [e.path!, e])).values()];
    const mediaMs = await Promise.all(files.map(async (e) => Number((await runBinary(resolveFfmpegBinaries().ffprobe, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', e.path!])).stdout.toString()) * 1000));
    const totalMediaMs = mediaMs.reduce((a, b) => a + b, 0);
    let t = clock.monotonicMs();
    for (const e of files) await measureLoudness(e.path!);
    const loudnessS = (clock.monotonicMs() - t) / 1000;
    t = clock.monotonicMs();
    for (const [i, e] of files.entries()) await detectBreaks(e.path!, { durationMs: mediaMs[i]!, hasAudio: e.hasAudio, hasVideo: e.hasVideo });
    const breaksS = (clock.monotonicMs() - t) / 1000;
    const perHour = (s: number) => (s / (totalMediaMs / HOUR)).toFixed(1);
    console.log(`enrichers over ${files.length} files, ${(totalMediaMs / HOUR).toFixed(2)} h of media (demo media: 640×360 15 fps, 24 kHz mono): loudness ${loudnessS.toFixed(1)} s (${perHour(loudnessS)} s per hour of media), black+silence break detection ${breaksS.toFixed(1)} s (${perHour(breaksS)} s per hour), one file at a time`);
  } finally {
    station.close();
  }
}
