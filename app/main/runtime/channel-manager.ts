/**
 * ChannelManager: the board operator of one channel.
 *
 * It decides what should be on air as plain data (desired state: on or off, which
 * producer for which mode), compares it with what is, and turns the difference into
 * actions on the channel's output: start it, stop it, or cut to another producer. The
 * output (encoder, timeline, pacer) lives from the first viewer to the last; a mode
 * change is a cut, never an encoder restart. All actions run one at a time through a
 * single queue, so concurrent tune-ins can never start two outputs. It reads the
 * schedule, never writes it, never invents content; it reads time only from the MasterClock.
 */
import { EventEmitter } from 'node:events';
import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ChannelMode, ModeSpec, OnAirItem, ProducerStatus } from '../../shared/types.ts';
import type { MasterClock } from '../clock/master-clock.ts';
import { toIsoInZone } from '../clock/zoned-time.ts';
import type { Logger } from '../logger.ts';
import type { ChannelOutput, OutputHealth, OutputStats } from '../playout/channel-output.ts';
import { firstVideoPts90k } from '../playout/encoder-args.ts';
import type { DecoderRestart, FrameSource, MediaFault, SegmentAiring } from '../playout/frame-source.ts';
import type { AirEvidence, AirMark } from './air-evidence.ts';
import { segmentsFrom } from './playout-plan.ts';
import type { OutputProfile } from './producer/output-profile.ts';
import { describeProfile, parseStoredSpec, resolveProfile } from './producer/output-spec.ts';
import type { GuidePlan, Producer, ProducerKind, ProducerPlan } from './producer/producer.ts';
import type { ScheduleReader } from './schedule-reader.ts';
import type { ViewerSession } from './viewer-session.ts';
import type { PlaylogEvent } from '../schedule/types.ts';
import { resolveBranding, type Branding } from './branding/branding-spec.ts';
import { brandSegments, crawlWindows, oneCrawlAtATime, type CrawlWindow, type ProgrammeFacts } from './branding/overlay-plan.ts';
import type { PlayoutSegment } from './producer/producer.ts';

/** How far ahead the next programme is looked for (a lower third names it). */
const FACTS_HORIZON_MS = 3 * 3600_000;
const FACTS_TTL_MS = 5 * 60_000;

export type { ProducerKind };

export interface ChannelIdentity {
  uuid: string;
  number: number;
  name: string;
  timezone: string;
  enabled: boolean;
  /** A 'guide' channel's normal programming is the guide producer (from the station file). */
  planKind?: 'loop' | 'schedule' | 'guide';
  /** The channel's own output profile (stored JSON OutputSpec); absent = the station's. */
  outputProfile?: string | null;
  /** On-screen branding (stored JSON, see branding-spec.ts); absent = none. */
  branding?: string | null;
}

/** A crawl the operator started (station time; open-ended without `untilMs`). */
export interface OperatorCrawl {
  id: string;
  text: string;
  sinceMs: number;
  untilMs: number | null;
}

export interface PlayoutContext {
  channel: ChannelIdentity;
  profile: OutputProfile;
}

/** Builds outputs and producers (the composition root passes it in; tests a recording one). */
export interface PlayoutFactory {
  createOutput(ctx: PlayoutContext): ChannelOutput;
  createProducer(plan: ProducerPlan, ctx: PlayoutContext & { startMs: number }): Producer;
}

export interface ChannelManagerOptions {
  channel: ChannelIdentity;
  clock: MasterClock;
  schedule: ScheduleReader;
  /** The station's output profile; a channel's own spec (identity.outputProfile) goes over it. */
  profile: OutputProfile;
  /** Video encoders this ffmpeg has (hardware ones are used only when listed). */
  videoEncoders?: ReadonlySet<string>;
  playout: PlayoutFactory;
  logger: Logger;
  /** The station's listings for the guide producer (the director knows every channel). */
  guide?: () => GuidePlan;
  stationName?: string;
  /** How long the output keeps running after the last viewer leaves (0 allowed). */
  lingerMs?: number;
  /** How far ahead the producer's queue is kept filled. */
  lookaheadMs?: number;
  /** How often to top up the producer's queue. */
  tickMs?: number;
  /** The logo bug's image when the branding names none (the shipped mark). */
  defaultLogo?: string | null;
  /** First guess of output start-up time before one has been measured (default 200 ms: a cold start to the first TS bytes measures 150–300 ms; 0 disables). */
  initialStartLatencyMs?: number;
}

