/**
 * ChannelManager: the board operator of one channel.
 *
 * It decides what should be on air as plain data (desired state: on or off, which
 * producer kind), compares it with what is, and turns the difference into producer
 * actions. All actions run one at a time through a single queue, so concurrent
 * tune-ins can never start two producers. It reads the schedule, never writes it,
 * and never invents content; it reads time only from the MasterClock.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ChannelMode, OnAirItem, ProducerStatus } from '../../shared/types.ts';
import type { MasterClock } from '../clock/master-clock.ts';
import { toIsoInZone } from '../clock/zoned-time.ts';
import type { Logger } from '../logger.ts';
import { segmentsFrom } from './playout-plan.ts';
import type { OutputProfile } from './producer/output-profile.ts';
import type { Producer, ProducerHealth, ProducerState } from './producer/producer.ts';
import type { ScheduleReader } from './schedule-reader.ts';
import type { ViewerSession } from './viewer-session.ts';

export type ProducerKind = ProducerState['kind'];

export interface ChannelIdentity {
  uuid: string;
  number: number;
  name: string;
  timezone: string;
  enabled: boolean;
}

export type ProducerFactory = (kind: ProducerKind, ctx: { channel: ChannelIdentity; profile: OutputProfile }) => Producer;

export interface ChannelManagerOptions {
  channel: ChannelIdentity;
  clock: MasterClock;
  schedule: ScheduleReader;
  profile: OutputProfile;
  createProducer: ProducerFactory;
  logger: Logger;
  /** How long the producer keeps running after the last viewer leaves (0 allowed). */
  lingerMs?: number;
  /** How far ahead the producer's queue is kept filled. */
  lookaheadMs?: number;
  /** How often to top up the producer's queue and check its health. */
  tickMs?: number;
  /** First guess of producer start-up time before one has been measured (default 350 ms; 0 disables). */
  initialStartLatencyMs?: number;
}

export class ChannelFailedError extends Error {}

/** What should be on air, decided from viewers, linger, mode and the enabled flag. */
export interface DesiredState {
  onAir: boolean;
  kind: ProducerKind;
}

export function desiredState(input: { enabled: boolean; viewers: number; lingering: boolean; mode: ChannelMode }): DesiredState {
  const kind: ProducerKind = input.mode === 'emergency' ? 'emergency' : input.mode === 'guide' ? 'guide' : input.mode === 'maintenance' ? 'slate' : 'asset';
  return { onAir: input.enabled && (input.viewers > 0 || input.lingering), kind };
}

export type ChannelAction = { type: 'stop' } | { type: 'start'; kind: ProducerKind } | { type: 'swap'; kind: ProducerKind };

/** The diff: the one small layer that maps desired vs actual to actions. */
export function planActions(desired: DesiredState, actual: { running: boolean; kind: ProducerKind | null }): ChannelAction[] {
  if (!desired.onAir) return actual.running ? [{ type: 'stop' }] : [];
  if (!actual.running) return [{ type: 'start', kind: desired.kind }];
  if (actual.kind !== desired.kind) return [{ type: 'swap', kind: desired.kind }];
  return [];
}

export interface ChannelRuntimeStatus {
  viewerCount: number;
  producerStatus: ProducerStatus;
  mode: ChannelMode;
  detail: string | null;
  pids: number[];
}

export interface ChannelManagerEvents {
  /** A producer's output is ready for the fanout. */
  output: [stream: Readable];
  /** The current output is about to end (stop or swap). */
  outputEnding: [];
  status: [status: ChannelRuntimeStatus];
  /** The channel failed while on air; viewers should be disconnected. */
  failed: [error: Error];
}

export class ChannelManager extends EventEmitter<ChannelManagerEvents> {
  private identity: ChannelIdentity;
  private readonly viewers = new Map<string, ViewerSession>();
  private producer: Producer | null = null;
  private producerKind: ProducerKind | null = null;
  private status: ProducerStatus = 'stopped';
  private detail: string | null = null;
  private mode: ChannelMode = 'normal';
  private lingerUntilMono = 0;
  private queue: Promise<void> = Promise.resolve();
  private stopTicker: (() => void) | null = null;
  private restartsLeft = 1;
  private closed = false;
  /**
   * How long a producer takes from start() to output, learned from each start. The
   * producer is asked to begin that far ahead, so the first picture a viewer sees is
   * what the schedule says is on when it appears, not what was on when they asked.
   */
  private startLatencyMs: number;

  constructor(private readonly opts: ChannelManagerOptions) {
    super();
    this.identity = { ...opts.channel };
    this.startLatencyMs = opts.initialStartLatencyMs ?? 350;
  }

