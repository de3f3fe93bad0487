import fc from 'fast-check';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../clock/master-clock.ts';
import { FanoutBuffer, type FanoutOptions, type ViewerLeaveReason } from './fanout-buffer.ts';
import { STREAM_TYPE_H264, TS_PACKET_SIZE } from './ts-packets.ts';
import { SYNTH, makePacket, makePatPacket, makePesStart, makePmtPacket, splitChunks, synthProgram } from './test-support/ts-synth.ts';

type SinkMode = 'fast' | 'async' | 'stall';

/** A Writable that records what it is given; 'stall' never completes a write. */
class CaptureSink extends Writable {
  readonly chunks: Buffer[] = [];
  constructor(
    private readonly mode: SinkMode = 'fast',
    highWaterMark = 16 * 1024,
  ) {
    super({ highWaterMark });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.chunks.push(chunk);
    if (this.mode === 'fast') cb();
    else if (this.mode === 'async') setImmediate(cb);
  }
  get data(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
async function settle(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await tick();
}

function setup(options: FanoutOptions = {}) {
  const clock = new ManualClock('2024-01-01T00:00:00Z');
  const fanout = new FanoutBuffer(clock, { label: 'ch1', ...options });
  const source = new PassThrough();
  fanout.attach(source);
  const left: { id: string; reason: ViewerLeaveReason }[] = [];
  fanout.on('viewerLeft', (id, reason) => left.push({ id, reason }));
  const feed = async (buf: Buffer, chunkSizes: number[] = [4096]): Promise<void> => {
    for (const c of splitChunks(buf, chunkSizes)) source.write(c);
    await settle();
  };
  return { clock, fanout, source, left, feed };
}

/** PAT + PMT as they appear right before the first keyframe of a synthProgram. */
function psiBefore(data: Buffer, kf: number): Buffer {
  return data.subarray(kf - 2 * TS_PACKET_SIZE, kf);
}

describe('FanoutBuffer joins', () => {
  it('sends nothing to an early viewer until PAT, PMT and a keyframe, then starts there', async () => {
    const { fanout, feed } = setup();
    const prog = synthProgram({ gops: 3, leadingAudio: 7 });
    const sink = new CaptureSink();
    const started: number[] = [];
    fanout.on('viewerStarted', (_id, waited) => started.push(waited));
    fanout.addViewer(sink);
    const kf0 = prog.keyframeOffsets[0]!;
    await feed(prog.data.subarray(0, kf0)); // leading audio, PAT, PMT: no keyframe yet
    expect(sink.chunks).toHaveLength(0);
    expect(fanout.stats().waitingViewers).toBe(1);
    await feed(prog.data.subarray(kf0));
    expect(sink.data.equals(Buffer.concat([psiBefore(prog.data, kf0), prog.data.subarray(kf0)]))).toBe(true);
    expect(started).toEqual([0]);
    expect(fanout.stats()).toMatchObject({ keyframes: 3, videoPid: SYNTH.videoPid, pmtPid: SYNTH.pmtPid, videoCodec: 'h264', waitingViewers: 0 });
  });

  it('serves a warm join from the cache: PAT, PMT, then the latest GOP, synchronously', async () => {
    const { fanout, feed } = setup();
    const prog = synthProgram({ gops: 4, packetsPerGop: 30 });
    const kf2 = prog.keyframeOffsets[2]!;
    const cut = kf2 + 10 * TS_PACKET_SIZE;
    await feed(prog.data.subarray(0, cut));
    const sink = new CaptureSink();
    let waited = -1;
    fanout.once('viewerStarted', (_id, ms) => (waited = ms));
    fanout.addViewer(sink);
    expect(waited).toBe(0);
    // Nothing awaited: the cache went out inside addViewer.
    const psi = prog.data.subarray(0, 2 * TS_PACKET_SIZE);
    expect(sink.data.equals(Buffer.concat([psi, prog.data.subarray(kf2, cut)]))).toBe(true);
    await feed(prog.data.subarray(cut));
    expect(sink.data.equals(Buffer.concat([psi, prog.data.subarray(kf2)]))).toBe(true);
  });

  it('always starts a joiner at the latest keyframe fully received, whatever the chunking (property)', async () => {
    const prog = synthProgram({ gops: 5, packetsPerGop: 12, psiEveryGop: true, marking: 'nal' });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 900 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: prog.keyframeOffsets[0]! + TS_PACKET_SIZE, max: prog.data.length - 1 }),
        async (sizes, joinAt) => {
          const { fanout, feed } = setup();
          await feed(prog.data.subarray(0, joinAt), sizes);
          const sink = new CaptureSink();
          fanout.addViewer(sink);
          await feed(prog.data.subarray(joinAt), sizes);
          const whole = Math.floor(joinAt / TS_PACKET_SIZE) * TS_PACKET_SIZE;
          const kf = prog.keyframeOffsets.filter((k) => k + TS_PACKET_SIZE <= whole).at(-1)!;
          // The latest PAT and PMT fully received before the join (each GOP is PAT, PMT, keyframe).
          const patAt = prog.keyframeOffsets.filter((k) => k - TS_PACKET_SIZE <= whole).at(-1)! - 2 * TS_PACKET_SIZE;
          const pmtAt = prog.keyframeOffsets.filter((k) => k <= whole).at(-1)! - TS_PACKET_SIZE;
          const packet = (off: number): Buffer => prog.data.subarray(off, off + TS_PACKET_SIZE);
          const expected = Buffer.concat([packet(patAt), packet(pmtAt), prog.data.subarray(kf)]);
          expect(sink.data.equals(expected)).toBe(true);
          fanout.close();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('makes late joiners wait when a GOP outgrows the cache cap', async () => {
    const { fanout, feed } = setup({ maxCacheBytes: 40 * TS_PACKET_SIZE, maxViewerBacklogBytes: 200 * TS_PACKET_SIZE });
    const prog = synthProgram({ gops: 3, packetsPerGop: 60 });
    const [, kf1] = prog.keyframeOffsets;
    await feed(prog.data.subarray(0, kf1! + 50 * TS_PACKET_SIZE));
    expect(fanout.stats()).toMatchObject({ cacheReady: false, cacheOverflows: 2 });
    const sink = new CaptureSink();
    fanout.addViewer(sink);
    expect(sink.chunks).toHaveLength(0);
    await feed(prog.data.subarray(kf1! + 50 * TS_PACKET_SIZE));
    const kf2 = prog.keyframeOffsets[2]!;
    expect(sink.data.equals(Buffer.concat([prog.data.subarray(0, 2 * TS_PACKET_SIZE), prog.data.subarray(kf2)]))).toBe(true);
  });

  it('drops the cache when the PMT moves the video PID', async () => {
    const { fanout, feed } = setup();
    const prog = synthProgram({ gops: 2 });
    await feed(prog.data);
    expect(fanout.stats().cacheReady).toBe(true);
    await feed(makePmtPacket(SYNTH.pmtPid, [{ streamType: STREAM_TYPE_H264, pid: 0x300 }], { cc: 1 }));
    expect(fanout.stats()).toMatchObject({ cacheReady: false, videoPid: 0x300 });
    await feed(makePesStart(0x300, { randomAccess: true, nalTypes: [9, 5] }));
    expect(fanout.stats()).toMatchObject({ cacheReady: true, cacheBytes: TS_PACKET_SIZE });
  });

  it('starts audio-only programs at a PES start of the first stream', async () => {
    const { fanout, feed } = setup();
    const pat = makePatPacket(0x1000);
    const pmt = makePmtPacket(0x1000, [{ streamType: 0x0f, pid: 0x101 }]);
    const sink = new CaptureSink();
    fanout.addViewer(sink);
    const cont = makePacket({ pid: 0x101, fill: 0x11 });
    const start = makePesStart(0x101, { streamId: 0xc0 });
    await feed(Buffer.concat([pat, pmt, cont, start, cont]));
    expect(sink.data.equals(Buffer.concat([pat, pmt, start, cont]))).toBe(true);
    expect(fanout.stats().videoPid).toBeNull();
  });
});

describe('FanoutBuffer slow viewers', () => {
  it('drops a stalled viewer on backlog bytes while a fast one gets everything, never pausing the source', async () => {
    const { fanout, source, left, feed } = setup({ maxCacheBytes: 64 * 1024, maxViewerBacklogBytes: 96 * 1024 });
    const fast = new CaptureSink('fast');
    const stalled = new CaptureSink('stall', 8 * 1024);
    const fastId = fanout.addViewer(fast);
    const stalledId = fanout.addViewer(stalled);
    let reported: ViewerLeaveReason | null = null;
    const prog = synthProgram({ gops: 20, packetsPerGop: 60 });
    const kf0 = prog.keyframeOffsets[0]!;
    const stalledBefore = fanout.viewerStats(stalledId);
    expect(stalledBefore?.phase).toBe('waiting');
    fanout.on('viewerLeft', (id, reason, stats) => {
      if (id === stalledId) {
        reported = reason;
        expect(stats.backlogBytes).toBeGreaterThan(96 * 1024);
      }
    });
    await feed(prog.data, [7000]);
    expect(source.isPaused()).toBe(false);
    expect(reported).toBe('lagging');
    expect(left).toEqual([{ id: stalledId, reason: 'lagging' }]);
    expect(stalled.destroyed).toBe(true);
    expect(fast.data.equals(Buffer.concat([psiBefore(prog.data, kf0), prog.data.subarray(kf0)]))).toBe(true);
    expect(fanout.viewerCount).toBe(1);
    expect(fanout.stats()).toMatchObject({ departures: { lagging: 1 }, viewers: [{ id: fastId, phase: 'live', backlogBytes: 0 }] });
  });

  it('drops a viewer whose oldest queued data is older than maxViewerLagMs', async () => {
    const { fanout, clock, left, feed } = setup({ maxViewerLagMs: 3000 });
    const stalled = new CaptureSink('stall', 1024);
    const id = fanout.addViewer(stalled);
    const prog = synthProgram({ gops: 4, packetsPerGop: 30 });
    const quarter = Math.floor(prog.data.length / 4 / TS_PACKET_SIZE) * TS_PACKET_SIZE;
    await feed(prog.data.subarray(0, quarter));
    expect(fanout.viewerStats(id)!.backlogBytes).toBeGreaterThan(1024);
    clock.advance(2000);
    await feed(prog.data.subarray(quarter, 2 * quarter));
    expect(fanout.viewerStats(id)!.lagMs).toBe(2000);
    expect(left).toEqual([]);
    clock.advance(1500);
    await feed(prog.data.subarray(2 * quarter, 3 * quarter));
    expect(left).toEqual([{ id, reason: 'lagging' }]);
  });

  it('queues for a slow but keeping-up viewer and delivers in order after drains', async () => {
    const { fanout, feed } = setup();
    const slow = new CaptureSink('async', 512);
    fanout.addViewer(slow);
    const prog = synthProgram({ gops: 6, packetsPerGop: 50 });
    await feed(prog.data, [3000]);
    await settle(200);
    const kf0 = prog.keyframeOffsets[0]!;
    expect(slow.data.equals(Buffer.concat([psiBefore(prog.data, kf0), prog.data.subarray(kf0)]))).toBe(true);
    expect(fanout.stats().viewers[0]).toMatchObject({ backlogBytes: 0, bytesOut: slow.data.length });
  });

  it('rejects a backlog limit that a warm join would exceed', () => {
    const clock = new ManualClock(0);
    expect(() => new FanoutBuffer(clock, { maxCacheBytes: 1000, maxViewerBacklogBytes: 1000 })).toThrow(RangeError);
  });
});

describe('FanoutBuffer departures', () => {
  it('reports a sink that closes on its own at once', async () => {
    const { fanout, left, feed } = setup();
    await feed(synthProgram({ gops: 1 }).data);
    const sink = new CaptureSink();
    const reasons: ViewerLeaveReason[] = [];
    const id = fanout.addViewer(sink, { onLeave: (r) => reasons.push(r) });
    sink.destroy();
    await tick();
    expect(left).toEqual([{ id, reason: 'closed' }]);
    expect(reasons).toEqual(['closed']);
    expect(fanout.viewerCount).toBe(0);
  });

  it('reports a sink error without crashing', async () => {
    const { fanout, left } = setup();
    const sink = new CaptureSink();
    const id = fanout.addViewer(sink);
    sink.destroy(new Error('EPIPE'));
    await settle();
    expect(left).toEqual([{ id, reason: 'error' }]);
  });

  it('reports an already closed sink after returning its id', async () => {
    const { fanout, left } = setup();
    const sink = new CaptureSink();
    sink.destroy();
    await settle();
    const id = fanout.addViewer(sink);
    expect(left).toEqual([]);
    await tick();
    expect(left).toEqual([{ id, reason: 'closed' }]);
  });

  it('removeViewer ends, destroys or detaches the sink', async () => {
    const { fanout, left, feed } = setup();
    const prog = synthProgram({ gops: 2 });
    await feed(prog.data);
    const ended = new CaptureSink();
    const destroyed = new CaptureSink();
    const detached = new CaptureSink();
    const a = fanout.addViewer(ended);
    const b = fanout.addViewer(destroyed);
    const c = fanout.addViewer(detached);
    expect(fanout.removeViewer(a)).toBe(true);
    expect(fanout.removeViewer(b, 'destroy')).toBe(true);
    expect(fanout.removeViewer(c, 'detach')).toBe(true);
    expect(fanout.removeViewer(c)).toBe(false);
    await settle();
    expect(ended.writableFinished).toBe(true);
    expect(destroyed.destroyed).toBe(true);
    expect(detached.writableEnded || detached.destroyed).toBe(false);
    expect(detached.listenerCount('error')).toBe(0);
    expect(detached.listenerCount('close')).toBe(0);
    expect(left.map((l) => l.reason)).toEqual(['removed', 'removed', 'removed']);
    expect(fanout.viewerCount).toBe(0);
  });

  it('hands a stalled viewer its backlog when ending it gracefully', async () => {
    const { fanout, feed } = setup();
    const sink = new CaptureSink('stall', 1024);
    const id = fanout.addViewer(sink);
    await feed(synthProgram({ gops: 2 }).data);
    const before = fanout.viewerStats(id)!;
    fanout.removeViewer(id, 'end');
    expect(sink.writableEnded).toBe(true);
    expect(sink.writableLength).toBe(before.backlogBytes);
  });

  it('ends every viewer when the source ends (default policy)', async () => {
    const { fanout, source, left, feed } = setup();
    await feed(synthProgram({ gops: 2 }).data);
    const sinks = [new CaptureSink(), new CaptureSink()];
    for (const s of sinks) fanout.addViewer(s);
    let ended: Error | undefined | null = null;
    fanout.on('sourceEnd', (err) => (ended = err));
    source.end();
    await settle();
    expect(ended).toBeUndefined();
    expect(sinks.every((s) => s.writableFinished)).toBe(true);
    expect(left.map((l) => l.reason)).toEqual(['source-ended', 'source-ended']);
  });

  it('reports a source error through sourceEnd', async () => {
    const { fanout, source } = setup();
    const sink = new CaptureSink();
    fanout.addViewer(sink);
    const errors: (Error | undefined)[] = [];
    fanout.on('sourceEnd', (err) => errors.push(err));
    source.destroy(new Error('ffmpeg died'));
    await settle();
    expect(errors.map((e) => e?.message)).toEqual(['ffmpeg died']);
    expect(fanout.viewerCount).toBe(0);
  });

  it('keeps viewers across a source swap and splices them in at the new keyframe', async () => {
    const { fanout, source, feed } = setup({ endViewersOnSourceEnd: false });
    const a = synthProgram({ gops: 2 });
    const sink = new CaptureSink();
    fanout.addViewer(sink);
    await feed(a.data);
    source.end();
    await settle();
    expect(fanout.viewerCount).toBe(1);
    const between = new CaptureSink();
    fanout.addViewer(between); // joins while off air: waits, gets no stale GOP
    expect(between.chunks).toHaveLength(0);
    const next = new PassThrough();
    fanout.attach(next);
    const b = synthProgram({ gops: 2, leadingAudio: 5 });
    for (const c of splitChunks(b.data, [1000])) next.write(c);
    await settle();
    const kfA = a.keyframeOffsets[0]!;
    const kfB = b.keyframeOffsets[0]!;
    expect(
      sink.data.equals(Buffer.concat([psiBefore(a.data, kfA), a.data.subarray(kfA), psiBefore(b.data, kfB), b.data.subarray(kfB)])),
    ).toBe(true);
    expect(between.data.equals(Buffer.concat([psiBefore(b.data, kfB), b.data.subarray(kfB)]))).toBe(true);
  });

  it('detachSource() keeps viewers and the source untouched but forgets the cached GOP', async () => {
    const { fanout, source, feed } = setup();
    const prog = synthProgram({ gops: 2 });
    const sink = new CaptureSink();
    fanout.addViewer(sink);
    await feed(prog.data);
    expect(fanout.stats().cacheReady).toBe(true);
    fanout.detachSource();
    expect(fanout.stats()).toMatchObject({ cacheReady: false, sourceAttached: false, viewerCount: 1 });
    expect(source.listenerCount('data')).toBe(0);
    expect(source.destroyed).toBe(false);
    expect(sink.writableEnded).toBe(false);
    const late = new CaptureSink();
    fanout.addViewer(late);
    expect(late.chunks).toHaveLength(0);
  });

  it('close() ends all viewers and is idempotent', async () => {
    const { fanout, source, left, feed } = setup();
    await feed(synthProgram({ gops: 1 }).data);
    const sink = new CaptureSink();
    fanout.addViewer(sink);
    fanout.close();
    fanout.close();
    expect(left.map((l) => l.reason)).toEqual(['fanout-closed']);
    expect(sink.writableEnded).toBe(true);
    expect(source.listenerCount('data')).toBe(0);
    expect(() => fanout.addViewer(new CaptureSink())).toThrow();
  });
});