export class ChannelFailedError extends Error {}

/** What should be on air, decided from viewers, linger, mode and the enabled flag. */
export interface DesiredState {
  onAir: boolean;
  kind: ProducerKind;
  /** Identifies the producer's plan: a different key on air means a cut. */
  key: string;
}

export function producerKindFor(mode: ChannelMode, guideChannel = false): ProducerKind {
  return mode === 'emergency' ? 'emergency' : mode === 'guide' || (mode === 'normal' && guideChannel) ? 'guide' : mode === 'maintenance' ? 'slate' : 'asset';
}

export function desiredState(input: { enabled: boolean; viewers: number; lingering: boolean; mode: ModeSpec | ChannelMode; guideChannel?: boolean; crawlId?: string | null; brandingKey?: string | null }): DesiredState {
  const spec: ModeSpec = typeof input.mode === 'string' ? { mode: input.mode } : input.mode;
  const kind = producerKindFor(spec.mode, input.guideChannel);
  // An operator's crawl is drawn into the programme's segments: a new one is a cut to segments that carry it.
  // Branding changed in the station file likewise takes the air at once, not when the queue runs out.
  const asset = ['asset', input.brandingKey ? `branding:${input.brandingKey}` : '', input.crawlId ? `crawl:${input.crawlId}` : ''].filter(Boolean).join(':');
  const key = kind === 'emergency' ? `emergency:${spec.style ?? 'takeover'}:${spec.message ?? ''}` : kind === 'asset' ? asset : kind;
  return { onAir: input.enabled && (input.viewers > 0 || input.lingering), kind, key };
}

export type ChannelAction = { type: 'stop' } | { type: 'start'; kind: ProducerKind } | { type: 'cut'; kind: ProducerKind };

/** The diff: the one small layer that maps desired vs actual to actions. */
export function planActions(desired: DesiredState, actual: { running: boolean; key: string | null }): ChannelAction[] {
  if (!desired.onAir) return actual.running ? [{ type: 'stop' }] : [];
  if (!actual.running) return [{ type: 'start', kind: desired.kind }];
  if (actual.key !== desired.key) return [{ type: 'cut', kind: desired.kind }];
  return [];
}

export interface ChannelRuntimeStatus {
  viewerCount: number;
  producerStatus: ProducerStatus;
  producerKind: ProducerKind | null;
  mode: ChannelMode;
  detail: string | null;
  pids: number[];
  encoderPid: number | null;
}

export interface ChannelManagerEvents {
  /** The output's stream is ready for the fanout (once per time on air). */
  output: [stream: Readable];
  /** The output is about to end (off air). */
  outputEnding: [];
  status: [status: ChannelRuntimeStatus];
  /** The channel failed while on air; viewers should be disconnected. */
  failed: [error: Error];
  /** A cut to another producer landed at this station time. */
  cut: [info: { kind: ProducerKind; stationMs: number }];
  /** What the output carried, as it reached the screen (the as-run log's evidence). */
  air: [evidence: AirEvidence];
}

export class ChannelManager extends EventEmitter<ChannelManagerEvents> {
  private identity: ChannelIdentity;
  private readonly viewers = new Map<string, ViewerSession>();
  private output: ChannelOutput | null = null;
  private producer: Producer | null = null;
  private producerKey: string | null = null;
  private status: ProducerStatus = 'stopped';
  private detail: string | null = null;
  private spec: ModeSpec = { mode: 'normal' };
  private specSinceMs = 0;
  private lingerUntilMono = 0;
  private lingerTimer: Promise<void> | null = null;
  private queue: Promise<void> = Promise.resolve();
  private stopTicker: (() => void) | null = null;
  private lastGuideUpdate = 0;
  private closed = false;
  /**
   * How long an output takes from start() to its first bytes, learned from each start.
   * The output begins that far ahead, so the first picture a viewer sees is what the
   * schedule says is on when it appears, not what was on when they asked.
   */
  private startLatencyMs: number;

