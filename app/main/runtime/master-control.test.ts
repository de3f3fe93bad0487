/**
 * Master control against real ffmpeg: one channel output carries normal → emergency →
 * normal → guide → normal on one encoder. A viewer's stream is read back frame by frame:
 * timestamps continuous, the same encoder pid throughout, the alert on the air within
 * half a second of the command, and after release the frame the timeline says is on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../clock/master-clock.ts';
import { silentLogger } from '../logger.ts';
import { ffprobeJson, makeFrameNumberedClip, readFrameNumbers } from '../media/test-media.ts';
import type { PlaylogEvent } from '../schedule/types.ts';
import { ChannelManager } from './channel-manager.ts';
import { DEFAULT_PROFILE, type OutputProfile } from './producer/output-profile.ts';
import { createPlayoutFactory } from './producer-factory.ts';
import type { ScheduleReader } from './schedule-reader.ts';

const clock = new SystemClock();
const PROFILE: OutputProfile = { ...DEFAULT_PROFILE, width: 320, height: 180, videoBitrateKbps: 500, audioBitrateKbps: 96 };
const FPS = 30;
const CLIP_MS = 20_000;

let dir = '';
let clip = '';
let epoch = 0;

/** A loop of one 20 s frame-numbered clip from `epoch`: frame number = position × 30. */
const schedule: ScheduleReader = {
  onAir(_n, at) {
    const i = Math.floor((at - epoch) / CLIP_MS);
    return { event: ev(i), offsetMs: at - ev(i).startMs };
  },
  playlog(_n, from, until) {
    const out: PlaylogEvent[] = [];
    for (let i = Math.floor((from - epoch) / CLIP_MS); ev(i).startMs < until; i++) out.push(ev(i));
    return out;
  },
};
function ev(i: number): PlaylogEvent {
  const startMs = epoch + i * CLIP_MS;
  return { id: `e${i}`, channelNumber: 1, startMs, endMs: startMs + CLIP_MS, kind: 'program', assetId: 1, title: `Show ${i}`, inPointMs: 0, durationMs: CLIP_MS, path: clip, hasVideo: true, hasAudio: true };
}
function expectedNumber(stationMs: number): number {
  const pos = (((stationMs - epoch) % CLIP_MS) + CLIP_MS) % CLIP_MS;
  return Math.round((pos * FPS) / 1000) % ((CLIP_MS * FPS) / 1000);
}
/** Frames apart on the loop (the clip wraps from its last frame to 0). */
function loopDistance(a: number, b: number): number {
  const n = (CLIP_MS * FPS) / 1000;
  const d = Math.abs(a - b) % n;
  return Math.min(d, n - d);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'retrovue-mc-'));
  clip = await makeFrameNumberedClip(path.join(dir, 'clip.mp4'), { seconds: CLIP_MS / 1000, gop: 15 });
  epoch = clock.nowMs() - 5_000;
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function manager(): ChannelManager {
  return new ChannelManager({
    channel: { uuid: 'u1', number: 1, name: 'One', timezone: 'UTC', enabled: true },
    clock,
    schedule,
    profile: PROFILE,
    playout: createPlayoutFactory({ clock, logDir: null }),
    logger: silentLogger(),
    lingerMs: 0,
    stationName: 'RetroVue Test',
    guide: () => ({ stationName: 'RetroVue Test', timezone: 'UTC', listings: [{ number: 1, name: 'One', items: [{ startMs: epoch, endMs: epoch + CLIP_MS, title: 'Show: "quotes" 100% {x}' }] }] }),
  });
}

interface VideoPacket {
  pts: number;
}

