import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/master-clock.ts';
import { silentLogger } from '../logger.ts';
import type { PlaylogEvent } from '../schedule/types.ts';
import { ChannelFailedError, ChannelManager, desiredState, planActions, type ProducerFactory } from './channel-manager.ts';
import { DEFAULT_PROFILE } from './producer/output-profile.ts';
import type { PlayoutPlan, PlayoutSegment, Producer, ProducerHealth, ProducerState } from './producer/producer.ts';
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

class FakeProducer extends EventEmitter implements Producer {
  static started = 0;
  static live = 0;
  readonly id = `fake-${Math.random()}`;
  readonly output = new PassThrough();
  plan: PlayoutPlan | null = null;
  startAt = 0;
  queued: PlayoutSegment[] = [];
  private st: ProducerHealth = { status: 'stopped' };
  constructor(
    private readonly startDelay: Promise<void>,
    private readonly failStart = false,
  ) {
    super();
  }
  async start(plan: PlayoutPlan, at: number): Promise<void> {
    FakeProducer.started++;
    FakeProducer.live++;
    this.plan = plan;
    this.startAt = at;
    this.queued = [...plan.segments];
    await this.startDelay;
    if (this.failStart) throw new Error('encoder would not start');
    this.st = { status: 'running' };
  }
  enqueue(s: PlayoutSegment[]): void {
    this.queued.push(...s);
  }
  async stop(): Promise<void> {
    if (this.st.status !== 'stopped' || this.plan) FakeProducer.live--;
    this.plan = null;
    this.st = { status: 'stopped' };
  }
  health(): ProducerHealth {
    return this.st;
  }
  fail(detail: string): void {
    this.st = { status: 'error', detail };
    this.emit('status', this.st);
  }
  getState(): ProducerState {
    return { ...this.st, producerId: this.id, kind: 'asset', startedAtMs: this.startAt, currentEventId: null, queuedUntilMs: this.queued.at(-1)?.endMs ?? 0, pids: [] };
  }
}

function manager(opts: { lingerMs?: number; factory?: ProducerFactory; clock?: ManualClock } = {}) {
  const clock = opts.clock ?? new ManualClock(T0 + 5 * 60_000 + 33_000);
  const made: FakeProducer[] = [];
  const factory: ProducerFactory =
    opts.factory ??
    (() => {
      const p = new FakeProducer(new Promise((r) => setTimeout(r, 20)));
      made.push(p);
      return p;
    });
  const cm = new ChannelManager({
    channel: { uuid: 'u', number: 1, name: 'One', timezone: 'UTC', enabled: true },
    clock, schedule, profile: DEFAULT_PROFILE, createProducer: factory, logger: silentLogger(), lingerMs: opts.lingerMs ?? 10_000,
  });
  return { cm, clock, made };
}

describe('desired state and the diff', () => {
  it('maps viewers, linger, mode and enabled to actions', () => {
    expect(desiredState({ enabled: true, viewers: 0, lingering: false, mode: 'normal' })).toEqual({ onAir: false, kind: 'asset' });
    expect(desiredState({ enabled: true, viewers: 0, lingering: true, mode: 'normal' }).onAir).toBe(true);
    expect(desiredState({ enabled: false, viewers: 3, lingering: false, mode: 'normal' }).onAir).toBe(false);
    expect(desiredState({ enabled: true, viewers: 1, lingering: false, mode: 'emergency' }).kind).toBe('emergency');
    expect(planActions({ onAir: true, kind: 'asset' }, { running: false, kind: null })).toEqual([{ type: 'start', kind: 'asset' }]);
    expect(planActions({ onAir: true, kind: 'asset' }, { running: true, kind: 'asset' })).toEqual([]);
    expect(planActions({ onAir: true, kind: 'emergency' }, { running: true, kind: 'asset' })).toEqual([{ type: 'swap', kind: 'emergency' }]);
    expect(planActions({ onAir: false, kind: 'asset' }, { running: true, kind: 'asset' })).toEqual([{ type: 'stop' }]);
  });
});