  constructor(private readonly opts: ChannelManagerOptions) {
    super();
    this.identity = { ...opts.channel };
    this.startLatencyMs = opts.initialStartLatencyMs ?? 200;
    this.specSinceMs = opts.clock.nowMs();
  }

  /** The channel's output profile: its own spec over the station's, with an encoder ffmpeg has. */
  get profile(): OutputProfile {
    const key = this.identity.outputProfile ?? '';
    if (this.profileCache?.key !== key) this.profileCache = { key, profile: this.resolveProfile() };
    return this.profileCache.profile;
  }

  private profileCache: { key: string; profile: OutputProfile } | null = null;

  private resolveProfile(): OutputProfile {
    const n = this.identity.number;
    let p: OutputProfile;
    try {
      p = resolveProfile(parseStoredSpec(this.identity.outputProfile), this.opts.profile);
    } catch (err) {
      this.opts.logger.error({ channel: n, err: (err as Error).message }, "the channel's output profile cannot be read; using the station's (re-import the station file)");
      return this.opts.profile;
    }
    if (p.encoder && p.encoder !== 'libx264' && !this.opts.videoEncoders?.has(p.encoder)) {
      this.opts.logger.warn({ channel: n, encoder: p.encoder }, `channel ${n} asks for ${p.encoder}, which this ffmpeg does not have (or no such hardware); encoding in software`);
      p = { ...p, encoder: 'libx264' };
    }
    return p;
  }

  get expectedStartLatencyMs(): number {
    return this.startLatencyMs;
  }

