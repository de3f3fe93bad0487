/**
 * AssetProducer against real ffmpeg: real files in a temp dir, the SystemClock,
 * output captured as MPEG-TS and checked with ffprobe and the frame-number reader.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../../clock/master-clock.ts';
import { ffprobeJson, makeCorruptFile, makeFrameNumberedClip, readFrameNumbers } from '../../media/test-media.ts';
import type { ProcessSpawn } from '../../playout/playout-engine.ts';
import { AssetProducer, type AssetProducerOptions } from './asset-producer.ts';
import { DEFAULT_PROFILE, type OutputProfile } from './output-profile.ts';
import type { ProducerHealth, SegmentSource } from './producer.ts';
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
  producer: AssetProducer;
  chunks: { at: number; data: Buffer }[];
  statuses: ProducerHealth[];
  spawned: ProcessSpawn[];
  bytes(): Buffer;
  byteCount(): number;
}

const live: AssetProducer[] = [];
const allPids = new Set<number>();

function harness(opts: Partial<AssetProducerOptions> = {}): Harness {
  const producer = new AssetProducer({ clock, ...opts });
  live.push(producer);
  const chunks: { at: number; data: Buffer }[] = [];
  const statuses: ProducerHealth[] = [];
  const spawned: ProcessSpawn[] = [];
  producer.output.on('data', (data: Buffer) => chunks.push({ at: clock.monotonicMs(), data }));
  producer.on('status', (h: ProducerHealth) => statuses.push(h));
  producer.on('spawn', (s: ProcessSpawn) => {
    spawned.push(s);
    if (s.pid) allPids.add(s.pid);
  });
  return {
    producer,
    chunks,
    statuses,
    spawned,
    bytes: () => Buffer.concat(chunks.map((c) => c.data)),
    byteCount: () => chunks.reduce((n, c) => n + c.data.length, 0),
  };
}

const gone = (pid: number) => !existsSync(`/proc/${pid}`);

afterEach(async () => {
  // (7) stop() leaves no live process behind, whatever the test did.
  await Promise.all(live.splice(0).map((p) => p.stop()));
  for (const pid of allPids) expect(gone(pid), `pid ${pid} still alive`).toBe(true);
  allPids.clear();
});

/**
 * Sleep until station time `ms` is on screen. Frame 0 (station time T) leaves the
 * producer when start() resolves, so output runs behind the wall clock by the start-up
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
    await h.producer.start({ channelNumber: 1, profile: PROFILE, segments: [seg('a', T - 3200, T + 2800, file(clipA))] }, T);
    const startedMs = clock.monotonicMs() - t0;
    expect(h.producer.health().status).toBe('running');
    expect(h.producer.getState().currentEventId).toBe('a');
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
    await h.producer.start({ channelNumber: 1, profile: PROFILE, segments: [seg('a', T - 1000, T + 1000, file(clipA))] }, T);
    const until = onScreen(T);
    // The ChannelManager tops the queue up with enqueue().
    h.producer.enqueue([seg('b', T + 1000, T + 3000, file(clipB))]);
    expect(h.producer.getState().queuedUntilMs).toBe(T + 3000);
    await until(T + 2300);
    const state = h.producer.getState();
    expect(state.currentEventId).toBe('b');
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

  it('keeps airing when the decoder is killed mid-segment, and the next segment plays', async () => {
    const h = harness();
    const T = clock.nowMs();
    await h.producer.start(
      // Long enough that the decoder of 'a' is still running (it may finish early within prerollMs of the boundary).
      { channelNumber: 1, profile: PROFILE, segments: [seg('a', T - 500, T + 2500, file(clipA)), seg('b', T + 2500, T + 3500, file(clipB))] },
      T,
    );
    const until = onScreen(T);
    await clock.sleep(300);
    const encoderPid = h.spawned.find((s) => s.role === 'encoder')!.pid!;
    const decoderPid = h.producer.currentDecoderPid()!;
    expect(h.producer.getState().pids).toEqual(expect.arrayContaining([encoderPid, decoderPid]));
    process.kill(decoderPid, 'SIGKILL');
    const bytesAtKill = h.byteCount();
    // Health follows the screen: degraded once the first black frame is on air.
    for (let i = 0; i < 40 && h.producer.health().status !== 'degraded'; i++) await clock.sleep(50);
    await clock.sleep(300);
    expect(h.producer.health().status).toBe('degraded');
    expect(h.producer.health().detail).toMatch(/^a \(a\): killed by SIGKILL/);
    // Output keeps flowing through the dead slot.
    expect(h.byteCount()).toBeGreaterThan(bytesAtKill + 2000);
    await until(T + 3000);
    expect(h.producer.health().status, JSON.stringify([h.statuses, h.producer.stats()])).toBe('running');
    expect(h.producer.getState().currentEventId).toBe('b');
    await h.producer.stop();
    expect(gone(decoderPid)).toBe(true);
    const statusSeq = h.statuses.map((s) => s.status);
    expect(statusSeq).toEqual(['starting', 'running', 'degraded', 'running', 'stopping', 'stopped']);
    // Clip A until the buffer ran out, then black for the rest of its slot, then clip B on time.
    const nums = await readFrameNumbers(h.bytes());
    const r = runs(nums);
    expect(r.map((x) => x.from === null)).toEqual([false, true, false]);
    expect(Math.abs(r[0]!.from! - 15)).toBeLessThanOrEqual(1);
    expect(r[2]!.from).toBe(1000);
    // Boundary at 2.5 s = frame 75.
    expect(r[0]!.length + r[1]!.length).toBe(75);
  });

  it('airs black for a missing or corrupt file slot and carries on', async () => {
    const h = harness();
    const T = clock.nowMs();
    await h.producer.start(
      {
        channelNumber: 1,
        profile: PROFILE,
        segments: [
          seg('missing', T - 200, T + 700, file(path.join(dir, 'does-not-exist.mp4'))),
          seg('garbage', T + 700, T + 1400, file(garbage)),
          seg('b', T + 1400, T + 3000, file(clipB)),
        ],
      },
      T,
    );
    const until = onScreen(T);
    // start() resolved: bytes flow although the first file is missing.
    expect(h.byteCount()).toBeGreaterThan(0);
    expect(h.producer.health()).toMatchObject({ status: 'degraded', detail: expect.stringMatching(/^missing \(missing\): exit code 1: .*No such file/) });
    await until(T + 2200);
    expect(h.producer.health().status).toBe('running');
    await h.producer.stop();
    const details = h.statuses.filter((s) => s.status === 'degraded').map((s) => s.detail);
    expect(details).toHaveLength(2);
    expect(details[1]).toMatch(/^garbage \(garbage\): exit code 1: .*Invalid data/);
    const nums = await readFrameNumbers(h.bytes());
    const r = runs(nums);
    expect(r.map((x) => x.from)).toEqual([null, 1000]);
    expect(Math.abs(r[0]!.length - 42)).toBeLessThanOrEqual(1); // 1.4 s of black
    expect(h.producer.stats()!.paddedFrames).toBeGreaterThanOrEqual(40);
  });

  it('airs a slate segment (caption with filtergraph metacharacters) and stays healthy', async () => {
    const h = harness();
    const T = clock.nowMs();
    await h.producer.start(
      {
        channelNumber: 1,
        profile: PROFILE,
        segments: [
          { ...seg('slate', T - 100, T + 600, { type: 'slate', caption: "We'll be right back: [50%], a;b\\c %{pts}" }), kind: 'pad' },
          seg('b', T + 600, T + 2000, file(clipB)),
          seg('black', T + 2000, T + 3000, { type: 'black' }),
        ],
      },
      T,
    );
    const until = onScreen(T);
    await until(T + 1400);
    await h.producer.stop();
    expect(h.spawned.map((s) => s.role)).toEqual(['encoder', 'slate', 'decoder']);
    expect(h.statuses.map((s) => s.status)).toEqual(['starting', 'running', 'stopping', 'stopped']);
    const r = runs(await readFrameNumbers(h.bytes()));
    expect(r.map((x) => x.from)).toEqual([null, 1000]);
    expect(Math.abs(r[0]!.length - 18)).toBeLessThanOrEqual(1);
  });

  it('rejects and leaves nothing running when start fails halfway', async () => {
    const logLines: string[] = [];
    const log = new PassThrough();
    log.setEncoding('utf8');
    log.on('data', (t: string) => logLines.push(t));
    const h = harness({ log });
    const T = clock.nowMs();
    // An odd width is refused by libx264 once the first frame arrives: the decoder is already running then.
    const bad = { ...PROFILE, width: 321 };
    await expect(h.producer.start({ channelNumber: 1, profile: bad, segments: [seg('a', T - 1000, T + 5000, file(clipA))] }, T)).rejects.toThrow(
      /^encoder (ended|stalled)/,
    );
    expect(h.spawned.map((s) => s.role)).toEqual(['encoder', 'decoder']);
    for (const s of h.spawned) expect(gone(s.pid!)).toBe(true);
    expect(h.producer.getState()).toMatchObject({ status: 'error', pids: [] });
    expect(h.producer.health().detail).toMatch(/width not divisible by 2/);
    // The per-producer log stream got the encoder's stderr, one line each.
    expect(logLines.join('')).toMatch(/^\S+Z encoder\[\d+\] .*width not divisible by 2/m);
    expect(h.producer.output.readableEnded || h.producer.output.readableLength === 0).toBe(true);
    await expect(h.producer.start({ channelNumber: 1, profile: PROFILE, segments: [] }, T)).rejects.toThrow();
  });

  it('stop() is idempotent and ends the output stream', async () => {
    const h = harness();
    const T = clock.nowMs();
    await h.producer.start({ channelNumber: 1, profile: PROFILE, segments: [seg('a', T, T + 5000, file(clipA))] }, T);
    const pids = h.producer.getState().pids;
    expect(pids.length).toBe(2);
    const ended = new Promise<void>((resolve) => h.producer.output.once('end', () => resolve()));
    await Promise.all([h.producer.stop(), h.producer.stop()]);
    await h.producer.stop();
    await ended;
    for (const pid of pids) expect(gone(pid)).toBe(true);
    expect(h.producer.getState()).toMatchObject({ status: 'stopped', pids: [] });
  });

  it('goes to error (and ends every process) when the encoder dies', async () => {
    const h = harness();
    const T = clock.nowMs();
    await h.producer.start({ channelNumber: 1, profile: PROFILE, segments: [seg('a', T - 1000, T + 5000, file(clipA))] }, T);
    const encoderPid = h.spawned.find((s) => s.role === 'encoder')!.pid!;
    const pids = h.producer.getState().pids;
    const ended = new Promise<void>((resolve) => h.producer.output.once('end', () => resolve()));
    process.kill(encoderPid, 'SIGKILL');
    await ended;
    expect(h.producer.health()).toMatchObject({ status: 'error', detail: expect.stringMatching(/^encoder ended \(killed by SIGKILL\)/) });
    await h.producer.stop();
    for (const pid of pids) expect(gone(pid)).toBe(true);
    expect(h.producer.getState()).toMatchObject({ status: 'error', pids: [] });
  });

  it('stop() during start() leaves nothing running', async () => {
    const h = harness();
    const T = clock.nowMs();
    const starting = h.producer.start({ channelNumber: 1, profile: PROFILE, segments: [seg('a', T - 1000, T + 5000, file(clipA))] }, T);
    const outcome = starting.then(
      () => 'started',
      () => 'rejected',
    );
    await clock.sleep(50);
    await h.producer.stop();
    // Either way, nothing is left: a channel is fully on air or not at all.
    expect(['started', 'rejected']).toContain(await outcome);
    for (const s of h.spawned) expect(gone(s.pid!)).toBe(true);
    expect(h.producer.getState()).toMatchObject({ status: 'stopped', pids: [] });
    expect(h.statuses.map((s) => s.status)).toEqual(['starting', 'stopping', 'stopped']);
  });
});
