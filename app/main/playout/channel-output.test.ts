/**
 * The engine's pieces against real ffmpeg: test media, slate escaping, decoder
 * backpressure, padding/freeze, NTSC rates, and pacing under a ManualClock.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, SystemClock, type MasterClock } from '../clock/master-clock.ts';
import { resolveFfmpegBinaries } from '../media/ffmpeg-binaries.ts';
import {
  ffprobeJson,
  makeChapterClip,
  makeCorruptFile,
  makeFrameNumberedClip,
  makeTitleClip,
  readFrameNumbers,
  runBinary,
} from '../media/test-media.ts';
import { DEFAULT_PROFILE, type OutputProfile } from '../runtime/producer/output-profile.ts';
import type { PlayoutSegment } from '../runtime/producer/producer.ts';
import { findCaptionFont } from './caption-font.ts';
import { buildDecoderArgs } from './decoder-args.ts';
import { filterValue } from './filter-escape.ts';
import { AssetAiring } from '../test-support/asset-airing.ts';
import { SegmentDecoder } from './segment-decoder.ts';
import { pollUntil } from '../test-support/poll.ts';
import { fileSource, segment } from '../test-support/segments.ts';

const { ffmpeg } = resolveFfmpegBinaries();
const PROFILE: OutputProfile = { ...DEFAULT_PROFILE, width: 320, height: 180, videoBitrateKbps: 500, audioBitrateKbps: 96 };

let dir = '';
let clip = ''; // 6 s, frames numbered 0…
let short = ''; // 1 s, frames numbered 500…

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'retrovue-engine-'));
  [clip, short] = await Promise.all([
    makeFrameNumberedClip(path.join(dir, 'clip.mp4'), { seconds: 6 }),
    makeFrameNumberedClip(path.join(dir, 'short.mp4'), { seconds: 1, numberOffset: 500 }),
  ]);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const file = fileSource;
const seg = segment;

async function runEngine(
  clock: MasterClock,
  profile: OutputProfile,
  segments: PlayoutSegment[],
  /** How long to let it play after start() resolves (the timeline is anchored when output starts). */
  playMs: number,
): Promise<{ ts: string; engine: AssetAiring; pids: Set<number> }> {
  const engine = new AssetAiring({ profile, clock });
  const chunks: Buffer[] = [];
  const pids = new Set<number>();
  engine.on('spawn', (s: { pid?: number }) => s.pid && pids.add(s.pid));
  engine.output.on('data', (c: Buffer) => chunks.push(c));
  const T = segments[0]!.startMs;
  await engine.play(segments, T);
  await clock.sleep(playMs);
  await engine.stop();
  for (const pid of pids) expect(existsSync(`/proc/${pid}`)).toBe(false);
  const ts = path.join(dir, `out-${pids.size}-${Math.round(clock.monotonicMs())}.ts`);
  await writeFile(ts, Buffer.concat(chunks));
  return { ts, engine, pids };
}

describe('test media', () => {
  it('frame-numbered clips read back frame by frame', async () => {
    const nums = await readFrameNumbers(clip);
    expect(nums).toEqual(Array.from({ length: 180 }, (_, i) => i));
    expect(await readFrameNumbers(short)).toEqual(Array.from({ length: 30 }, (_, i) => 500 + i));
  });

  it('makes chapters, titles and corrupt files', async () => {
    const [chap, title, trunc, junk] = await Promise.all([
      makeChapterClip(path.join(dir, 'chap.mp4'), {
        seconds: 3,
        title: 'Show; #1 = "pilot"',
        chapters: [
          { startMs: 0, endMs: 1000, title: 'Cold open' },
          { startMs: 1000, endMs: 3000, title: 'Act = one; #2' },
        ],
      }),
      makeTitleClip(path.join(dir, 'title.mp4'), { seconds: 1, title: "Tonight's movie: [50%]" }),
      makeCorruptFile(path.join(dir, 'trunc.ts'), 'truncated'),
      makeCorruptFile(path.join(dir, 'junk.mp4'), 'garbage'),
    ]);
    const c = (await ffprobeJson(chap, ['-show_chapters', '-show_format'])) as {
      chapters: { start_time: string; tags: { title: string } }[];
      format: { tags: { title: string } };
    };
    expect(c.chapters.map((x) => [Number(x.start_time), x.tags.title])).toEqual([
      [0, 'Cold open'],
      [1, 'Act = one; #2'],
    ]);
    expect(c.format.tags.title).toBe('Show; #1 = "pilot"');
    const t = (await ffprobeJson(title, ['-show_streams'])) as { streams: { codec_type: string }[] };
    expect(t.streams.map((s) => s.codec_type)).toEqual(['video', 'audio']);
    const truncated = await readFrameNumbers(trunc);
    expect(truncated.length).toBeGreaterThan(10);
    expect(truncated.length).toBeLessThan(120);
    expect(truncated.slice(0, 3)).toEqual([0, 1, 2]);
    const r = await runBinary(ffmpeg, ['-v', 'error', '-i', junk, '-f', 'null', '-']);
    expect(r.code).not.toBe(0);
    expect((await stat(junk)).size).toBe(65_536);
  });
});

