/**
 * Playout benchmark: start latency (start() → first MPEG-TS bytes), processes per
 * channel, and CPU of encoder + decoders for one on-air channel.
 *
 *   npx tsx bench/playout.bench.ts            # 320x180 and 1280x720 at 30 fps
 *   npx tsx bench/playout.bench.ts 320x180    # one size
 *
 * CPU is read from /proc/self/stat (cutime + cstime: CPU of reaped children), so it
 * covers every ffmpeg the producer ran, including decoders that came and went.
 * 100% = one core. The box's load average is printed because it skews every figure.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SystemClock } from '../app/main/clock/master-clock.ts';
import { resolveFfmpegBinaries } from '../app/main/media/ffmpeg-binaries.ts';
import { runBinary } from '../app/main/media/test-media.ts';
import { AssetAiring } from '../app/main/test-support/asset-airing.ts';
import type { OutputProfile } from '../app/main/runtime/producer/output-profile.ts';
import type { PlayoutSegment } from '../app/main/runtime/producer/producer.ts';

export interface PlayoutBenchResult {
  size: string;
  firstBytesMs: { median: number; max: number };
  maxProcesses: number;
  cpuPercent: number;
  /** This Node process (pacing, frame copies, pipes). */
  nodeCpuPercent: number;
  lateFrames: number;
  loadAvg: number;
}

const clock = new SystemClock();
const TICKS = 100; // USER_HZ on Linux

function childCpuSeconds(): number {
  // Fields after the command name: cutime and cstime are the 14th and 15th of them.
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / TICKS;
}

async function makeClip(file: string, w: number, h: number, seconds: number): Promise<void> {
  // Moving test pattern: closer to real decode/encode cost than a still picture.
  const r = await runBinary(resolveFfmpegBinaries().ffmpeg, [
    '-v', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=s=${w}x${h}:r=30:d=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
    '-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-g', '60', '-pix_fmt', 'yuv420p', '-c:a', 'aac', file,
  ]);
  if (r.code !== 0) throw new Error(r.stderr);
}

function profileFor(w: number, h: number): OutputProfile {
  return {
    width: w,
    height: h,
    fpsNum: 30,
    fpsDen: 1,
    audioSampleRate: 48_000,
    audioChannels: 2,
    videoBitrateKbps: w >= 1280 ? 2500 : 600,
    audioBitrateKbps: 128,
    gopSeconds: 1,
  };
}

function plan(file: string, T: number, seconds: number): PlayoutSegment[] {
  // Two segments so the run includes a boundary and a preroll.
  const half = (seconds * 1000) / 2;
  const src = { type: 'file' as const, path: file, inPointMs: 0, hasVideo: true, hasAudio: true };
  return [
    { eventId: 'one', kind: 'program', title: 'one', startMs: T - 1000, endMs: T + half, source: { ...src, inPointMs: 0 } },
    { eventId: 'two', kind: 'program', title: 'two', startMs: T + half, endMs: T + 2 * half + 5000, source: { ...src, inPointMs: 500 } },
  ];
}

export async function measurePlayout(w: number, h: number, runSeconds = 10, starts = 5): Promise<PlayoutBenchResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'retrovue-bench-'));
  try {
    const clip = path.join(dir, 'clip.mp4');
    await makeClip(clip, w, h, runSeconds + 10);
    const profile = profileFor(w, h);

    const firsts: number[] = [];
    for (let i = 0; i < starts; i++) {
      const p = new AssetAiring({ clock, profile });
      p.output.resume();
      const T = clock.nowMs();
      await p.play(plan(clip, T, runSeconds), T);
      firsts.push(p.stats().firstBytesMs!);
      await p.stop();
    }
    firsts.sort((a, b) => a - b);

    const p = new AssetAiring({ clock, profile });
    p.output.resume();
    const cpu0 = childCpuSeconds();
    const node0 = process.cpuUsage();
    const t0 = clock.monotonicMs();
    const T = clock.nowMs();
    await p.play(plan(clip, T, runSeconds), T);
    await clock.sleep(runSeconds * 1000);
    const stats = p.stats();
    await p.stop();
    const wall = (clock.monotonicMs() - t0) / 1000;
    const cpu = childCpuSeconds() - cpu0;
    const node = process.cpuUsage(node0);
    return {
      size: `${w}x${h}`,
      firstBytesMs: { median: firsts[Math.floor(firsts.length / 2)]!, max: firsts.at(-1)! },
      maxProcesses: stats.maxProcesses,
      cpuPercent: (100 * cpu) / wall,
      nodeCpuPercent: (100 * (node.user + node.system)) / 1e6 / wall,
      lateFrames: stats.lateFrames,
      loadAvg: os.loadavg()[0]!,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(sizes: string[] = ['320x180', '1280x720']): Promise<void> {
  for (const size of sizes) {
    const [w, h] = size.split('x').map(Number) as [number, number];
    const r = await measurePlayout(w, h);
    console.log(
      `${r.size}@30: start→first TS bytes median ${r.firstBytesMs.median.toFixed(0)} ms (max ${r.firstBytesMs.max.toFixed(0)}), ` +
        `max processes ${r.maxProcesses}, encoder+decoder CPU ${r.cpuPercent.toFixed(0)}% of one core, ` +
        `Node ${r.nodeCpuPercent.toFixed(0)}%, ` +
        `late frames ${r.lateFrames}, load avg ${r.loadAvg.toFixed(1)}`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sizes = process.argv.slice(2).filter((a) => /^\d+x\d+$/.test(a));
  await run(sizes.length ? sizes : undefined);
}