describe('ChannelManager', () => {
  it('starts one producer at the scheduled offset, however many viewers tune in at once', async () => {
    FakeProducer.started = 0;
    const { cm, clock, made } = manager();
    const sessions = await Promise.all(Array.from({ length: 25 }, (_, i) => cm.tuneIn(`viewer ${i}`)));
    expect(made).toHaveLength(1);
    expect(FakeProducer.started).toBe(1);
    expect(cm.viewerCount).toBe(25);
    expect(cm.runtimeStatus().producerStatus).toBe('running');
    const p = made[0] as FakeProducer;
    // Told to begin where the schedule will be once its output appears (the start-up estimate ahead).
    expect(p.startAt).toBe(clock.nowMs() + 350);
    // Joined 5:33 into event e0: the plan starts with it.
    expect(p.plan?.segments[0]?.eventId).toBe('e0');
    expect(p.startAt - (p.plan?.segments[0]?.startMs ?? 0)).toBe(333_350);
    expect(cm.nowPlaying()).toMatchObject({ title: 'Show 0', offsetMs: 333_000 });
    // The start took no station time here, so the learned start-up estimate shrinks toward 0.
    expect(cm.expectedStartLatencyMs).toBeCloseTo(210, 5);
    for (const s of sessions) cm.tuneOut(s.id);
    expect(cm.viewerCount).toBe(0);
  });

  it('lingers after the last viewer, then stops; a viewer returning in time keeps it on', async () => {
    const { cm, clock, made } = manager({ lingerMs: 10_000 });
    const a = await cm.tuneIn();
    cm.tuneOut(a.id);
    clock.advance(9_000);
    await cm.reconcile();
    expect(cm.runtimeStatus().producerStatus).toBe('running');
    const b = await cm.tuneIn();
    expect(made).toHaveLength(1);
    cm.tuneOut(b.id);
    clock.advance(10_001);
    await new Promise((r) => setTimeout(r, 0));
    await cm.reconcile();
    expect(cm.runtimeStatus().producerStatus).toBe('stopped');
    expect(made[0]?.health().status).toBe('stopped');
  });

  it('with linger 0 the last viewer leaving stops it at once', async () => {
    const { cm, made } = manager({ lingerMs: 0 });
    const a = await cm.tuneIn();
    cm.tuneOut(a.id);
    await cm.reconcile();
    expect(made[0]?.health().status).toBe('stopped');
    expect(cm.runtimeStatus().producerStatus).toBe('stopped');
  });

  it('tops up the producer queue from the schedule as time passes', async () => {
    const { cm, clock, made } = manager();
    await cm.tuneIn();
    const p = made[0] as FakeProducer;
    const before = p.getState().queuedUntilMs;
    clock.advance(300_000);
    expect(p.getState().queuedUntilMs).toBeGreaterThan(before);
    expect(p.getState().queuedUntilMs).toBeGreaterThanOrEqual(clock.nowMs() + 60_000);
    const ids = p.queued.map((s) => s.eventId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('is fully on air or failed: a producer that cannot start leaves nothing running', async () => {
    FakeProducer.live = 0;
    const { cm } = manager({ factory: () => new FakeProducer(Promise.resolve(), true) });
    await expect(cm.tuneIn()).rejects.toBeInstanceOf(ChannelFailedError);
    expect(FakeProducer.live).toBe(0);
    expect(cm.viewerCount).toBe(0);
    expect(cm.runtimeStatus()).toMatchObject({ producerStatus: 'error', detail: expect.stringMatching(/encoder would not start/) });
  });

  it('restarts a producer that fails on air once, then fails the channel and drops viewers', async () => {
    const { cm, made } = manager();
    const failed: Error[] = [];
    cm.on('failed', (e) => failed.push(e));
    await cm.tuneIn();
    made[0]?.fail('encoder crashed');
    await cm.reconcile();
    expect(made).toHaveLength(2);
    expect(cm.runtimeStatus().producerStatus).toBe('running');
    made[1]?.fail('encoder crashed again');
    await cm.reconcile();
    expect(failed).toHaveLength(1);
    expect(cm.viewerCount).toBe(0);
    expect(made.every((p) => p.health().status === 'stopped')).toBe(true);
  });

  it('refuses a disabled channel and one with nothing scheduled', async () => {
    const clock = new ManualClock(T0);
    const off = new ChannelManager({
      channel: { uuid: 'u', number: 2, name: 'Off', timezone: 'UTC', enabled: false },
      clock, schedule, profile: DEFAULT_PROFILE, createProducer: () => new FakeProducer(Promise.resolve()), logger: silentLogger(),
    });
    await expect(off.tuneIn()).rejects.toThrow(/disabled/);
    const empty = new ChannelManager({
      channel: { uuid: 'u', number: 3, name: 'Empty', timezone: 'UTC', enabled: true },
      clock, schedule: { onAir: () => null, playlog: () => [] }, profile: DEFAULT_PROFILE, createProducer: () => new FakeProducer(Promise.resolve()), logger: silentLogger(),
    });
    await expect(empty.tuneIn()).rejects.toThrow(/nothing is scheduled/);
  });
});
