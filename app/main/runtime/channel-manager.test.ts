import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/master-clock.ts';
import { silentLogger } from '../logger.ts';
import type { PlaylogEvent } from '../schedule/types.ts';
import { ChannelFailedError, ChannelManager, desiredState, planActions } from './channel-manager.ts';
import { recordingPlayout, type RecordingPlayout } from '../test-support/recording-playout.ts';
import { DEFAULT_PROFILE } from './producer/output-profile.ts';
import type { ScheduleReader } from './schedule-reader.ts';

const T0 = Date.parse('2026-11-21T12:00:00Z');

/** A loop of 10-minute events from T0. */
const schedule: ScheduleReader = {
  onAir(_n, at) {
    const i = Math.floor((at - T0) / 600_000);
    return { event: ev(i), offsetMs: at - ev(i).startMs };
  },
  playlog(_n, from, until) {
    const out: PlaylogEvent[] = [];
    for (let i = Math.floor((from - T0) / 600_000); ev(i).startMs < until; i++) out.push(ev(i));
    return out;
  },
};
function ev(i: number): PlaylogEvent {
  return { id: `e${i}`, channelNumber: 1, startMs: T0 + i * 600_000, endMs: T0 + (i + 1) * 600_000, kind: 'program', assetId: i, title: `Show ${i}`, inPointMs: 0, durationMs: 600_000, path: `/media/${i}.mp4`, hasVideo: true, hasAudio: true };
}

const PROFILE = { ...DEFAULT_PROFILE, width: 64, height: 36 };
/** Let the output's pump and the manager's queue run (they await promises, not the clock). */
const flush = () => new Promise((r) => setTimeout(r, 5));

function manager(opts: { lingerMs?: number; playout?: RecordingPlayout; clock?: ManualClock } = {}) {
  const clock = opts.clock ?? new ManualClock(T0 + 5 * 60_000 + 33_000);
  const playout = opts.playout ?? recordingPlayout(clock);
  const cm = new ChannelManager({
    channel: { uuid: 'u', number: 1, name: 'One', timezone: 'UTC', enabled: true },
    clock, schedule, profile: PROFILE, playout, logger: silentLogger(), lingerMs: opts.lingerMs ?? 10_000,
  });
  return { cm, clock, playout, made: playout.producers };
}

describe('desired state and the diff', () => {
  it('maps viewers, linger, mode and enabled to actions', () => {
    expect(desiredState({ enabled: true, viewers: 0, lingering: false, mode: 'normal' })).toEqual({ onAir: false, kind: 'asset', key: 'asset' });
    expect(desiredState({ enabled: true, viewers: 0, lingering: true, mode: 'normal' }).onAir).toBe(true);
    expect(desiredState({ enabled: false, viewers: 3, lingering: false, mode: 'normal' }).onAir).toBe(false);
    const alert = desiredState({ enabled: true, viewers: 1, lingering: false, mode: { mode: 'emergency', message: 'Go', style: 'crawl' } });
    expect(alert).toMatchObject({ kind: 'emergency', key: 'emergency:crawl:Go' });
    expect(desiredState({ enabled: true, viewers: 1, lingering: false, mode: 'maintenance' }).kind).toBe('slate');
    expect(planActions({ onAir: true, kind: 'asset', key: 'asset' }, { running: false, key: null })).toEqual([{ type: 'start', kind: 'asset' }]);
    expect(planActions({ onAir: true, kind: 'asset', key: 'asset' }, { running: true, key: 'asset' })).toEqual([]);
    expect(planActions(alert, { running: true, key: 'asset' })).toEqual([{ type: 'cut', kind: 'emergency' }]);
    // A new message while in emergency is a cut too.
    expect(planActions(alert, { running: true, key: 'emergency:crawl:Stop' })).toEqual([{ type: 'cut', kind: 'emergency' }]);
    expect(planActions({ onAir: false, kind: 'asset', key: 'asset' }, { running: true, key: 'asset' })).toEqual([{ type: 'stop' }]);
  });
});

