/**
 * A source that comes up after its start time (a busy machine): the output joins the frame due
 * now instead of running behind the schedule for as long as it airs. Exact, on a ManualClock.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/master-clock.ts';
import { DEFAULT_PROFILE } from '../runtime/producer/output-profile.ts';
import { RecordingSink, TaggedSource } from '../test-support/recording-playout.ts';
import { ChannelOutput, type ChannelOutputOptions } from './channel-output.ts';

const PROFILE = { ...DEFAULT_PROFILE, width: 64, height: 36 }; // 30 fps
const flush = () => new Promise((r) => setTimeout(r, 5));

function output(clock: ManualClock, opts: Partial<ChannelOutputOptions> = {}) {
  const sinks: RecordingSink[] = [];
  const out = new ChannelOutput({
    burstMs: 500, leadMs: 200, ...opts, profile: PROFILE, clock,
    createSink: ({ tsOffsetSeconds }) => {
      const s = new RecordingSink(clock, tsOffsetSeconds);
      sinks.push(s);
      return s;
    },
  });
  out.output.resume();
  return { out, sinks };
}

/** Start at station time T with a source that is ready only `lateMs` later. */
async function startLate(clock: ManualClock, lateMs: number, opts: Partial<ChannelOutputOptions> = {}) {
  const { out, sinks } = output(clock, opts);
  const source = new TaggedSource('asset', 'prog');
  source.readyAfterMono = clock.monotonicMs() + lateMs;
  const T = clock.nowMs();
  const started = out.start(source, T);
  await flush();
  clock.advance(lateMs);
  source.ctx!.wake();
  await started;
  for (let i = 0; i < 20; i++) await flush();
  return { out, sinks, source, T };
}

describe('a late start', () => {
  it('starts on the frame due now, stamps it as the first PTS, and is not behind the clock', async () => {
    const clock = new ManualClock('2026-03-01T20:00:00Z');
    const { out, sinks, T } = await startLate(clock, 900);
    // 900 ms at 30 fps: frames 0…26 were due before anything could show; 27 is due now.
    expect(sinks[0]!.frames[0]!.n).toBe(27);
    expect(out.stats().startSkippedFrames).toBe(27);
    expect(out.ptsOriginMs()).toBe(T + 900);
    expect(sinks[0]!.tsOffsetSeconds).toBe(0);
    // Frame 27 is due on screen now, so the burst still gives the viewer its half second of buffer.
    expect(sinks[0]!.frames.map((f) => f.n)).toEqual(Array.from({ length: 15 }, (_, i) => 27 + i));
    expect(out.stats().lagMs).toBeLessThanOrEqual(0);
    // Timestamps stay anchored to that frame across an encoder restart.
    clock.advance(1000);
    for (let i = 0; i < 20; i++) await flush();
    sinks[0]!.crash();
    await flush();
    clock.advance(300);
    for (let i = 0; i < 20; i++) await flush();
    expect(sinks).toHaveLength(2);
    const resumed = sinks[1]!.frames[0]!.n;
    expect(sinks[1]!.tsOffsetSeconds).toBeCloseTo((resumed - 27) / 30, 6);
    await out.stop();
  });

  it('a start on time skips nothing', async () => {
    const clock = new ManualClock('2026-03-01T20:00:00Z');
    const { out, sinks, T } = await startLate(clock, 40);
    expect(sinks[0]!.frames[0]!.n).toBe(0);
    expect(out.stats().startSkippedFrames).toBe(0);
    expect(out.ptsOriginMs()).toBe(T);
    await out.stop();
  });

  it("'hold' airs every frame from frame 0 and runs late by the difference", async () => {
    const clock = new ManualClock('2026-03-01T20:00:00Z');
    const { out, sinks } = await startLate(clock, 900, { lateStart: 'hold' });
    expect(sinks[0]!.frames[0]!.n).toBe(0);
    expect(out.stats().startSkippedFrames).toBe(0);
    // Frame 0 (station time T) is on screen at T + 900: the burst reaches frame 14, 27 behind 'join'.
    expect(out.frameCursor).toBe(15);
    await out.stop();
  });

  it('a source that never becomes ready still starts after the first-frame timeout, on frame 0, padded', async () => {
    const clock = new ManualClock('2026-03-01T20:00:00Z');
    const { out, sinks } = output(clock, { firstFrameTimeoutMs: 4000 });
    const source = new TaggedSource('asset', 'prog');
    source.readyAfterMono = Infinity;
    let started = false;
    const starting = out.start(source, clock.nowMs()).then(() => (started = true));
    await flush();
    clock.advance(4000);
    for (let i = 0; i < 20 && !started; i++) await flush();
    // No chase after a timeout: the start is not held a second time.
    expect(started).toBe(true);
    await starting;
    expect(sinks[0]!.frames[0]!.n).toBe(0);
    expect(out.stats().startSkippedFrames).toBe(0);
    await out.stop();
  });
});