describe('slate captions', () => {
  it('draws any caption exactly as written (escaped text equals textfile rendering)', async () => {
    const font = findCaptionFont();
    if (!font) return; // no font on this machine: slates carry no text
    const caption = "It's 50%: [a,b]; c\\d=e %{pts} 'quoted'";
    const textFile = path.join(dir, 'caption.txt');
    await writeFile(textFile, caption);
    const render = async (drawArg: string) => {
      const r = await runBinary(ffmpeg, [
        '-v', 'error', '-f', 'lavfi', '-i', 'color=c=black:s=320x40:r=1', '-frames:v', '1',
        '-vf', `drawtext=expansion=none:fontfile=${filterValue(font)}:fontcolor=white:fontsize=14:x=2:y=10:${drawArg}`,
        '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1',
      ]);
      expect(r.code).toBe(0);
      return r.stdout;
    };
    const escaped = await render(`text=${filterValue(caption)}`);
    const fromFile = await render(`textfile=${filterValue(textFile)}`);
    expect(escaped.length).toBe(320 * 40);
    expect(escaped.equals(fromFile)).toBe(true);
    expect(escaped.some((b) => b > 128)).toBe(true); // something was drawn
  });
});

describe('SegmentDecoder', () => {
  it('stops reading when its buffer is full and runs to the end when drained', async () => {
    let activity = 0;
    const frames = 120;
    const samples = 4 * 48_000;
    const d = new SegmentDecoder({
      binary: ffmpeg,
      args: buildDecoderArgs(PROFILE, { path: clip, seekMs: 1000, frames, samples, video: true, audio: true }),
      video: true,
      audio: true,
      frameBytes: 86_400,
      audioBytesPerFrame: 6400,
      highWaterFrames: 10,
      source: 'decoder',
      eventId: 'e',
      log: () => {},
      onActivity: () => activity++,
    });
    // Backpressure: once it has reached the high-water mark (how soon depends on how busy the
    // machine is), it holds about that much, and the process waits (alive, not finished).
    await pollUntil('the decoder reaches its high-water mark', () => d.framesAvailable() >= 10 || d.done, 20_000, 20);
    await new Promise((r) => setTimeout(r, 800));
    expect(d.framesAvailable()).toBeGreaterThanOrEqual(10);
    expect(d.framesAvailable()).toBeLessThan(30);
    expect(d.alive).toBe(true);
    const got: Buffer[] = [];
    while (!d.done) {
      const f = d.takeFrame();
      if (f) got.push(f);
      d.takeAudio(1e9);
      await new Promise((r) => setTimeout(r, f ? 0 : 5));
    }
    expect(d.failure).toBeNull();
    expect(got.length + d.framesAvailable()).toBe(frames + 1); // one frame of slack
    expect(d.audioPos / 4).toBeGreaterThanOrEqual(samples);
    expect(activity).toBeGreaterThan(0);
    // The first frame is file frame 30 (seek 1 s).
    const gray = got[0]!.subarray(0, 320 * 180);
    expect(gray[90 * 320 + 10]).toBeLessThan(60); // bit 15 of 30 is 0 → black block
  });
});

