/**
 * AssetProducer feeding a channel output, against real ffmpeg: real files in a temp dir,
 * the SystemClock, output captured as MPEG-TS and checked with ffprobe and the
 * frame-number reader. Faults: a killed decoder is restarted where it was, missing media
 * airs the error slate, a killed encoder is restarted with the discontinuity marked.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../../clock/master-clock.ts';
import { ffprobeJson, makeCorruptFile, makeFrameNumberedClip, readFrameNumbers } from '../../media/test-media.ts';
import type { OutputHealth } from '../../playout/channel-output.ts';
import type { MediaFault, ProcessSpawn } from '../../playout/frame-source.ts';
import { TS_PACKET_SIZE, packetPid } from '../fanout/ts-packets.ts';
import { AssetAiring } from '../../test-support/asset-airing.ts';
import { pollUntil } from '../../test-support/poll.ts';
import { DEFAULT_PROFILE, type OutputProfile } from './output-profile.ts';
import type { PlayoutSegment, SegmentSource } from './producer.ts';
import { fileSource, segment } from '../../test-support/segments.ts';

const clock = new SystemClock();
const PROFILE: OutputProfile = { ...DEFAULT_PROFILE, width: 320, height: 180, videoBitrateKbps: 600, audioBitrateKbps: 96 };

let dir = '';
let clipA = ''; // frames numbered 0…
let clipB = ''; // frames numbered 1000…
let garbage = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'retrovue-producer-'));
  [clipA, clipB, garbage] = await Promise.all([
    makeFrameNumberedClip(path.join(dir, 'a.mp4'), { seconds: 6 }),
    makeFrameNumberedClip(path.join(dir, 'b.mp4'), { seconds: 4, numberOffset: 1000 }),
    makeCorruptFile(path.join(dir, 'garbage.mp4'), 'garbage'),
  ]);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const file = (p: string, inPointMs = 0): SegmentSource => fileSource(p, { inPointMs });
const seg = segment;

interface Harness {
  producer: AssetAiring;
  chunks: { at: number; data: Buffer }[];
  statuses: OutputHealth[];
  spawned: ProcessSpawn[];
  faults: MediaFault[];
  logLines: string[];
  bytes(): Buffer;
  byteCount(): number;
  start(segments: PlayoutSegment[], at: number): Promise<void>;
}

const live: AssetAiring[] = [];
const allPids = new Set<number>();

function harness(opts: Partial<ConstructorParameters<typeof AssetAiring>[0]> = {}): Harness {
  const logLines: string[] = [];
  const producer = new AssetAiring({ profile: PROFILE, clock, log: (l) => logLines.push(`${l.source}[${l.pid}] ${l.text}`), ...opts });
  live.push(producer);
  const chunks: { at: number; data: Buffer }[] = [];
  const statuses: OutputHealth[] = [];
  const spawned: ProcessSpawn[] = [];
  const faults: MediaFault[] = [];
  producer.output.on('data', (data: Buffer) => chunks.push({ at: clock.monotonicMs(), data }));
  producer.on('health', (h: OutputHealth) => statuses.push(h));
  producer.on('mediaFault', (f: MediaFault) => faults.push(f));
  producer.onSpawn((s) => {
    spawned.push(s);
    if (s.pid) allPids.add(s.pid);
  });
  return {
    producer,
    chunks,
    statuses,
    spawned,
    faults,
    logLines,
    bytes: () => Buffer.concat(chunks.map((c) => c.data)),
    byteCount: () => chunks.reduce((n, c) => n + c.data.length, 0),
    start: (segments, at) => producer.play(segments, at),
  };
}

const gone = (pid: number) => !existsSync(`/proc/${pid}`);

afterEach(async () => {
  // stop() leaves no live process behind, whatever the test did.
  await Promise.all(live.splice(0).map((p) => p.stop()));
  for (const pid of allPids) expect(gone(pid), `pid ${pid} still alive`).toBe(true);
  allPids.clear();
});

/**
 * Sleep until station time `ms` is on screen. Frame 0 (station time T) leaves the
 * output when start() resolves, so output runs behind the wall clock by the start-up
 * time; waiting on the output's own timeline keeps these tests exact on a loaded box.
 */