  get channel(): Readonly<ChannelIdentity> {
    return this.identity;
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  modeSpec(): ModeSpec {
    return { ...this.spec };
  }

  /** The channel's definition changed (renamed, enabled, disabled): takes effect now. */
  async updateIdentity(next: ChannelIdentity): Promise<void> {
    const profileChanged = (next.outputProfile ?? null) !== (this.identity.outputProfile ?? null);
    this.identity = { ...next, number: this.identity.number };
    this.emitStatus();
    await this.reconcile();
    // A new output format needs a new encoder; viewers stay connected across it.
    if (profileChanged && this.output) await this.restart();
  }

  runtimeStatus(): ChannelRuntimeStatus {
    return {
      viewerCount: this.viewers.size,
      producerStatus: this.status,
      producerKind: this.producer?.kind ?? null,
      mode: this.spec.mode,
      detail: this.detail,
      pids: this.output?.pids() ?? [],
      encoderPid: this.output?.encoderPid() ?? null,
    };
  }

  /** Output counters while on air (frames, padding, cuts, restarts). */
  outputStats(): OutputStats | null {
    return this.output?.stats() ?? null;
  }

  /**
   * Where the output's timestamps are anchored (HLS dates, tests): t0Ms is the station time of
   * the frame stamped with video PTS pts0 (the first frame written), frame the one being written.
   */
  outputCursor(): { t0Ms: number; frame: number; fpsNum: number; fpsDen: number; pts0: number } | null {
    const tl = this.output?.getTimeline();
    const t0Ms = this.output?.ptsOriginMs();
    return tl && this.output && t0Ms != null ? { t0Ms, frame: this.output.frameCursor, fpsNum: tl.fpsNum, fpsDen: tl.fpsDen, pts0: firstVideoPts90k(this.profile) } : null;
  }

  /** What the schedule says is on now, for dashboards and the API. */
  nowPlaying(): OnAirItem | null {
    if (this.identity.planKind === 'guide') return null;
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
    if (!this.output || (this.status !== 'running' && this.status !== 'degraded')) {
      this.viewers.delete(session.id);
      this.emitStatus();
      await this.reconcile();
      throw new ChannelFailedError(`Channel ${this.channel.number} could not go on air: ${this.detail ?? 'no output'}`);
    }
    this.opts.logger.info({ channel: this.channel.number, client: clientInfo, viewers: this.viewers.size }, `channel ${this.channel.number}: tuned in (${clientInfo})`);
    return session;
  }

  /** A viewer leaves. After the linger, the last one leaving takes the channel off air. */
  tuneOut(sessionId: string): void {
    const session = this.viewers.get(sessionId);
    if (!session || !this.viewers.delete(sessionId)) return;
    this.opts.logger.info({ channel: this.channel.number, client: session.clientInfo, viewers: this.viewers.size, watchedMs: this.opts.clock.nowMs() - session.startedAtMs }, `channel ${this.channel.number}: tuned out (${session.clientInfo})`);
    this.emitStatus();
    if (this.viewers.size > 0) return;
    const linger = this.opts.lingerMs ?? 10_000;
    this.lingerUntilMono = this.opts.clock.monotonicMs() + linger;
    if (linger <= 0) void this.reconcile();
    else this.scheduleLingerCheck();
  }

  /**
   * Carry `spec` (the director's mode for this channel). Resolves once the channel airs
   * it, or at once when off air (it starts in that mode). Rejects when the channel is on
   * air and could not cut to it: it then keeps airing what it was, in its previous mode.
   */
  setMode(spec: ModeSpec): Promise<void> {
    return this.serial(async () => {
      const prev = this.spec;
      const prevSince = this.specSinceMs;
      if (desiredState({ enabled: true, viewers: 1, lingering: false, mode: spec }).key !== desiredState({ enabled: true, viewers: 1, lingering: false, mode: prev }).key) {
        this.specSinceMs = this.opts.clock.nowMs();
      }
      this.spec = { ...spec };
      this.emitStatus();
      try {
        await this.reconcileNow(true);
      } catch (err) {
        this.spec = prev;
        this.specSinceMs = prevSince;
        this.emitStatus();
        throw err;
      }
    });
  }

  /** Restart the channel's output (a fresh encoder); viewers stay connected. */
  restart(): Promise<void> {
    return this.serial(async () => {
      if (!this.output) return;
      await this.stopOutput();
      await this.reconcileNow(true);
    });
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
    return this.serial(() => this.reconcileNow(false)).catch((err: unknown) => {
      this.opts.logger.error({ channel: this.channel.number, err }, 'reconcile failed');
    });
  }

  // ---------------------------------------------------------------- internals

  /** Run `fn` after everything queued before it; its result (or error) is the caller's. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.then(() => undefined, () => undefined);
    return run;
  }

  /**
   * Re-check the desired state once the linger is over. Timers can fire a hair early,
   * so the check reschedules itself until the deadline has really passed.
   */
  private scheduleLingerCheck(): void {
    if (this.lingerTimer) return;
    const wait = Math.max(1, this.lingerUntilMono - this.opts.clock.monotonicMs());
    this.lingerTimer = this.opts.clock.sleep(wait).then(() => {
      this.lingerTimer = null;
      if (this.viewers.size > 0 || this.lingerUntilMono === 0) return;
      if (this.opts.clock.monotonicMs() < this.lingerUntilMono) this.scheduleLingerCheck();
      else void this.reconcile();
    });
  }

  private async reconcileNow(strict: boolean): Promise<void> {
    const desired = desiredState({
      enabled: this.channel.enabled && !this.closed,
      viewers: this.viewers.size,
      lingering: this.opts.clock.monotonicMs() < this.lingerUntilMono,
      mode: this.spec,
      guideChannel: this.identity.planKind === 'guide',
      crawlId: this.crawl?.id ?? null,
      brandingKey: this.identity.branding ? createHash('sha1').update(this.identity.branding).digest('hex').slice(0, 12) : null,
    });
    const running = this.output !== null && this.status !== 'error';
    for (const action of planActions(desired, { running, key: this.producerKey })) {
      if (action.type === 'stop') await this.stopOutput();
      else if (action.type === 'start') {
        if (this.output) await this.stopOutput();
        await this.startOutput(desired);
      } else await this.cutTo(desired, strict);
    }
  }

  private planFor(kind: ProducerKind, startMs: number): ProducerPlan | string {
    const lookahead = this.opts.lookaheadMs ?? 120_000;
    const scheduled = () => {
      const events = this.opts.schedule.playlog(this.channel.number, startMs, startMs + lookahead);
      const segments = this.brand(events, segmentsFrom(events, startMs), kind === 'asset');
      if (segments.length === 0 || (segments[0]?.startMs ?? Infinity) > startMs) {
        return `nothing is scheduled on channel ${this.channel.number} at ${new Date(startMs).toISOString()}; build its schedule`;
      }
      return segments;
    };
    switch (kind) {
      case 'asset': {
        const segments = scheduled();
        return typeof segments === 'string' ? segments : { kind, segments };
      }
      case 'emergency': {
        // A guide channel has no programme to crawl over: it takes the alert full screen.
        const style = this.identity.planKind === 'guide' ? 'takeover' : (this.spec.style ?? 'takeover');
        const segments = style === 'crawl' ? scheduled() : [];
        if (typeof segments === 'string') return segments;
        const alert = { message: this.spec.message ?? '', style, sinceMs: this.specSinceMs, stationName: this.opts.stationName ?? 'RetroVue' };
        return { kind, alert, segments };
      }
      case 'guide':
        return { kind, guide: this.guidePlan() };
      case 'slate':
        return { kind, slate: { style: 'maintenance' } };
    }
  }

  private guidePlan(): GuidePlan {
    return this.opts.guide?.() ?? { stationName: this.opts.stationName ?? 'RetroVue', timezone: this.channel.timezone, listings: [] };
  }

  private createProducer(kind: ProducerKind, startMs: number): Producer | string {
    const plan = this.planFor(kind, startMs);
    if (typeof plan === 'string') return plan;
    try {
      return this.opts.playout.createProducer(plan, { channel: this.channel, profile: this.profile, startMs });
    } catch (err) {
      return `cannot create a ${kind} producer: ${(err as Error).message}`;
    }
  }

  private async startOutput(desired: DesiredState): Promise<void> {
    const startAt = this.opts.clock.nowMs() + Math.round(this.startLatencyMs);
    const producer = this.createProducer(desired.kind, startAt);
    if (typeof producer === 'string') {
      this.setStatus('error', producer);
      return;
    }
    this.setStatus('starting', null);
    let output: ChannelOutput;
    try {
      output = this.opts.playout.createOutput({ channel: this.channel, profile: this.profile });
    } catch (err) {
      await producer.stop();
      this.setStatus('error', `cannot create the channel output: ${(err as Error).message}`);
      return;
    }
    this.output = output;
    this.producer = producer;
    this.producerKey = desired.key;
    output.on('health', (h: OutputHealth) => this.onHealth(output, h));
    output.on('fatal', (err: Error) => this.onFatal(output, err));
    this.watchEvidence(output, producer.kind);
    const t0 = this.opts.clock.monotonicMs();
    try {
      await output.start(producer, startAt);
      if (this.opts.initialStartLatencyMs !== 0) {
        // Smooth, and bounded so one slow start (a disk spinning up) cannot push the picture far ahead.
        const measured = Math.min(2000, this.opts.clock.monotonicMs() - t0);
        this.startLatencyMs = 0.6 * this.startLatencyMs + 0.4 * measured;
      }
    } catch (err) {
      // Fully on air or failed: nothing of the attempt is left running (start() saw to it).
      this.endEvidence(output, `did not start: ${(err as Error).message}`);
      await producer.stop();
      this.output = null;
      this.producer = null;
      this.producerKey = null;
      this.setStatus('error', `output failed to start: ${(err as Error).message}`);
      return;
    }
    const h = output.getHealth();
    this.setStatus(h.status, h.detail ?? null);
    this.opts.logger.info({ channel: this.channel.number, producer: desired.kind, startMs: this.opts.clock.monotonicMs() - t0 }, `channel ${this.channel.number} on the air (${desired.kind}, ${describeProfile(this.profile)})`);
    this.emit('output', output.output);
    this.stopTicker = this.opts.clock.every(this.opts.tickMs ?? 1000, () => this.topUp());
  }

  /** Cut the running output to a producer for `desired`. The old one airs until the cut lands. */
  private async cutTo(desired: DesiredState, strict: boolean): Promise<void> {
    const output = this.output!;
    const tl = output.getTimeline()!;
    // The new producer starts where the output will be when it is ready.
    const startMs = tl.frameTimeMs(output.frameCursor);
    const producer = this.createProducer(desired.kind, startMs);
    const fail = (why: string) => {
      this.opts.logger.warn({ channel: this.channel.number, kind: desired.kind, why }, 'cut refused; the channel keeps airing what it was');
      if (strict) throw new Error(`channel ${this.channel.number}: ${why}`);
    };
    if (typeof producer === 'string') return fail(producer);
    try {
      const at = await output.cut(producer);
      this.producer = producer;
      this.producerKey = desired.key;
      this.emit('cut', { kind: desired.kind, stationMs: at.stationMs });
      this.emitStatus();
    } catch (err) {
      await producer.stop();
      fail(`the ${desired.kind} producer could not take the air: ${(err as Error).message}`);
    }
  }

  private async stopOutput(): Promise<void> {
    const output = this.output;
    this.stopTicker?.();
    this.stopTicker = null;
    if (!output) {
      // A failure stays visible while viewers are still asking for the channel.
      if (this.status !== 'error' || this.viewers.size === 0) this.setStatus('stopped', null);
      return;
    }
    this.emit('outputEnding');
    output.announceWritten();
    this.endEvidence(output, this.closed ? 'station stopping' : this.viewers.size === 0 ? 'no viewers' : 'restarted');
    this.setStatus('stopping', null);
    this.output = null;
    this.producer = null;
    this.producerKey = null;
    await output.stop();
    this.setStatus('stopped', null);
    this.opts.logger.info({ channel: this.channel.number }, `channel ${this.channel.number} off the air`);
  }

  /** Keep the producer's queue filled ahead from the schedule (never on the tune-in path). */
  private topUp(): void {
    const producer = this.producer;
    if (!producer || !this.output) return;
    const now = this.opts.clock.nowMs();
    if (producer.kind === 'guide') {
      if (now - this.lastGuideUpdate < 20_000) return;
      this.lastGuideUpdate = now;
      (producer as Producer & { update?: (g: GuidePlan) => void }).update?.(this.guidePlan());
      return;
    }
    if (producer.kind !== 'asset' && !(producer.kind === 'emergency' && (this.spec.style ?? 'takeover') === 'crawl')) return;
    const lookahead = this.opts.lookaheadMs ?? 120_000;
    const queued = producer.queuedUntilMs();
    if (queued >= now + lookahead / 2) return;
    const events = this.opts.schedule.playlog(this.channel.number, queued, now + lookahead).filter((e) => e.startMs >= queued);
    if (events.length > 0) producer.enqueue(this.brand(events, segmentsFrom(events, queued), producer.kind === 'asset'));
  }

  /**
   * Start (or replace) the operator's crawl; null ends it. On air, a cut puts it on screen at
   * once; if that cut is refused the channel keeps what it had and this rejects.
   */
  setCrawl(crawl: OperatorCrawl | null): Promise<void> {
    return this.serial(async () => {
      const prev = this.crawl;
      this.crawl = crawl ? { ...crawl } : null;
      try {
        await this.reconcileNow(true);
      } catch (err) {
        this.crawl = prev;
        throw err;
      }
    });
  }

  operatorCrawl(): OperatorCrawl | null {
    return this.crawl ? { ...this.crawl } : null;
  }

  private crawl: OperatorCrawl | null = null;
  private brandingCache: { key: string; branding: Branding | null } | null = null;
  private readonly factsCache = new Map<string, { facts: ProgrammeFacts; atMono: number }>();

  /** The channel's branding, resolved once per stored form (a bad one is logged and left off). */
  private branding(): Branding | null {
    const key = this.identity.branding ?? '';
    if (this.brandingCache?.key !== key) {
      let branding: Branding | null = null;
      try {
        branding = resolveBranding(this.identity.branding, this.opts.defaultLogo ?? null, (msg) => this.opts.logger.warn({ channel: this.channel.number }, `channel ${this.channel.number}: ${msg}`));
      } catch (err) {
        this.opts.logger.error({ channel: this.channel.number, err: (err as Error).message }, `channel ${this.channel.number}: ${(err as Error).message}; airing without branding`);
      }
      this.brandingCache = { key, branding };
    }
    return this.brandingCache.branding;
  }

  /** The plan's segments with the channel's branding and crawls (`crawls`: false under the emergency crawl, which has the foot of the picture). */
  private brand(events: PlaylogEvent[], segments: PlayoutSegment[], crawls: boolean): PlayoutSegment[] {
    const branding = this.branding();
    if (segments.length === 0 || (!branding && !this.crawl)) return segments;
    const from = segments[0]!.startMs;
    const to = segments[segments.length - 1]!.endMs;
    const windows: CrawlWindow[] = crawls
      ? oneCrawlAtATime(
          branding ? crawlWindows(branding.crawls, this.channel.timezone, from, to) : [],
          this.crawl ? { text: this.crawl.text, startMs: this.crawl.sinceMs, endMs: this.crawl.untilMs ?? Number.MAX_SAFE_INTEGER } : null,
        )
      : [];
    const byId = new Map(events.map((e) => [e.id, e]));
    return brandSegments(segments, branding, { timezone: this.channel.timezone, crawls: windows, facts: (seg) => this.programmeFacts(byId.get(seg.eventId)) });
  }

  /** Rating, whether this is the programme's last part, and what is next: read from the schedule, kept per event. */
  private programmeFacts(ev: PlaylogEvent | undefined): ProgrammeFacts | null {
    if (!ev || ev.kind !== 'program') return null;
    // Keyed by what the event is, not only when: a rebuilt schedule reuses ids for new events.
    const key = `${ev.id}:${ev.assetId}:${ev.inPointMs}:${ev.endMs}:${ev.rating ?? ''}`;
    const now = this.opts.clock.monotonicMs();
    const cached = this.factsCache.get(key);
    // Kept a few minutes: what comes next can change when the schedule is rebuilt.
    if (cached && now - cached.atMono < FACTS_TTL_MS) return cached.facts;
    const n = this.channel.number;
    const later = this.opts.schedule.playlog(n, ev.endMs, ev.endMs + FACTS_HORIZON_MS).find((e) => e.kind === 'program' && e.startMs >= ev.endMs);
    const samePart = !!later && later.assetId !== null && later.assetId === ev.assetId && later.inPointMs > ev.inPointMs;
    let next: ProgrammeFacts['next'] = null;
    if (later && !samePart) {
      // The guide's slot names the programme as a listing does (the series, not the episode) and starts on the grid.
      const slot = this.opts.schedule.epg?.(n, later.startMs, later.startMs + 1).find((s) => s.startMs <= later.startMs && s.endMs > later.startMs);
      next = slot ? { title: slot.title, startMs: slot.startMs } : { title: later.title, startMs: later.startMs };
    }
    const facts: ProgrammeFacts = { rating: ev.rating ?? null, lastPart: !samePart, next };
    if (this.factsCache.size > 500) this.factsCache.clear();
    this.factsCache.set(key, { facts, atMono: now });
    return facts;
  }

  private onHealth(output: ChannelOutput, h: OutputHealth): void {
    if (output !== this.output || (this.status !== 'running' && this.status !== 'degraded')) return;
    this.setStatus(h.status, h.detail ?? null);
  }

  /** The output gave up (its encoder restart budget is spent): off air as failed. */
  private onFatal(output: ChannelOutput, err: Error): void {
    if (output !== this.output) return;
    this.opts.logger.error({ channel: this.channel.number, err: err.message }, 'channel output failed');
    void this.serial(async () => {
      if (output !== this.output) return;
      this.stopTicker?.();
      this.stopTicker = null;
      this.output = null;
      this.producer = null;
      this.producerKey = null;
      this.emit('outputEnding');
      output.announceWritten();
      this.endEvidence(output, `failed: ${err.message}`);
      await output.stop();
      this.viewers.clear();
      this.emit('failed', new ChannelFailedError(`Channel ${this.channel.number} failed: ${err.message}`));
      this.setStatus('error', err.message);
    });
  }

  /**
   * Turn the output's on-screen announcements into evidence for the as-run log. The first
   * announcement of a time on air is preceded by 'on-air' at frame 0.
   */
  private watchEvidence(output: ChannelOutput, firstKind: ProducerKind): void {
    let announced = false;
    const mark = (frame: number): AirMark => {
      const st = output.stats();
      // Whole milliseconds: frame labels are fractional (1000/30), times are stored and shown to the ms.
      return { frame, stationMs: Math.round(output.getTimeline()?.frameTimeMs(frame) ?? this.opts.clock.nowMs()), paddedFrames: st.paddedFrames + st.lateFrames };
    };
    const emit = (e: AirEvidence) => {
      if (!announced) {
        announced = true;
        const { fpsNum, fpsDen } = this.profile;
        this.emit('air', { ...mark(0), type: 'on-air', kind: firstKind, detail: this.modeDetail(), fpsNum, fpsDen });
      }
      this.emit('air', e);
    };
    const kindOf = (source: FrameSource): ProducerKind => (source as Producer).kind ?? this.producer?.kind ?? firstKind;
    const n = this.channel.number;
    output.on('segment', (s: SegmentAiring, source: FrameSource) => emit({ ...mark(s.frame), type: 'segment', kind: kindOf(source), eventId: s.eventId, title: s.title }));
    output.on('cut', (r: { frame: number }, source: FrameSource) => emit({ ...mark(r.frame), type: 'cut', kind: kindOf(source), detail: this.modeDetail() }));
    output.on('mediaFault', (f: MediaFault) => {
      this.opts.logger.warn({ channel: n, event: f.eventId, file: f.path, reason: f.reason }, `cannot play ${f.path}; airing the error slate for "${f.title}"`);
      emit({ ...mark(output.frameCursor), type: 'media-fault', eventId: f.eventId, title: f.title, file: f.path, reason: f.reason });
    });
    output.on('decoderRestart', (r: DecoderRestart) => {
      this.opts.logger.warn({ channel: n, event: r.eventId, reason: r.reason }, `the decoder of "${r.title}" died; restarted at the current position`);
      emit({ ...mark(output.frameCursor), type: 'decoder-restart', eventId: r.eventId, title: r.title, reason: r.reason });
    });
    output.on('encoderRestart', (r: { reason: string; attempt: number }) => {
      this.opts.logger.warn({ channel: n, ...r }, 'encoder died; restarting it');
      emit({ ...mark(output.frameCursor), type: 'encoder-restart', reason: r.reason, attempt: r.attempt });
    });
    this.evidenceEnd.set(output, (reason) => {
      if (announced) this.emit('air', { ...mark(output.frameCursor), type: 'off-air', reason });
      announced = false;
    });
  }

  private readonly evidenceEnd = new WeakMap<ChannelOutput, (reason: string) => void>();

  private endEvidence(output: ChannelOutput, reason: string): void {
    this.evidenceEnd.get(output)?.(reason);
    this.evidenceEnd.delete(output);
  }

  /** The mode as the as-run log names it. */
  private modeDetail(): string | null {
    const s = this.spec;
    if (s.mode === 'emergency') return `emergency (${s.style ?? 'takeover'}): ${s.message ?? ''}`;
    if (s.mode === 'maintenance') return 'maintenance';
    if (s.mode === 'guide') return 'guide';
    return null;
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