  /** The current estimate of producer start-up time (ms). */
  get expectedStartLatencyMs(): number {
    return this.startLatencyMs;
  }

  get channel(): Readonly<ChannelIdentity> {
    return this.identity;
  }

  /** The channel's definition changed (renamed, enabled, disabled): takes effect now. */
  async updateIdentity(next: ChannelIdentity): Promise<void> {
    this.identity = { ...next, number: this.identity.number };
    this.emitStatus();
    await this.reconcile();
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  runtimeStatus(): ChannelRuntimeStatus {
    return { viewerCount: this.viewers.size, producerStatus: this.status, mode: this.mode, detail: this.detail, pids: this.producer?.getState().pids ?? [] };
  }

  /** What the schedule says is on now, for dashboards and the API. */
  nowPlaying(): OnAirItem | null {
    const now = this.opts.clock.nowMs();
    const on = this.opts.schedule.onAir(this.channel.number, now);
    if (!on) return null;
    const tz = this.channel.timezone;
    return {
      eventId: on.event.id, kind: on.event.kind, assetId: on.event.assetId, title: on.event.title,
      start: toIsoInZone(on.event.startMs, tz), end: toIsoInZone(on.event.endMs, tz), offsetMs: on.offsetMs,
    };
  }

  /**
   * A viewer tunes in. Resolves once the channel is on air (the viewer can attach to
   * the output); rejects with ChannelFailedError if it cannot be put on air.
   */
  async tuneIn(clientInfo = 'unknown'): Promise<ViewerSession> {
    if (this.closed) throw new ChannelFailedError(`Channel ${this.channel.number} is shutting down.`);
    if (!this.channel.enabled) throw new ChannelFailedError(`Channel ${this.channel.number} is disabled.`);
    const session: ViewerSession = { id: randomUUID(), channelNumber: this.channel.number, startedAtMs: this.opts.clock.nowMs(), clientInfo };
    this.viewers.set(session.id, session);
    this.emitStatus();
    await this.reconcile();
    if (!this.producer || (this.status !== 'running' && this.status !== 'degraded')) {
      this.viewers.delete(session.id);
      this.emitStatus();
      await this.reconcile();
      throw new ChannelFailedError(`Channel ${this.channel.number} could not go on air: ${this.detail ?? 'no producer'}`);
    }
    return session;
  }

  /** A viewer leaves. After the linger, the last one leaving takes the channel off air. */
  tuneOut(sessionId: string): void {
    if (!this.viewers.delete(sessionId)) return;
    this.emitStatus();
    if (this.viewers.size > 0) return;
    const linger = this.opts.lingerMs ?? 10_000;
    this.lingerUntilMono = this.opts.clock.monotonicMs() + linger;
    if (linger <= 0) void this.reconcile();
    else void this.opts.clock.sleep(linger).then(() => this.reconcile());
  }

  /** Global mode from the ProgramDirector; the ChannelManager performs the swap. */
  async setMode(mode: ChannelMode): Promise<void> {
    this.mode = mode;
    this.emitStatus();
    await this.reconcile();
  }

  /** Off air now, whatever the viewers; used at station shutdown. */
  async shutdown(): Promise<void> {
    this.closed = true;
    this.viewers.clear();
    this.lingerUntilMono = 0;
    await this.reconcile();
  }

  /** Queue one reconciliation; resolves when it (and those before it) are done. */
  reconcile(): Promise<void> {
    this.queue = this.queue.then(() => this.reconcileNow()).catch((err: unknown) => {
      this.opts.logger.error({ channel: this.channel.number, err }, 'reconcile failed');
    });
    return this.queue;
  }

  private async reconcileNow(): Promise<void> {
    const desired = desiredState({
      enabled: this.channel.enabled && !this.closed,
      viewers: this.viewers.size,
      lingering: this.opts.clock.monotonicMs() < this.lingerUntilMono,
      mode: this.mode,
    });
    // A producer that failed counts as not running, so a new tune-in retries it.
    const running = this.producer !== null && this.status !== 'error';
    for (const action of planActions(desired, { running, kind: this.producerKind })) {
      if (action.type === 'stop') await this.stopProducer();
      else {
        if (action.type === 'swap' || this.producer) await this.stopProducer();
        await this.startProducer(action.kind);
      }
    }
  }

  private async startProducer(kind: ProducerKind): Promise<void> {
    const startAt = this.opts.clock.nowMs() + Math.round(this.startLatencyMs);
    const lookahead = this.opts.lookaheadMs ?? 120_000;
    const events = this.opts.schedule.playlog(this.channel.number, startAt, startAt + lookahead);
    const segments = segmentsFrom(events, startAt);
    if (segments.length === 0 || (segments[0]?.startMs ?? Infinity) > startAt) {
      this.setStatus('error', `nothing is scheduled on channel ${this.channel.number} at ${new Date(startAt).toISOString()}; build its schedule`);
      return;
    }
    this.setStatus('starting', null);
    let producer: Producer;
    try {
      producer = this.opts.createProducer(kind, { channel: this.channel, profile: this.opts.profile });
    } catch (err) {
      this.setStatus('error', `cannot create a ${kind} producer: ${(err as Error).message}`);
      return;
    }
    this.producer = producer;
    this.producerKind = kind;
    producer.on('status', (h) => this.onProducerStatus(producer, h));
    const t0 = this.opts.clock.monotonicMs();
    try {
      await producer.start({ channelNumber: this.channel.number, profile: this.opts.profile, segments }, startAt);
      if (this.opts.initialStartLatencyMs !== 0) {
        // Smooth, and bounded so one slow start (a disk spinning up) cannot push the picture far ahead.
        const measured = Math.min(2000, this.opts.clock.monotonicMs() - t0);
        this.startLatencyMs = 0.6 * this.startLatencyMs + 0.4 * measured;
      }
    } catch (err) {
      // Fully on air or failed: make sure nothing of the attempt is left running.
      await producer.stop().catch(() => {});
      this.producer = null;
      this.producerKind = null;
      this.setStatus('error', `producer failed to start: ${(err as Error).message}`);
      return;
    }
    this.setStatus('running', null);
    this.emit('output', producer.output);
    this.stopTicker = this.opts.clock.every(this.opts.tickMs ?? 1000, () => this.topUp(producer));
  }

  private async stopProducer(): Promise<void> {
    const producer = this.producer;
    this.stopTicker?.();
    this.stopTicker = null;
    if (!producer) {
      // A failure stays visible while viewers are still asking for the channel.
      if (this.status !== 'error' || this.viewers.size === 0) this.setStatus('stopped', null);
      return;
    }
    this.emit('outputEnding');
    this.setStatus('stopping', null);
    this.producer = null;
    this.producerKind = null;
    await producer.stop();
    this.setStatus('stopped', null);
  }

  /** Keep the producer's queue filled ahead from the schedule (never on the tune-in path). */
  private topUp(producer: Producer): void {
    if (producer !== this.producer) return;
    const state = producer.getState();
    const now = this.opts.clock.nowMs();
    const lookahead = this.opts.lookaheadMs ?? 120_000;
    if (state.queuedUntilMs >= now + lookahead / 2) return;
    const events = this.opts.schedule.playlog(this.channel.number, state.queuedUntilMs, now + lookahead).filter((e) => e.startMs >= state.queuedUntilMs);
    if (events.length > 0) producer.enqueue(segmentsFrom(events, state.queuedUntilMs));
  }

  private onProducerStatus(producer: Producer, health: ProducerHealth): void {
    if (producer !== this.producer) return;
    if (health.status === 'degraded' || health.status === 'running') {
      this.setStatus(health.status, health.detail ?? null);
      return;
    }
    if (health.status !== 'error') return;
    this.opts.logger.warn({ channel: this.channel.number, detail: health.detail }, 'producer failed on air');
    // Policy: one restart at the current position; a second failure takes the channel off air as failed.
    if (this.restartsLeft-- > 0) {
      this.setStatus('error', health.detail ?? 'producer failed');
      void this.reconcile();
      return;
    }
    this.setStatus('error', health.detail ?? 'producer failed');
    void this.stopFailed(new ChannelFailedError(`Channel ${this.channel.number} failed: ${health.detail ?? 'producer error'}`));
  }

  private async stopFailed(error: Error): Promise<void> {
    this.queue = this.queue.then(async () => {
      const producer = this.producer;
      this.stopTicker?.();
      this.stopTicker = null;
      this.producer = null;
      this.producerKind = null;
      this.emit('outputEnding');
      await producer?.stop().catch(() => {});
      this.viewers.clear();
      this.emit('failed', error);
      this.setStatus('error', error.message);
      this.restartsLeft = 1;
    });
    await this.queue;
  }

  private setStatus(status: ProducerStatus, detail: string | null): void {
    this.status = status;
    this.detail = detail;
    this.emitStatus();
  }

  private emitStatus(): void {
    this.emit('status', this.runtimeStatus());
  }
}