function onScreen(T: number): (ms: number) => Promise<void> {
  const startedMono = clock.monotonicMs();
  return (ms) => clock.sleep(startedMono + (ms - T) - clock.monotonicMs());
}

async function saveTs(name: string, data: Buffer): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, data);
  return p;
}

/** Split frame numbers into runs of consecutive values. */
function runs(nums: (number | null)[]): { from: number | null; length: number }[] {
  const out: { from: number | null; length: number; last: number | null }[] = [];
  for (const n of nums) {
    const cur = out[out.length - 1];
    if (cur && ((n === null && cur.last === null) || (n !== null && cur.last !== null && n === cur.last + 1))) {
      cur.length++;
      cur.last = n;
    } else out.push({ from: n, length: 1, last: n });
  }
  return out.map(({ from, length }) => ({ from, length }));
}

describe('AssetProducer (real ffmpeg)', () => {
  it('joins mid-segment at the right frame, with a keyframe within moments of start', async () => {
    const h = harness();
    const T = clock.nowMs();
    const t0 = clock.monotonicMs();
    await h.start([seg('a', T - 3200, T + 2800, file(clipA))], T);
    const startedMs = clock.monotonicMs() - t0;
    expect(h.producer.getHealth().status).toBe('running');
    const firstAt = h.chunks[0]!.at;
    await clock.sleep(1200);
    // The bytes of the first 150 ms of output alone decode to a picture: a keyframe came first.
    const early = Buffer.concat(h.chunks.filter((c) => c.at <= firstAt + 150).map((c) => c.data));
    const earlyNums = await readFrameNumbers(early);
    await h.producer.stop();
    const nums = await readFrameNumbers(h.bytes());
    const firstBytesMs = h.producer.stats()?.firstBytesMs ?? NaN;
    console.info(`[measure] start→resolve ${startedMs.toFixed(0)} ms, start→first TS bytes ${firstBytesMs.toFixed(0)} ms, first frame ${nums[0]} (want 96)`);
    expect(earlyNums.length).toBeGreaterThan(0);
    expect(earlyNums[0]).toBe(nums[0]);
    // 3.2 s × 30 fps = frame 96; must be within 0.5 s, and in practice is exact.
    expect(Math.abs(nums[0]! - 96)).toBeLessThanOrEqual(1);
    expect(runs(nums)).toEqual([{ from: nums[0], length: nums.length }]);
    expect(firstBytesMs).toBeLessThan(3000);
  });

  it('crosses a segment boundary with continuous timestamps and no gap (valid TS, one H.264 + one AAC)', async () => {
    const h = harness();
    const T = clock.nowMs();
    await h.start([seg('a', T - 1000, T + 1000, file(clipA))], T);
    const until = onScreen(T);
    // The ChannelManager tops the queue up with enqueue().
    h.producer.enqueue([seg('b', T + 1000, T + 3000, file(clipB))]);
    expect(h.producer.producer!.queuedUntilMs()).toBe(T + 3000);
    await until(T + 2300);
    expect(h.producer.currentEventId()).toBe('b');
    const maxProcesses = h.producer.stats()!.maxProcesses;
    await h.producer.stop();
    const ts = await saveTs('boundary.ts', h.bytes());

    // (4) Clip A from frame 30 up to 59, then clip B from 1000, with nothing in between.
    const nums = await readFrameNumbers(ts);
    const r = runs(nums);
    expect(r.length).toBe(2);
    expect(Math.abs(r[0]!.from! - 30)).toBeLessThanOrEqual(1);
    expect(r[0]!.from! + r[0]!.length - 1).toBe(59);
    expect(r[1]!.from).toBe(1000);

    // (5) One H.264 and one AAC stream in an MPEG-TS.
    const info = (await ffprobeJson(ts, ['-show_format', '-show_streams'])) as {
      format: { format_name: string };
      streams: { codec_type: string; codec_name: string; width?: number; sample_rate?: string; channels?: number }[];
    };
    expect(info.format.format_name).toBe('mpegts');
    expect(info.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual(['audio:aac', 'video:h264']);
    const v = info.streams.find((s) => s.codec_type === 'video')!;
    const a = info.streams.find((s) => s.codec_type === 'audio')!;
    expect(v.width).toBe(320);
    expect(a.sample_rate).toBe('48000');
    expect(a.channels).toBe(2);

    // PTS: video steps exactly one frame (3000 ticks at 90 kHz), audio is gapless.
    const pk = (await ffprobeJson(ts, ['-show_packets', '-show_entries', 'packet=codec_type,pts,duration,flags'])) as {
      packets: { codec_type: string; pts: number; duration: number; flags: string }[];
    };
    const vp = pk.packets.filter((p) => p.codec_type === 'video').map((p) => p.pts).sort((x, y) => x - y);
    const ap = pk.packets.filter((p) => p.codec_type === 'audio');
    const vSteps = new Set(vp.slice(1).map((p, i) => p - vp[i]!));
    expect([...vSteps]).toEqual([3000]);
    for (let i = 1; i < ap.length; i++) expect(ap[i]!.pts - ap[i - 1]!.pts).toBe(ap[i - 1]!.duration);
    // Keyframes every second (gopSeconds = 1).
    const keyPts = pk.packets.filter((p) => p.codec_type === 'video' && p.flags.startsWith('K')).map((p) => p.pts);
    expect(keyPts.length).toBeGreaterThanOrEqual(2);
    expect(keyPts[1]! - keyPts[0]!).toBe(90_000);
    // Audio covers the same span as video (A/V cannot drift: both are counted).
    const vSpan = (vp.at(-1)! - vp[0]!) / 90_000;
    const aSpan = (ap.at(-1)!.pts - ap[0]!.pts) / 90_000;
    expect(Math.abs(vSpan - aSpan)).toBeLessThan(0.1);
    console.info(`[measure] boundary test: max processes ${maxProcesses}, ${vp.length} video packets`);
    expect(maxProcesses).toBeLessThanOrEqual(3);
  });

  it('starts the next clip on its own first frame whatever the boundary\'s sub-frame phase', async () => {
    // Boundaries 17 ms and 10 ms after a frame of the output: the slot begins on the nearest
    // frame (31 and 60), and that frame must be the clip's first, each frame once.
    const h = harness();
    const T = clock.nowMs();
    await h.start([seg('a', T - 1000, T + 1017, file(clipA)), seg('b', T + 1017, T + 2010, file(clipB)), seg('c', T + 2010, T + 3000, file(clipA, 2000))], T);
    await onScreen(T)(T + 2900);
    const late = h.producer.stats()!.lateFrames;
    await h.producer.stop();
    // Segment c ends at frame 90; the output may have written a little past it (black).
    const nums = (await readFrameNumbers(h.bytes())).slice(0, 90);
    // What counting says frame i shows: a from its frame 30, b from 1000 at frame 31, c from 60 at frame 60.
    const want = (i: number) => (i < 31 ? 30 + i : i < 60 ? 1000 + i - 31 : 60 + i - 60);
    // A frame may differ only by holding the previous picture, and only if the output counted it late (a busy machine).
    const wrong = nums.map((n, i) => ({ i, n, want: want(i) })).filter((x) => x.n !== x.want && !(x.i > 0 && x.n === nums[x.i - 1]));
    const holds = nums.filter((n, i) => n !== want(i) && i > 0 && n === nums[i - 1]).length;
    console.info(`[measure] sub-frame boundaries: ${nums.length} frames, ${wrong.length} wrong, ${holds} held (${late} counted late); runs ${JSON.stringify(runs(nums))}`);
    expect(nums.length).toBeGreaterThanOrEqual(85);
    expect(wrong).toEqual([]);
    expect(holds).toBeLessThanOrEqual(late);
  });

  it('restarts a decoder killed mid-segment at the current position; the next segment plays on time', async () => {
    const h = harness();
    const T = clock.nowMs();
    await h.start([seg('a', T - 500, T + 2500, file(clipA)), seg('b', T + 2500, T + 3500, file(clipB))], T);
    const until = onScreen(T);
    await clock.sleep(300);
    const decoderPid = h.producer.currentDecoderPid()!;
    expect(h.producer.pids()).toEqual(expect.arrayContaining([h.producer.encoderPid()!, decoderPid]));
    process.kill(decoderPid, 'SIGKILL');
    for (let i = 0; i < 40 && h.producer.getHealth().status !== 'degraded'; i++) await clock.sleep(50);
    expect(h.producer.getHealth().detail).toMatch(/a: decoder died \(killed by SIGKILL\); restarted at the current position/);
    await until(T + 3000);
    // Healthy again once b plays (at once on an idle machine; a saturated one may start b's
    // decoder late, and the channel is degraded while it holds the picture).
    await pollUntil('running again', () => h.producer.getHealth().status === 'running', 10_000, 50);
    expect(h.producer.currentEventId()).toBe('b');
    expect(h.producer.stats().decoderRestarts).toBe(1);
    const late = h.producer.stats()!.lateFrames;
    await h.producer.stop();
    // Clip A throughout its slot (held frames while the new decoder came up), then clip B on time.
    const nums = await readFrameNumbers(h.bytes());
    const boundary = 75; // 2.5 s
    for (let i = 0; i < boundary; i++) expect(nums[i], `frame ${i}`).not.toBeNull();
    const held = nums.slice(0, boundary).filter((n, i) => i > 0 && n === nums[i - 1]).length;
    console.info(`[measure] decoder kill: ${held} frames held in a's slot, ${late} counted late`);
    // Every held frame is one the output counted late, and the restart took under 2 s.
    expect(held).toBeLessThanOrEqual(late);
    expect(held).toBeLessThan(60);
    // After the restart the picture is where the timeline is, not where the decoder died.
    expect(Math.abs(nums[boundary - 1]! - (15 + boundary - 1))).toBeLessThanOrEqual(1);
    // b from its first frame at the boundary; if its decoder was late, a's last picture is held
    // for frames counted late and b joins at the frame its time says.
    const bAt = nums.findIndex((n, i) => i >= boundary && n !== null && n >= 1000);
    expect(bAt - boundary).toBeLessThanOrEqual(late);
    for (let i = boundary; i < bAt; i++) expect(nums[i], `held at ${i}`).toBe(nums[boundary - 1]);
    expect(Math.abs(nums[bAt]! - 1000 - (bAt - boundary))).toBeLessThanOrEqual(1);
    if (late === 0) expect(nums[boundary]).toBe(1000);
  });

  it('airs the error slate for a missing or corrupt file slot, says which file, and carries on', async () => {
    const h = harness();
    const T = clock.nowMs();
    const missing = path.join(dir, 'does-not-exist.mp4');
    await h.start([seg('missing', T - 200, T + 700, file(missing)), seg('garbage', T + 700, T + 1400, file(garbage)), seg('b', T + 1400, T + 3000, file(clipB))], T);
    const until = onScreen(T);
    expect(h.byteCount()).toBeGreaterThan(0);
    await until(T + 2200);
    expect(h.producer.getHealth().status).toBe('running');
    const late = h.producer.stats()!.lateFrames;
    await h.producer.stop();
    expect(h.faults.map((f) => [f.eventId, f.path])).toEqual([['missing', missing], ['garbage', garbage]]);
    expect(h.faults[0]!.reason).toMatch(/No such file/);
    const details = h.statuses.filter((s) => s.status === 'degraded').map((s) => s.detail);
    expect(details[0]).toMatch(/cannot be played: .*airing the error slate/);
    expect(h.spawned.filter((s) => s.role === 'slate')).toHaveLength(2);
    const nums = await readFrameNumbers(h.bytes());
    const r = runs(nums);
    console.info(`[measure] error slate then clip: runs ${JSON.stringify(r)}, ${late} late frames`);
    // 1.4 s of slate, then b from its first frame. On a saturated machine b's decoder may start
    // after its slot began: the slate is held for exactly the frames the output counts late,
    // and b joins at the frame its time says (its early frames are dropped to keep time).
    expect(r.map((x) => x.from === null)).toEqual([true, false]);
    expect(r[1]!.from!).toBeGreaterThanOrEqual(1000);
    expect(r[1]!.from! - 1000).toBeLessThanOrEqual(late);
    expect(Math.abs(r[0]!.length - 42 - (r[1]!.from! - 1000))).toBeLessThanOrEqual(1);
  });

  it('airs a slate segment (caption with filtergraph metacharacters) and stays healthy', async () => {
    const h = harness();
    const T = clock.nowMs();
    await h.start(
      [
        { ...seg('slate', T - 100, T + 600, { type: 'slate', caption: "We'll be right back: [50%], a;b\\c %{pts}" }), kind: 'pad' },
        seg('b', T + 600, T + 2000, file(clipB)),
        seg('black', T + 2000, T + 3000, { type: 'black' }),
      ],
      T,
    );
    const until = onScreen(T);
    await until(T + 1400);
    const late = h.producer.stats()!.lateFrames;
    await h.producer.stop();
    expect(h.spawned.map((s) => s.role)).toEqual(['encoder', 'slate', 'decoder']);
    const r = runs(await readFrameNumbers(h.bytes()));
    console.info(`[measure] slate then clip: runs ${JSON.stringify(r)}, ${late} late frames`);
    // Exact on an idle machine. The clip's decoder has only 600 ms to start before its slot; on a
    // saturated one it may miss that, and then the slate is held for the frames it counts late
    // (the clip's own are dropped, so the channel keeps time).
    expect(r.length).toBe(2);
    expect(r[0]!.from).toBeNull();
    expect(r[1]!.from!).toBeGreaterThanOrEqual(1000);
    expect(r[1]!.from! - 1000).toBeLessThanOrEqual(late);
    expect(Math.abs(r[0]!.length - 18 - (r[1]!.from! - 1000))).toBeLessThanOrEqual(1);
    // Late for more than a second would be degraded; a few frames is not.
    if (late < 30) expect(h.statuses.filter((s) => s.status === 'degraded')).toEqual([]);
  });

  it('rejects and leaves nothing running when start fails halfway', async () => {
    const bad = { ...PROFILE, width: 321 };
    const h = harness({ profile: bad });
    const T = clock.nowMs();
    // An odd width is refused by libx264 once the first frame arrives: the decoder is already running then.
    await expect(h.start([seg('a', T - 1000, T + 5000, file(clipA))], T)).rejects.toThrow(/^encoder (ended|stalled)/);
    expect(h.spawned.map((s) => s.role)).toEqual(['encoder', 'decoder']);
    for (const s of h.spawned) expect(gone(s.pid!)).toBe(true);
    expect(h.producer.pids()).toEqual([]);
    expect(h.logLines.join('\n')).toMatch(/encoder\[\d+\] .*width not divisible by 2/);
    expect(h.producer.output.readableEnded || h.producer.output.readableLength === 0).toBe(true);
  });

  it('stop() is idempotent and ends the output stream', async () => {
    const h = harness();
    const T = clock.nowMs();
    await h.start([seg('a', T, T + 5000, file(clipA))], T);
    const pids = h.producer.pids();
    expect(pids.length).toBe(2);
    const ended = new Promise<void>((resolve) => h.producer.output.once('end', () => resolve()));
    h.producer.output.resume();
    await Promise.all([h.producer.stop(), h.producer.stop()]);
    await h.producer.stop();
    await ended;
    for (const pid of pids) expect(gone(pid)).toBe(true);
    expect(h.producer.pids()).toEqual([]);
  });

  it('restarts a killed encoder on the same output: timestamps continue, the discontinuity is marked', async () => {
    const h = harness({ restart: { attempts: 2, delayMs: 100, healthyAfterMs: 60_000 } });
    const T = clock.nowMs();
    await h.start([seg('a', T - 1000, T + 5000, file(clipA))], T);
    await clock.sleep(800);
    const first = h.producer.encoderPid()!;
    const bytesBefore = h.byteCount();
    process.kill(first, 'SIGKILL');
    for (let i = 0; i < 60 && (h.producer.encoderPid() === first || h.byteCount() < bytesBefore + 20_000); i++) await clock.sleep(50);
    await clock.sleep(800);
    const second = h.producer.encoderPid()!;
    expect(second).not.toBe(first);
    expect(gone(first)).toBe(true);
    const stats = h.producer.stats();
    expect(stats.encoderRestarts).toBe(1);
    expect(stats.discontinuities).toBeGreaterThanOrEqual(4);
    // Degraded while the new encoder proves itself, and says why.
    expect(h.producer.getHealth()).toMatchObject({ status: 'degraded', detail: expect.stringMatching(/encoder ended \(killed by SIGKILL\).*restarting the encoder \(1 of 2\)/) });
    await h.producer.stop();
    const data = h.bytes();
    // Every PID's first packet from the new encoder is an adaptation-only packet with discontinuity_indicator set.
    let marked = 0;
    for (let off = 0; off + TS_PACKET_SIZE <= data.length; off += TS_PACKET_SIZE) {
      if ((data[off + 3]! & 0x30) === 0x20 && data[off + 4]! > 0 && (data[off + 5]! & 0x80) !== 0) {
        marked++;
        expect(packetPid(data, off)).toBeLessThan(0x1fff);
      }
    }
    expect(marked).toBe(stats.discontinuities);
    // Video timestamps keep going forward across the restart (the new encoder starts where the timeline is).
    const ts = await saveTs('restart.ts', data);
    const pk = (await ffprobeJson(ts, ['-select_streams', 'v:0', '-show_entries', 'packet=pts'])) as { packets: { pts: number }[] };
    const pts = pk.packets.map((p) => p.pts);
    const maxBefore = Math.max(...pts.slice(0, 20));
    expect(Math.min(...pts.slice(-20))).toBeGreaterThan(maxBefore);
  });

  it('gives up after the restart budget: the output fails and ends every process', async () => {
    const h = harness({ restart: { attempts: 1, delayMs: 50, healthyAfterMs: 60_000 } });
    const T = clock.nowMs();
    await h.start([seg('a', T - 1000, T + 5000, file(clipA))], T);
    const fatal = new Promise<Error>((resolve) => h.producer.once('fatal', resolve));
    process.kill(h.producer.encoderPid()!, 'SIGKILL');
    for (let i = 0; i < 60 && h.producer.stats().encoderRestarts < 1; i++) await clock.sleep(50);
    await clock.sleep(500);
    process.kill(h.producer.encoderPid()!, 'SIGKILL');
    expect((await fatal).message).toMatch(/restarted 1 times; giving up/);
    await h.producer.stop();
    expect(h.producer.pids()).toEqual([]);
  });

  it('stop() during start() leaves nothing running', async () => {
    const h = harness();
    const T = clock.nowMs();
    const starting = h.start([seg('a', T - 1000, T + 5000, file(clipA))], T);
    const outcome = starting.then(
      () => 'started',
      () => 'rejected',
    );
    await clock.sleep(50);
    await h.producer.stop();
    expect(['started', 'rejected']).toContain(await outcome);
    for (const s of h.spawned) expect(gone(s.pid!)).toBe(true);
    expect(h.producer.pids()).toEqual([]);
  });
});