describe('ChannelOutput airing an AssetProducer', () => {
  it('paces frames against the MasterClock: lead burst, then exactly one frame per 1/fps', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const T = clock.nowMs();
    const engine = new AssetAiring({ profile: PROFILE, clock, leadMs: 500, burstMs: 500 });
    const pids: number[] = [];
    engine.on('spawn', (s: { pid: number }) => pids.push(s.pid));
    engine.output.resume();
    await engine.play([seg('a', T, T + 5000, file(clip))], T);
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
    // Real time only lets the processes deliver; the count is decided by the ManualClock.
    const settle = async (expected: number) => {
      for (let i = 0; i < 60 && engine.stats().framesWritten < expected; i++) await pause(50);
      await pause(200);
      return engine.stats().framesWritten;
    };
    // Nothing advanced yet: only the burst (frames 0…15 are due within the 500 ms lead).
    expect(await settle(16)).toBe(16);
    // Advanced in 100 ms steps: one 1 s jump would put frames past their deadline before a busy
    // machine's decoder had made them (real time would have let it), and count them late.
    for (let t = 100; t <= 1000; t += 100) {
      clock.advance(100);
      // Frame n is written at its due time less the 500 ms lead: n ≤ (t + 500) · 30 / 1000.
      const due = Math.floor(((t + 500) * 30) / 1000) + 1;
      expect(await settle(due)).toBe(due);
    }
    clock.advance(100);
    expect(await settle(49)).toBe(49);
    expect(engine.stats().lateFrames).toBe(0);
    await engine.stop();
    for (const pid of pids) expect(existsSync(`/proc/${pid}`)).toBe(false);
  });

  it('holds the last picture when a clip is shorter than its slot, then plays on', async () => {
    const clock = new SystemClock();
    const T = clock.nowMs();
    const { ts, engine } = await runEngine(
      clock,
      PROFILE,
      [seg('short', T, T + 2000, file(short)), seg('clip', T + 2000, T + 3000, file(clip, { inPointMs: 4000 }))],
      2000,
    );
    const nums = await readFrameNumbers(ts);
    // 30 frames of the 1 s clip, its last frame frozen for the rest of the 2 s slot, then the clip from 4 s.
    expect(nums.slice(0, 30)).toEqual(Array.from({ length: 30 }, (_, i) => 500 + i));
    expect(nums.slice(30, 60)).toEqual(Array(30).fill(529));
    expect(nums[60]).toBe(120);
    expect(engine.stats().paddedFrames).toBeGreaterThanOrEqual(29);
    expect(engine.getHealth().status).toBe('running');
  });

  it('keeps NTSC timestamps exact (30000/1001, 1601/1602 samples per frame)', async () => {
    const clock = new SystemClock();
    const T = clock.nowMs();
    const ntsc = { ...PROFILE, fpsNum: 30_000, fpsDen: 1001 };
    const { ts, engine } = await runEngine(clock, ntsc, [seg('a', T, T + 1000, file(clip)), seg('b', T + 1000, T + 4000, file(clip, { inPointMs: 3000 }))], 3000);
    const pk = (await ffprobeJson(ts, ['-show_packets', '-show_entries', 'packet=codec_type,pts,duration'])) as {
      packets: { codec_type: string; pts: number; duration: number }[];
    };
    const vp = pk.packets.filter((p) => p.codec_type === 'video').map((p) => p.pts).sort((a, b) => a - b);
    expect(new Set(vp.slice(1).map((p, i) => p - vp[i]!))).toEqual(new Set([3003]));
    const ap = pk.packets.filter((p) => p.codec_type === 'audio');
    for (let i = 1; i < ap.length; i++) expect(ap[i]!.pts - ap[i - 1]!.pts).toBe(ap[i - 1]!.duration);
    const vSpan = (vp.at(-1)! - vp[0]!) / 90_000;
    const aSpan = (ap.at(-1)!.pts - ap[0]!.pts) / 90_000;
    expect(Math.abs(vSpan - aSpan)).toBeLessThan(0.1);
    const nums = await readFrameNumbers(ts);
    // 1 s at 29.97 = 29.97 frames → boundary at frame 30; b starts at file frame 90 (3 s at 30 fps
    // source), and a 30 fps file on a 29.97 grid may round a frame either way.
    const want = (i: number) => (i < 30 ? i : 90 + i - 30);
    // On a busy machine a late decoder's frames are held (the picture before), never a wrong one,
    // and only as often as the output counts late frames.
    const late = engine.stats().lateFrames;
    const held = nums.filter((n, i) => i > 0 && n !== null && Math.abs(n - want(i)) > 1 && n === nums[i - 1]).length;
    const wrong = nums.map((n, i) => ({ i, n })).filter(({ n, i }) => n === null || (Math.abs(n - want(i)) > 1 && !(i > 0 && n === nums[i - 1])));
    expect(nums.length).toBeGreaterThan(45);
    expect(wrong).toEqual([]);
    expect(held).toBeLessThanOrEqual(late);
    // 2 s of b: a saturated machine has been seen to take more than 1 s to start its decoder.
    expect(nums.slice(30).some((n) => n !== null && n >= 90), 'b aired').toBe(true);
  });

  it('airs black video for an audio-only source and silence for a video-only one', async () => {
    const clock = new SystemClock();
    const T = clock.nowMs();
    const { ts, engine, pids } = await runEngine(
      clock,
      PROFILE,
      [seg('sound', T, T + 1000, file(clip, { hasVideo: false })), seg('picture', T + 1000, T + 2000, file(clip, { hasAudio: false, inPointMs: 1000 }))],
      // Stop before the plan runs out (output runs leadMs ahead of the clock), with most of the
      // second slot in: its decoder may take a good part of a second to start on a busy machine.
      1850,
    );
    expect(pids.size).toBe(3);
    const nums = await readFrameNumbers(ts);
    expect(nums.slice(0, 30)).toEqual(Array(30).fill(null));
    // Frame i of the output shows file frame 30 + (i − 30): exact, even if the decoder started late.
    const numbered = nums.map((n, i) => [n, i] as const).filter(([n]) => n !== null);
    expect(numbered.length).toBeGreaterThan(5);
    // A frame counted late holds the picture before it (a saturated machine); every other is exact.
    const late = engine.stats().lateFrames;
    const off = numbered.filter(([n, i]) => n !== i);
    expect(off.every(([n, i]) => n === nums[i - 1]), JSON.stringify(off)).toBe(true);
    expect(off.length).toBeLessThanOrEqual(late);
    // Audio: the tone during the first slot, digital silence in the second.
    const loud = async (from: number, to: number) => {
      const r = await runBinary(ffmpeg, ['-v', 'error', '-ss', String(from), '-to', String(to), '-i', ts, '-map', '0:a', '-f', 's16le', '-ac', '1', 'pipe:1']);
      let peak = 0;
      for (let i = 0; i + 1 < r.stdout.length; i += 2) peak = Math.max(peak, Math.abs(r.stdout.readInt16LE(i)));
      return peak;
    };
    expect(await loud(0.1, 0.9)).toBeGreaterThan(1000);
    expect(await loud(1.1, 1.5)).toBeLessThan(50);
  });

  it('drops whole TS packets instead of stalling when nobody reads the output', async () => {
    const clock = new SystemClock();
    const T = clock.nowMs();
    const engine = new AssetAiring({ profile: PROFILE, clock, maxOutputBufferBytes: 16 * 1024 });
    const pids: number[] = [];
    engine.on('spawn', (s: { pid: number }) => pids.push(s.pid));
    await engine.play([seg('a', T, T + 5000, file(clip))], T);
    // Nobody reads for a while: the channel keeps time and sheds output.
    await clock.sleep(1500);
    expect(engine.stats().droppedOutputBytes).toBeGreaterThan(0);
    // Not stalled: writing kept pace (a few late frames are possible on a loaded box).
    expect(engine.stats().framesWritten).toBeGreaterThan(45);
    expect(engine.stats().lagMs).toBeLessThan(0); // still ahead of real time
    const chunks: Buffer[] = [];
    engine.output.on('data', (c: Buffer) => chunks.push(c));
    const lateBefore = engine.stats().lateFrames;
    await clock.sleep(1000);
    const late = engine.stats().lateFrames - lateBefore;
    await engine.stop();
    for (const pid of pids) expect(existsSync(`/proc/${pid}`)).toBe(false);
    const got = Buffer.concat(chunks);
    // Dropping resumes on packet boundaries, so the stream stays aligned and decodable.
    expect(got.length % 188).toBe(0);
    for (let i = 0; i < got.length; i += 188) expect(got[i]).toBe(0x47);
    const nums = await readFrameNumbers(got);
    expect(nums.length).toBeGreaterThan(20);
    // Pictures right after the cut may be damaged until the next keyframe; after it, all is clean.
    const tail = nums.slice(-15);
    expect(tail.every((n) => n !== null), JSON.stringify(tail)).toBe(true);
    // In order; a busy machine may hold a picture (and drop the late one), only as often as it counts late frames.
    const steps = tail.slice(1).map((n, i) => n! - tail[i]!);
    expect(steps.every((d) => d >= 0), JSON.stringify(tail)).toBe(true);
    expect(steps.filter((d) => d !== 1).length, `${JSON.stringify(tail)}, ${late} late`).toBeLessThanOrEqual(2 * late);
  });
});