describe('master control on one encoder (real ffmpeg)', () => {
  it('normal → emergency → normal → guide → normal: continuous PTS, one encoder, alert within 0.5 s, timeline frame after release', async () => {
    const cm = manager();
    const chunks: Buffer[] = [];
    cm.on('output', (s) => s.on('data', (c: Buffer) => chunks.push(c)));
    const session = await cm.tuneIn('test');
    const encoderPid = cm.runtimeStatus().encoderPid;
    expect(encoderPid).toBeTypeOf('number');
    const t0 = cm.outputCursor()!.t0Ms;
    const cuts: { kind: string; stationMs: number; commandMs: number }[] = [];
    let commandMs = 0;
    cm.on('cut', (c) => cuts.push({ ...c, commandMs }));

    const step = async (spec: Parameters<ChannelManager['setMode']>[0]) => {
      await clock.sleep(2000);
      commandMs = clock.nowMs();
      await cm.setMode(spec);
      expect(cm.runtimeStatus().encoderPid).toBe(encoderPid);
    };
    await step({ mode: 'emergency', message: 'Tornado warning: take shelter now.', style: 'takeover' });
    await step({ mode: 'normal' });
    await step({ mode: 'guide' });
    await step({ mode: 'normal' });
    await clock.sleep(2500);
    const stats = cm.outputStats()!;
    cm.tuneOut(session.id);
    await cm.shutdown();

    console.info(`[measure] command → cut on air (station ms): ${cuts.map((c) => `${c.kind} ${(c.stationMs - c.commandMs).toFixed(0)}`).join(", ")}`);
    expect(cuts.map((c) => c.kind)).toEqual(['emergency', 'asset', 'guide', 'asset']);
    // The alert must be on the air within half a second: the pacer's lead (200 ms) plus a generator's start.
    expect(cuts[0]!.stationMs - cuts[0]!.commandMs, 'emergency cut latency').toBeLessThanOrEqual(500);
    // A cut back to the schedule seeks and decodes a file first, which a loaded box slows: bounded, not tight.
    for (const c of cuts.slice(1)) expect(c.stationMs - c.commandMs, `${c.kind} cut latency`).toBeLessThanOrEqual(1500);
    expect(stats.encoderRestarts).toBe(0);
    expect(stats.cuts).toBe(4);

    const ts = path.join(dir, 'mc.ts');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(ts, Buffer.concat(chunks));
    const probe = (await ffprobeJson(ts, ['-select_streams', 'v:0', '-show_entries', 'packet=pts'])) as { packets: VideoPacket[] };
    const pts = probe.packets.map((p) => p.pts).sort((a, b) => a - b);
    const frameTicks = 90_000 / FPS;
    for (let i = 1; i < pts.length; i++) {
      const gap = pts[i]! - pts[i - 1]!;
      expect(gap, `PTS gap at packet ${i}`).toBeGreaterThan(0);
      expect(gap, `PTS gap at packet ${i}`).toBeLessThanOrEqual(frameTicks * 1.01);
    }
    // About 10.5 s of output, one frame each.
    expect(pts.length).toBeGreaterThan(FPS * 9);

    // Frame numbers: each output frame i airs at t0 + i/fps; after the last release it must be the timeline's frame.
    const numbers = await readFrameNumbers(ts);
    const lastCut = cuts[3]!;
    const from = Math.round(((lastCut.stationMs - t0) * FPS) / 1000) + 1;
    let checked = 0;
    for (let i = from; i < numbers.length; i++) {
      const n = numbers[i];
      expect(n, `frame ${i} after release`).not.toBeNull();
      const want = expectedNumber(t0 + (i * 1000) / FPS);
      expect(loopDistance(n!, want), `frame ${i}: got ${n}, timeline says ${want}`).toBeLessThanOrEqual(1);
      checked++;
    }
    expect(checked).toBeGreaterThan(FPS * 2);
    // During the emergency and the guide, the picture carries no frame pattern.
    const emergencyFrame = Math.round(((cuts[0]!.stationMs - t0) * FPS) / 1000) + 5;
    const guideFrame = Math.round(((cuts[2]!.stationMs - t0) * FPS) / 1000) + 5;
    expect(numbers[emergencyFrame]).toBeNull();
    expect(numbers[guideFrame]).toBeNull();
  }, 60_000);

  it('a crawl keeps the programme running underneath at its wall-clock position, with hostile text drawn', async () => {
    const cm = manager();
    const chunks: Buffer[] = [];
    cm.on('output', (st) => st.on('data', (c: Buffer) => chunks.push(c)));
    const session = await cm.tuneIn('test');
    const t0 = cm.outputCursor()!.t0Ms;
    await clock.sleep(1000);
    const cut = new Promise<number>((resolve) => cm.once('cut', (c) => resolve(c.stationMs)));
    await cm.setMode({ mode: 'emergency', style: 'crawl', message: `Evacuate: "now" \\ 100% %{pts} [a],b;c 'q'\nline two — Ünïcödé` });
    const at = await cut;
    await clock.sleep(2000);
    expect(cm.runtimeStatus()).toMatchObject({ producerKind: 'emergency', producerStatus: 'running' });
    cm.tuneOut(session.id);
    await cm.shutdown();
    const data = Buffer.concat(chunks);
    const numbers = await readFrameNumbers(data);
    const from = Math.round(((at - t0) * FPS) / 1000) + 1;
    let checked = 0;
    for (let i = from; i < numbers.length; i++) {
      const want = expectedNumber(t0 + (i * 1000) / FPS);
      expect(numbers[i], `frame ${i} under the crawl`).not.toBeNull();
      expect(loopDistance(numbers[i]!, want)).toBeLessThanOrEqual(1);
      checked++;
    }
    expect(checked).toBeGreaterThan(FPS);
    // The crawl band: the bottom rows are red under the crawl, grey before it.
    const { runBinary } = await import('../media/test-media.ts');
    const { resolveFfmpegBinaries } = await import('../media/ffmpeg-binaries.ts');
    const rows = async (frame: number) => {
      const r = await runBinary(resolveFfmpegBinaries().ffmpeg, ['-v', 'error', '-i', 'pipe:0', '-vf', `select=eq(n\\,${frame}),crop=iw:4:0:ih-8,format=rgb24`, '-frames:v', '1', '-f', 'rawvideo', 'pipe:1'], data);
      let red = 0;
      for (let i = 0; i + 2 < r.stdout.length; i += 3) if (r.stdout[i]! > 100 && r.stdout[i + 1]! < 60) red++;
      return red / (r.stdout.length / 3);
    };
    expect(await rows(Math.max(0, from - 10))).toBeLessThan(0.05);
    expect(await rows(numbers.length - 5)).toBeGreaterThan(0.5);
  }, 60_000);
});
