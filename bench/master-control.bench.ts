/**
 * Master control figures: command → first emergency frame at the output (station time),
 * per channel, with 1 and with 2 channels on air (the demo station's count); PTS
 * discontinuities a viewer sees across the swaps (must be 0); and the CPU a channel's
 * processes use in each producer. Channels run the station profile (640x360) on a moving
 * test pattern, as the demo does.
 */
import { readProc } from '../app/main/monitoring/process-stats.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SystemClock } from '../app/main/clock/master-clock.ts';
import { STATION_PROFILE } from '../app/main/headless.ts';
import { silentLogger } from '../app/main/logger.ts';
import { resolveFfmpegBinaries } from '../app/main/media/ffmpeg-binaries.ts';
import { ffprobeJson, runBinary } from '../app/main/media/test-media.ts';
import { ChannelManager } from '../app/main/runtime/channel-manager.ts';
import { createPlayoutFactory } from '../app/main/runtime/producer-factory.ts';
import type { ScheduleReader } from '../app/main/runtime/schedule-reader.ts';
import type { ModeSpec } from '../app/shared/types.ts';

const clock = new SystemClock();
const CLIP_MS = 60_000;

/** CPU ticks (1/100 s) a process has used so far; 0 once it has exited. */
const cpuTicks = (pid: number): number => readProc(pid)?.ticks ?? 0;

function loopSchedule(clip: string, epoch: number): ScheduleReader {
  const ev = (i: number) => ({
    id: `e${i}`, channelNumber: 1, startMs: epoch + i * CLIP_MS, endMs: epoch + (i + 1) * CLIP_MS, kind: 'program' as const,
    assetId: 1, title: `Show ${i}`, inPointMs: 0, durationMs: CLIP_MS, path: clip, hasVideo: true, hasAudio: true,
  });
  return {
    onAir: (_n, at) => ({ event: ev(Math.floor((at - epoch) / CLIP_MS)), offsetMs: (at - epoch) % CLIP_MS }),
    playlog: (_n, from, until) => {
      const out = [];
      for (let i = Math.floor((from - epoch) / CLIP_MS); epoch + i * CLIP_MS < until; i++) out.push(ev(i));
      return out;
    },
  };
}

/** Video PTS steps that are not exactly one frame (gaps or jumps back), from a captured stream. */
async function ptsDiscontinuities(ts: string): Promise<number> {
  const pk = (await ffprobeJson(ts, ['-select_streams', 'v:0', '-show_entries', 'packet=pts'])) as { packets: { pts: number }[] };
  const pts = pk.packets.map((p) => p.pts).sort((a, b) => a - b);
  let bad = 0;
  for (let i = 1; i < pts.length; i++) if (pts[i]! - pts[i - 1]! !== 3000) bad++;
  return bad;
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'retrovue-mc-bench-'));
  try {
    const clip = path.join(dir, 'clip.mp4');
    const { width: w, height: h } = STATION_PROFILE;
    const r = await runBinary(resolveFfmpegBinaries().ffmpeg, [
      '-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=s=${w}x${h}:r=30:d=${CLIP_MS / 1000}`,
      '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${CLIP_MS / 1000}`,
      '-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-g', '30', '-pix_fmt', 'yuv420p', '-c:a', 'aac', clip,
    ]);
    if (r.code !== 0) throw new Error(r.stderr);
    const schedule = loopSchedule(clip, clock.nowMs() - 10_000);
    const guide = () => ({ stationName: 'RetroVue', timezone: 'UTC', listings: [1, 2].map((n) => ({ number: n, name: `Channel ${n}`, items: [{ startMs: clock.nowMs(), endMs: clock.nowMs() + 1800_000, title: 'The Show' }] })) });

    for (const count of [1, 2]) {
      const managers = Array.from({ length: count }, (_, i) => new ChannelManager({
        channel: { uuid: `u${i}`, number: i + 1, name: `Channel ${i + 1}`, timezone: 'UTC', enabled: true },
        clock, schedule, profile: STATION_PROFILE, playout: createPlayoutFactory({ clock, logDir: null }), logger: silentLogger(), lingerMs: 0, guide,
      }));
      const captured = managers.map(() => [] as Buffer[]);
      managers.forEach((m, i) => m.on('output', (s) => s.on('data', (c: Buffer) => captured[i]!.push(c))));
      await Promise.all(managers.map((m) => m.tuneIn('bench')));
      await clock.sleep(2000);
      const latencies: number[] = [];
      const cpu: Record<string, number[]> = {};
      const modes: [string, ModeSpec][] = [
        ['asset', { mode: 'normal' }],
        ['emergency takeover', { mode: 'emergency', message: 'This is a test of the emergency alert system.', style: 'takeover' }],
        ['asset', { mode: 'normal' }],
        ['emergency crawl', { mode: 'emergency', message: 'This is a test of the emergency alert system.', style: 'crawl' }],
        ['guide', { mode: 'guide' }],
        ['slate', { mode: 'maintenance' }],
        ['asset', { mode: 'normal' }],
      ];
      for (const [i, [label, spec]] of modes.entries()) {
        const command = clock.nowMs();
        // The first entry is where the channels already are: no cut.
        const cuts = i === 0 ? [] : managers.map((m) => new Promise<number>((resolve) => m.once('cut', (c) => resolve(c.stationMs))));
        await Promise.all(managers.map((m) => m.setMode(spec)));
        const at = await Promise.all(cuts);
        if (label === 'emergency takeover') latencies.push(...at.map((t) => t - command));
        // CPU of the channel's processes over 4 s in this producer.
        await clock.sleep(1000);
        const pids = managers.flatMap((m) => m.runtimeStatus().pids);
        const before = pids.map(cpuTicks);
        const t0 = clock.monotonicMs();
        await clock.sleep(4000);
        const secs = (clock.monotonicMs() - t0) / 1000;
        // A process that ended in the window (a retired decoder) counts what it used up to then, not a negative.
        const used = pids.reduce((sum, pid, i) => sum + Math.max(0, cpuTicks(pid) - before[i]!), 0) / 100;
        (cpu[label] ??= []).push((100 * used) / secs / count);
      }
      const encoders = new Set(managers.map((m) => m.runtimeStatus().encoderPid));
      await Promise.all(managers.map((m) => m.shutdown()));
      let discontinuities = 0;
      for (let i = 0; i < count; i++) {
        const file = path.join(dir, `ch${i}.ts`);
        await writeFile(file, Buffer.concat(captured[i]!));
        discontinuities += await ptsDiscontinuities(file);
      }
      console.log(
        `${count} channel(s) on air: command → first emergency frame ${latencies.map((l) => `${l.toFixed(0)} ms`).join(', ')} (station time); ` +
          `PTS discontinuities across ${modes.length - 1} swaps: ${discontinuities}; encoders per channel: ${encoders.size / count}`,
      );
      console.log(`  CPU per channel (% of one core): ${Object.entries(cpu).map(([k, v]) => `${k} ${(v.reduce((a, b) => a + b, 0) / v.length).toFixed(0)}%`).join(', ')}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