describe('ChannelManager', () => {
  it('starts one output at the scheduled offset, however many viewers tune in at once', async () => {
    const { cm, clock, playout, made } = manager();
    const sessions = await Promise.all(Array.from({ length: 25 }, (_, i) => cm.tuneIn(`viewer ${i}`)));
    expect(playout.outputs).toHaveLength(1);
    expect(made).toHaveLength(1);
    expect(cm.viewerCount).toBe(25);
    expect(cm.runtimeStatus()).toMatchObject({ producerStatus: 'running', producerKind: 'asset', encoderPid: playout.sinks[0]!.pid });
    const plan = made[0]!.plan!;
    // Told to begin where the schedule will be once its output appears (the start-up estimate ahead).
    expect(cm.outputCursor()!.t0Ms).toBe(clock.nowMs() + 200);
    // Joined 5:33 into event e0: the plan starts with it.
    expect(plan.kind === 'asset' && plan.segments[0]?.eventId).toBe('e0');
    expect(cm.nowPlaying()).toMatchObject({ title: 'Show 0', offsetMs: 333_000 });
    // The start took no station time here, so the learned start-up estimate shrinks toward 0.
    expect(cm.expectedStartLatencyMs).toBeCloseTo(120, 5);
    for (const s of sessions) cm.tuneOut(s.id);
    expect(cm.viewerCount).toBe(0);
    await cm.shutdown();
  });

  it('lingers after the last viewer, then stops; a viewer returning in time keeps it on', async () => {
    const { cm, clock, playout } = manager({ lingerMs: 10_000 });
    const a = await cm.tuneIn();
    cm.tuneOut(a.id);
    clock.advance(9_000);
    await cm.reconcile();
    expect(cm.runtimeStatus().producerStatus).toBe('running');
    const b = await cm.tuneIn();
    expect(playout.outputs).toHaveLength(1);
    cm.tuneOut(b.id);
    clock.advance(10_001);
    await flush();
    await cm.reconcile();
    expect(cm.runtimeStatus().producerStatus).toBe('stopped');
    expect(playout.producers[0]!.stopped).toBe(true);
  });

  it('reaches the desired state even when the linger timer fires early', async () => {
    // A sleep that resolves a hair before its deadline (as Node timers can) must not leave the channel on.
    const clock = new ManualClock(T0 + 60_000);
    const sleep = clock.sleep.bind(clock);
    clock.sleep = (ms: number) => sleep(Math.max(0, ms - 0.5));
    const { cm } = manager({ lingerMs: 2000, clock });
    const a = await cm.tuneIn();
    cm.tuneOut(a.id);
    for (let i = 0; i < 10; i++) {
      clock.advance(300);
      await flush();
    }
    await cm.reconcile();
    expect(cm.runtimeStatus().producerStatus).toBe('stopped');
  });

  it('with linger 0 the last viewer leaving stops it at once', async () => {
    const { cm, made } = manager({ lingerMs: 0 });
    const a = await cm.tuneIn();
    cm.tuneOut(a.id);
    await cm.reconcile();
    expect(made[0]!.stopped).toBe(true);
    expect(cm.runtimeStatus().producerStatus).toBe('stopped');
  });

  it('tops up the producer queue from the schedule as time passes', async () => {
    const { cm, clock, made } = manager();
    await cm.tuneIn();
    const p = made[0]!;
    const before = p.queuedUntilMs();
    clock.advance(300_000);
    expect(p.queuedUntilMs()).toBeGreaterThan(before);
    expect(p.queuedUntilMs()).toBeGreaterThanOrEqual(clock.nowMs() + 60_000);
    const ids = p.queued.map((s) => s.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    await cm.shutdown();
  });

  it('is fully on air or failed: a producer that cannot start leaves nothing running', async () => {
    const clock = new ManualClock(T0 + 60_000);
    const playout = recordingPlayout(clock);
    playout.onProducer = (p) => (p.failWith = 'decoder would not start');
    const { cm } = manager({ playout, clock });
    await expect(cm.tuneIn()).rejects.toBeInstanceOf(ChannelFailedError);
    expect(playout.producers.every((p) => p.stopped)).toBe(true);
    expect(playout.sinks.every((s) => !s.accepting)).toBe(true);
    expect(cm.viewerCount).toBe(0);
    expect(cm.runtimeStatus()).toMatchObject({ producerStatus: 'error', detail: expect.stringMatching(/decoder would not start/) });
  });

  it('cuts between producers on one output: the encoder stays, frames keep counting, viewers stay', async () => {
    const { cm, clock, playout } = manager();
    const outputs: unknown[] = [];
    cm.on('output', (o) => outputs.push(o));
    await cm.tuneIn();
    clock.advance(1000);
    await flush();
    const switching = cm.setMode({ mode: 'emergency', message: 'Shelter now', style: 'takeover' });
    for (let i = 0; i < 20; i++) {
      clock.advance(50);
      await flush();
    }
    await switching;
    expect(cm.runtimeStatus()).toMatchObject({ mode: 'emergency', producerKind: 'emergency', producerStatus: 'running' });
    await cm.setMode({ mode: 'emergency', message: 'Shelter now', style: 'takeover' }); // same spec: nothing to do
    const releasing = cm.setMode({ mode: 'normal' });
    for (let i = 0; i < 20; i++) {
      clock.advance(50);
      await flush();
    }
    await releasing;
    clock.advance(500);
    await flush();
    expect(playout.outputs).toHaveLength(1);
    expect(playout.sinks).toHaveLength(1);
    expect(outputs).toHaveLength(1);
    const frames = playout.sinks[0]!.frames;
    // Every frame number exactly once, in order, across both cuts.
    frames.forEach((f, i) => expect(f.n).toBe(i));
    const tags = frames.map((f) => f.tag).filter((t, i, all) => i === 0 || t !== all[i - 1]);
    expect(tags).toEqual(['asset', 'emergency:takeover', 'asset']);
    expect(playout.producers.map((p) => p.stopped)).toEqual([true, true, false]);
    // The release starts the schedule again at the output's current position.
    const release = playout.producers[2]!;
    const firstAsset = frames.findIndex((f, i) => i > 0 && f.tag === 'asset' && frames[i - 1]!.tag !== 'asset');
    expect(firstAsset).toBeGreaterThanOrEqual(release.fromFrame);
    await cm.shutdown();
  });

  it('a refused cut keeps the channel as it was, in its previous mode, and says why', async () => {
    const clock = new ManualClock(T0 + 60_000);
    const playout = recordingPlayout(clock, { cutTimeoutMs: 1000 });
    playout.onProducer = (p, plan) => {
      if (plan.kind === 'guide') p.readyAfterMono = Infinity;
    };
    const { cm } = manager({ playout, clock });
    await cm.tuneIn();
    const switching = cm.setMode({ mode: 'guide' });
    const outcome = switching.then(() => 'switched', (e: Error) => e.message);
    for (let i = 0; i < 30; i++) {
      clock.advance(50);
      await flush();
    }
    expect(await outcome).toMatch(/guide producer could not take the air: the new source was not ready within 1000 ms/);
    expect(cm.runtimeStatus()).toMatchObject({ mode: 'normal', producerKind: 'asset', producerStatus: 'running' });
    expect(playout.producers[1]!.stopped).toBe(true);
    const tags = new Set(playout.sinks[0]!.frames.map((f) => f.tag));
    expect([...tags]).toEqual(['asset']);
    await cm.shutdown();
  });

  it('a channel tuned in during a mode starts in it', async () => {
    const { cm, made } = manager();
    await cm.setMode({ mode: 'maintenance' });
    await cm.tuneIn();
    expect(made.map((p) => p.kind)).toEqual(['slate']);
    await cm.shutdown();
  });

  it('restarts its encoder when it dies, and fails the channel once the budget is spent', async () => {
    const clock = new ManualClock(T0 + 60_000);
    const playout = recordingPlayout(clock, { restart: { attempts: 1, delayMs: 100, healthyAfterMs: 60_000 } });
    const { cm } = manager({ playout, clock });
    const failed: Error[] = [];
    cm.on('failed', (e) => failed.push(e));
    await cm.tuneIn();
    playout.sinks[0]!.crash();
    for (let i = 0; i < 10; i++) {
      clock.advance(50);
      await flush();
    }
    expect(playout.sinks).toHaveLength(2);
    expect(cm.runtimeStatus()).toMatchObject({ producerStatus: 'degraded', detail: expect.stringMatching(/restarting the encoder \(1 of 1\)/) });
    // The new encoder continues the timeline: its timestamps start at the frame it first gets.
    const first = playout.sinks[1]!.frames[0]!;
    expect(playout.sinks[1]!.tsOffsetSeconds).toBeCloseTo(first.n / 30, 6);
    playout.sinks[1]!.crash();
    for (let i = 0; i < 10; i++) {
      clock.advance(50);
      await flush();
    }
    expect(failed).toHaveLength(1);
    expect(cm.viewerCount).toBe(0);
    expect(cm.runtimeStatus().producerStatus).toBe('error');
  });

  it('a guide channel airs the guide in normal programming, needs no schedule, and takes an alert full screen', async () => {
    const clock = new ManualClock(T0 + 60_000);
    const playout = recordingPlayout(clock);
    const guide = new ChannelManager({
      channel: { uuid: 'g', number: 9, name: 'Guide', timezone: 'UTC', enabled: true, planKind: 'guide' },
      clock, schedule: { onAir: () => null, playlog: () => [] }, profile: PROFILE, playout, logger: silentLogger(),
      guide: () => ({ stationName: 'S', timezone: 'UTC', listings: [{ number: 1, name: 'One', items: [] }] }),
    });
    await guide.tuneIn();
    expect(guide.runtimeStatus()).toMatchObject({ producerKind: 'guide', mode: 'normal', producerStatus: 'running' });
    expect(playout.producers[0]!.plan).toMatchObject({ kind: 'guide', guide: { listings: [{ number: 1 }] } });
    expect(guide.nowPlaying()).toBeNull();
    const switching = guide.setMode({ mode: 'emergency', message: 'Go', style: 'crawl' });
    for (let i = 0; i < 20; i++) {
      clock.advance(50);
      await flush();
    }
    await switching;
    expect(playout.producers[1]!.plan).toMatchObject({ kind: 'emergency', alert: { style: 'takeover' } });
    await guide.shutdown();
  });

  it('refuses a disabled channel and one with nothing scheduled', async () => {
    const clock = new ManualClock(T0);
    const playout = recordingPlayout(clock);
    const off = new ChannelManager({
      channel: { uuid: 'u', number: 2, name: 'Off', timezone: 'UTC', enabled: false },
      clock, schedule, profile: PROFILE, playout, logger: silentLogger(),
    });
    await expect(off.tuneIn()).rejects.toThrow(/disabled/);
    const empty = new ChannelManager({
      channel: { uuid: 'u', number: 3, name: 'Empty', timezone: 'UTC', enabled: true },
      clock, schedule: { onAir: () => null, playlog: () => [] }, profile: PROFILE, playout, logger: silentLogger(),
    });
    await expect(empty.tuneIn()).rejects.toThrow(/nothing is scheduled/);
    expect(playout.outputs).toHaveLength(0);
  });

  it('puts the channel\'s branding into the plan: logo and rating on programmes, "next" from the schedule, an operator crawl as a cut', async () => {
    const logo = path.resolve(import.meta.dirname, '../../../resources/branding/logo-bug.png');
    const clock = new ManualClock(T0 + 5 * 60_000);
    const playout = recordingPlayout(clock);
    const rated: ScheduleReader = {
      ...schedule,
      playlog: (n, from, until) => schedule.playlog(n, from, until).map((e) => ({ ...e, rating: 'TV-PG' })),
    };
    const cm = new ChannelManager({
      channel: { uuid: 'u', number: 1, name: 'One', timezone: 'UTC', enabled: true, branding: JSON.stringify({ logo: {}, nextUp: { seconds: 10, beforeEnd: 20 } }) },
      clock, schedule: rated, profile: PROFILE, playout, logger: silentLogger(), lingerMs: 0, defaultLogo: logo,
    });
    const s = await cm.tuneIn('v');
    const plan = playout.producers[0]!.plan!;
    const seg = plan.kind === 'asset' ? plan.segments[0]! : null;
    expect(seg?.eventId).toBe('e0');
    expect(seg?.overlays).toEqual([
      { kind: 'logo', image: logo, corner: 'top-right', opacity: 0.7, heightPct: 12, marginPct: 4 },
      { kind: 'rating', text: 'TV-PG', corner: 'top-left', fromMs: 0, untilMs: 10_000 },
      // Each event is a whole programme here: "next" names the following one, at its start.
      { kind: 'lower-third', text: 'Next: Show 1 at 12:10', fromMs: 570_000, untilMs: 580_000 },
    ]);
    const since = clock.nowMs();
    const crawl = cm.setCrawl({ id: 'c1', text: 'Snow day', sinceMs: since, untilMs: null });
    // The cut lands on a frame not yet written: let the output's time pass the frames it wrote ahead.
    for (let i = 0; i < 20; i++) {
      await flush();
      clock.advance(100);
    }
    await crawl;
    expect(playout.producers).toHaveLength(2);
    const cut = playout.producers[1]!.plan!;
    expect(cut.kind === 'asset' && cut.segments[0]!.overlays!.find((o) => o.kind === 'crawl')).toMatchObject({ kind: 'crawl', text: 'Snow day', sinceMs: since });
    expect(playout.outputs, 'a cut, not a new encoder').toHaveLength(1);
    await cm.setCrawl({ id: 'c1', text: 'Snow day', sinceMs: since, untilMs: null });
    expect(playout.producers, 'the same crawl again changes nothing').toHaveLength(2);
    cm.tuneOut(s.id);
    await cm.shutdown();
  });
});
