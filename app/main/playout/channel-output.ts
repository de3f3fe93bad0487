/**
 * A channel's output, from its first viewer to its last: the output timeline, the pacer
 * and one long-lived encoder (a FrameSink). Producers are FrameSources that feed it; a
 * mode change or a producer swap is a cut at a frame boundary, so the encoder, its
 * timestamps, PCR and continuity counters run on as if nothing happened.
 *
 * Output frame n airs at station time t0 + n/fps and carries exactly its share of audio
 * samples, so A/V sync holds by construction. Frames are written against the clock's
 * monotonic time: `burstMs` ahead at start (a viewer gets a keyframe at once), then
 * `leadMs` ahead. A crashed encoder is restarted (the one case with a discontinuity,
 * which the relay marks) within a budget that refills after a healthy period.
 */
import { EventEmitter } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import type { MasterClock } from '../clock/master-clock.ts';
import { resolveFfmpegBinaries, type FfmpegBinaries } from '../media/ffmpeg-binaries.ts';
import type { OutputProfile } from '../runtime/producer/output-profile.ts';
import type { EncoderArgsOptions } from './encoder-args.ts';
import { EncoderProcess } from './encoder-process.ts';
import { RingLog, type PlayoutLogger } from './ffmpeg-process.ts';
import type { FrameSink, OutputFrame } from './frame-sink.ts';
import type { DecoderRestart, FrameSource, MediaFault, ProcessSpawn, SegmentAiring, SourceContext } from './frame-source.ts';
import { FrameTimeline, blackYuv420pFrame, yuv420pFrameBytes } from './frame-timeline.ts';
import { OutputRelay } from './output-relay.ts';

export interface RestartPolicy {
  /** Encoder restarts allowed before the output fails. */
  attempts: number;
  /** Wait before a restart (ms). */
  delayMs: number;
  /** After this long without a crash, the budget is full again (ms). */
  healthyAfterMs: number;
}

export interface ChannelOutputOptions {
  profile: OutputProfile;
  clock: MasterClock;
  binaries?: FfmpegBinaries;
  /** Receives every process's stderr lines. Default: an in-memory ring (see recentLog()). */
  log?: PlayoutLogger;
  /** How far ahead of real time frames are written once running. */
  leadMs?: number;
  /** How far ahead frames are written at start (the initial burst). */
  burstMs?: number;
  /** How long past a frame's on-screen time to wait for a late source before holding the picture. */
  lateGraceMs?: number;
  /** How long start() waits for the first source's first frame before airing padding. */
  firstFrameTimeoutMs?: number;
  /** How long start() waits for the encoder's first output bytes. */
  startTimeoutMs?: number;
  /**
   * A source ready after its start time: 'join' (default) starts on the frame due now, as a
   * viewer tuning in expects; 'hold' starts on frame 0 and runs late by the difference (every
   * frame shown, as the frame-exact playout tests want).
   */
  lateStart?: 'join' | 'hold';
  /** An encoder that accepts no input for this long is treated as dead. */
  stallTimeoutMs?: number;
  /** How long a cut waits for the new source to be ready before it is refused. */
  cutTimeoutMs?: number;
  /** A cut lands no sooner than this after the next frame to be written (default 0: the first frame the new source can fill). */
  cutPrerollMs?: number;
  encoderPreset?: EncoderArgsOptions['preset'];
  /** Cap on output bytes buffered for a slow reader; beyond it, whole TS packets are dropped. */
  maxOutputBufferBytes?: number;
  restart?: Partial<RestartPolicy>;
  /** Frame sink factory (tests record frames instead of encoding them). */
  createSink?: (ctx: { tsOffsetSeconds: number; onData: (chunk: Buffer) => void }) => FrameSink & { firstBytes: Promise<void>; exited: Promise<unknown>; kill(): Promise<unknown>; pid: number | undefined; describe?(exit: unknown): string };
}

export interface OutputHealth {
  status: 'running' | 'degraded';
  detail?: string;
}

export interface OutputStats {
  framesWritten: number;
  lateFrames: number;
  paddedFrames: number;
  underrunFrames: number;
  decodersSpawned: number;
  decoderRestarts: number;
  encoderRestarts: number;
  cuts: number;
  /** Most processes alive at once. */
  maxProcesses: number;
  outputBytes: number;
  droppedOutputBytes: number;
  discontinuities: number;
  /** Monotonic ms from start() to the encoder's first output bytes. */
  firstBytesMs: number | null;
  /** Frames the start skipped because the source came up after their time (never shown). */
  startSkippedFrames: number;
  /** How far writing is behind real time (ms; negative = ahead). */
  lagMs: number;
}

/** Where a cut landed. */
export interface CutResult {
  frame: number;
  /** Station time of the first frame of the new source. */
  stationMs: number;
}

type Sink = ReturnType<NonNullable<ChannelOutputOptions['createSink']>>;

interface PendingCut {
  source: FrameSource;
  from: number;
  deadline: number;
  resolve: (r: CutResult) => void;
  reject: (e: Error) => void;
}

/** Counters a source may keep (SegmentPlayer does). */
interface CountingSource extends FrameSource {
  counters?: { lateFrames: number; paddedFrames: number; underrunFrames: number; decodersSpawned: number; decoderRestarts: number };
}

/** Resolves the current wait() whenever notify() is called. */
class Notifier {
  private resolvers: (() => void)[] = [];
  wait(): Promise<void> {
    return new Promise((resolve) => this.resolvers.push(resolve));
  }
  notify(): void {
    const r = this.resolvers;
    this.resolvers = [];
    for (const fn of r) fn();
  }
}

export class ChannelOutput extends EventEmitter {
  /** MPEG-TS for the fanout: one stream for the output's whole life, across cuts and encoder restarts. */
  readonly output: Readable;
  private readonly out = new PassThrough({ highWaterMark: 1 << 20 });
  private readonly relay: OutputRelay;
  private readonly profile: OutputProfile;
  private readonly clock: MasterClock;
  private readonly binaries: FfmpegBinaries;
  private readonly log: PlayoutLogger;
  private readonly ring: RingLog | null;
  private readonly opt: Required<Omit<ChannelOutputOptions, 'binaries' | 'log' | 'createSink' | 'restart' | 'encoderPreset' | 'profile' | 'clock' | 'lateStart'>>;
  private readonly policy: RestartPolicy;
  private readonly black: Buffer;
  private readonly silenceBuf: Buffer;
  private timeline: FrameTimeline | null = null;
  private sink: Sink | null = null;
  private source: CountingSource | null = null;
  private pending: PendingCut | null = null;
  private readonly retired = new Set<FrameSource>();
  private nextFrame = 0;
  /** First frame written (more than 0 when the source came up late and the start caught up). */
  private firstFrame = 0;
  private m0 = 0;
  private startedAt = 0;
  private state: 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed' = 'idle';
  private pumpDone: Promise<void> = Promise.resolve();
  private readonly wake = new Notifier();
  private dueEvents: { frame: number; fire: () => void }[] = [];
  private readonly conditions = new Map<string, string>();
  private health: OutputHealth = { status: 'running' };
  private lastVideo: Buffer | null = null;
  private onAir: string | null = null;
  private restartsUsed = 0;
  private lastCrashMono = -Infinity;
  private restarting = false;
  private stopPromise: Promise<void> | null = null;
  private readonly stat = { framesWritten: 0, encoderRestarts: 0, cuts: 0, maxProcesses: 0, firstBytesMs: null as number | null };
  private readonly base = { lateFrames: 0, paddedFrames: 0, underrunFrames: 0, decodersSpawned: 0, decoderRestarts: 0 };

  constructor(private readonly opts: ChannelOutputOptions) {
    super();
    this.profile = opts.profile;
    this.clock = opts.clock;
    this.binaries = opts.binaries ?? resolveFfmpegBinaries();
    this.ring = opts.log ? null : new RingLog(300);
    this.log = opts.log ?? this.ring!.write;
    this.opt = {
      leadMs: opts.leadMs ?? 200,
      burstMs: Math.max(opts.burstMs ?? 500, opts.leadMs ?? 200),
      lateGraceMs: opts.lateGraceMs ?? 250,
      firstFrameTimeoutMs: opts.firstFrameTimeoutMs ?? 4000,
      startTimeoutMs: opts.startTimeoutMs ?? 10_000,
      stallTimeoutMs: opts.stallTimeoutMs ?? 3000,
      // The old producer airs until the new one is ready, so waiting costs nothing on air; a
      // saturated machine can take seconds to start a decoder, and a refused RELEASE is worse.
      cutTimeoutMs: opts.cutTimeoutMs ?? 8000,
      cutPrerollMs: opts.cutPrerollMs ?? 0,
      maxOutputBufferBytes: opts.maxOutputBufferBytes ?? 16 * 1024 * 1024,
    };
    this.policy = { attempts: 3, delayMs: 250, healthyAfterMs: 60_000, ...opts.restart };
    const { width, height, fpsNum, fpsDen, audioChannels, audioSampleRate } = this.profile;
    this.black = blackYuv420pFrame(width, height);
    if (this.black.length !== yuv420pFrameBytes(width, height)) throw new Error('bad frame size');
    const rate = new FrameTimeline(0, { fpsNum, fpsDen, sampleRate: audioSampleRate });
    this.silenceBuf = Buffer.alloc(rate.maxSamplesPerFrame * 2 * audioChannels);
    this.relay = new OutputRelay(this.out, this.opt.maxOutputBufferBytes, (text) => this.log({ source: 'encoder', pid: this.sink?.pid, text }));
    this.output = this.out;
  }

  recentLog(): string[] {
    return this.ring?.recent() ?? [];
  }

  get running(): boolean {
    return this.state === 'running';
  }

  /** The output timeline (null before start). */
  getTimeline(): FrameTimeline | null {
    return this.timeline;
  }

  /** Station time of the frame the encoder stamps with its first PTS (the first frame written). */
  ptsOriginMs(): number | null {
    return this.timeline ? this.timeline.frameTimeMs(this.firstFrame) : null;
  }

  /** The source feeding the output now. */
  currentSource(): FrameSource | null {
    return this.source;
  }

  /** eventId of the segment on screen now (null before start or in an underrun). */
  currentEventId(): string | null {
    return this.onAir;
  }

  /** Index of the next frame to be written. */
  get frameCursor(): number {
    return this.nextFrame;
  }

  getHealth(): OutputHealth {
    return { ...this.health };
  }

  encoderPid(): number | undefined {
    return this.sink?.pid;
  }

  /** Live pids: the encoder and every source's processes. */
  pids(): number[] {
    const pids: number[] = [];
    if (this.sink?.pid !== undefined && this.sink.accepting) pids.push(this.sink.pid);
    for (const s of [this.source, this.pending?.source, ...this.retired]) if (s) pids.push(...s.pids());
    return pids;
  }

  stats(): OutputStats {
    const sum = { ...this.base };
    const counters = this.source?.counters;
    if (counters) for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += counters[k];
    const lagMs = this.state === 'running' ? this.clock.monotonicMs() - this.frameDue(this.nextFrame) : 0;
    return { ...this.stat, ...sum, ...this.relay.stats, lagMs, startSkippedFrames: this.firstFrame };
  }

  /**
   * Start output so that frame 0 is what `source` puts out at `stationTimeMs`. Resolves
   * when the encoder emits its first bytes; on failure everything is ended first.
   */
  async start(source: FrameSource, stationTimeMs: number): Promise<void> {
    if (this.state !== 'idle') throw new Error(`output cannot start from state ${this.state}`);
    this.state = 'starting';
    this.startedAt = this.clock.monotonicMs();
    const { fpsNum, fpsDen, audioSampleRate } = this.profile;
    this.timeline = new FrameTimeline(stationTimeMs, { fpsNum, fpsDen, sampleRate: audioSampleRate });
    try {
      const sink = this.spawnSink(0);
      this.source = source;
      source.attach(this.context(source), 0);
      this.countProcesses();
      await this.waitReady(source, 0, this.opt.firstFrameTimeoutMs, () => this.state !== 'starting' || !sink.accepting);
      if (this.state !== 'starting') throw new Error('stopped while starting');
      const failure = source.failure();
      if (failure) throw new Error(failure);
      if (!sink.accepting) await sink.firstBytes;
      const first = await this.catchUp(source, () => this.state !== 'starting' || !sink.accepting);
      if (this.state !== 'starting') throw new Error('stopped while starting');
      this.firstFrame = this.nextFrame = first;
      // Frame n is due on screen when station time reads its label: if the output came up
      // sooner than its start time, the surplus becomes the viewer's buffer, not an offset.
      this.m0 = this.clock.monotonicMs() + Math.max(stationTimeMs - this.clock.nowMs(), -this.timeline.frameOffsetMs(first));
      this.state = 'running';
      this.pumpDone = this.pump().catch((err: unknown) => this.fail(err instanceof Error ? err : new Error(String(err))));
      await Promise.race([
        sink.firstBytes,
        this.clock.sleep(this.opt.startTimeoutMs).then(() => {
          throw new Error(`encoder produced no output within ${this.opt.startTimeoutMs} ms`);
        }),
      ]);
      this.stat.firstBytesMs ??= this.clock.monotonicMs() - this.startedAt;
    } catch (err) {
      await this.shutdown();
      this.state = 'failed';
      throw err;
    }
  }

  /**
   * Put `source` on air at the next frame it can fill. The current source keeps airing
   * until then, so the cut is clean; if the new source fails or is not ready in time,
   * the cut is refused (rejects) and the output carries on as it was.
   */
  cut(source: FrameSource): Promise<CutResult> {
    if (this.state !== 'running') return Promise.reject(new Error(`output is not running (${this.state})`));
    const tl = this.timeline!;
    const from = this.nextFrame + Math.ceil((this.opt.cutPrerollMs * tl.fpsNum) / (1000 * tl.fpsDen));
    this.pending?.reject(new Error('superseded by a newer cut'));
    if (this.pending) this.retire(this.pending.source);
    return new Promise<CutResult>((resolve, reject) => {
      this.pending = { source, from, deadline: this.clock.monotonicMs() + this.opt.cutTimeoutMs, resolve, reject };
      try {
        source.attach(this.context(source), from);
      } catch (err) {
        this.pending = null;
        this.retire(source);
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      this.countProcesses();
      this.wake.notify();
    });
  }

  /**
   * Announce now what the frames already written will show (segments, cuts), without waiting
   * for their on-screen time: called just before the output stops, so nothing it carried goes
   * unannounced (viewers receive those frames; the as-run log must list them).
   */
  announceWritten(): void {
    while (this.dueEvents.length && this.dueEvents[0]!.frame < this.nextFrame) this.dueEvents.shift()!.fire();
  }

  /** Stop output and end every owned process. Idempotent. */
  stop(): Promise<void> {
    this.stopPromise ??= this.shutdown().then(() => {
      if (this.state !== 'failed') this.state = 'stopped';
    });
    return this.stopPromise;
  }

  // ---------------------------------------------------------------- internals

  /** Each source gets its own context, so what it announces names it (a cut's two sources overlap). */
  private context(source: FrameSource): SourceContext {
    return {
      profile: this.profile,
      timeline: this.timeline!,
      clock: this.clock,
      binaries: this.binaries,
      log: this.log,
      frameDue: (n) => this.frameDue(n),
      wake: () => this.wake.notify(),
      atFrame: (n, fire) => this.atFrame(n, fire),
      condition: (key, detail, n) => this.atFrame(n, () => this.setCondition(key, detail)),
      spawned: (p) => {
        this.countProcesses();
        this.emit('spawn', p satisfies ProcessSpawn);
      },
      segment: (s) => this.atFrame(s.frame, () => {
        this.onAir = s.eventId;
        this.emit('segment', s satisfies SegmentAiring, source);
      }),
      mediaFault: (f) => this.emit('mediaFault', f satisfies MediaFault, source),
      decoderRestarted: (r) => this.emit('decoderRestart', r satisfies DecoderRestart, source),
      lastVideo: () => this.lastVideo,
      black: this.black,
      silence: (n) => this.silenceBuf.subarray(0, this.timeline!.samplesForFrame(n) * 2 * this.profile.audioChannels),
    };
  }

  private spawnSink(firstFrame: number): Sink {
    // Encoder timestamps count from the first frame written (see ptsOriginMs).
    const tl = this.timeline!;
    const tsOffsetSeconds = (tl.frameOffsetMs(firstFrame) - tl.frameOffsetMs(this.firstFrame)) / 1000;
    const onData = (chunk: Buffer) => {
      if (this.stat.firstBytesMs === null) this.stat.firstBytesMs = this.clock.monotonicMs() - this.startedAt;
      this.relay.push(chunk);
    };
    const sink: Sink = this.opts.createSink
      ? this.opts.createSink({ tsOffsetSeconds, onData })
      : new EncoderProcess({ binary: this.binaries.ffmpeg, profile: this.profile, clock: this.clock, log: this.log, preset: this.opts.encoderPreset, tsOffsetSeconds, stallTimeoutMs: this.opt.stallTimeoutMs, onData });
    this.sink = sink;
    this.emit('spawn', { role: 'encoder', pid: sink.pid } satisfies ProcessSpawn);
    void sink.exited.then((exit) => this.onSinkExit(sink, exit));
    return sink;
  }

  /** The encoder died: restart it within the budget, or fail the output. */
  private onSinkExit(sink: Sink, exit: unknown): void {
    this.wake.notify();
    if (sink !== this.sink || this.state !== 'running') return;
    const why = sink.describe ? sink.describe(exit) : 'encoder ended';
    const now = this.clock.monotonicMs();
    if (now - this.lastCrashMono > this.policy.healthyAfterMs) this.restartsUsed = 0;
    this.lastCrashMono = now;
    if (this.restartsUsed >= this.policy.attempts) {
      this.fail(new Error(`${why} (restarted ${this.restartsUsed} times; giving up)`));
      return;
    }
    this.restartsUsed++;
    this.stat.encoderRestarts++;
    this.restarting = true;
    this.setCondition('encoder', `${why}; restarting the encoder (${this.restartsUsed} of ${this.policy.attempts})`);
    this.emit('encoderRestart', { reason: why, attempt: this.restartsUsed });
    void this.clock.sleep(this.policy.delayMs).then(() => {
      if (this.state !== 'running') return;
      // Frames keep their numbers: the new encoder's timestamps start where the timeline is.
      const next = this.spawnSink(this.nextFrame);
      this.relay.markDiscontinuity();
      this.restarting = false;
      this.countProcesses();
      next.firstBytes.then(
        () => {
          // Healthy again once it has run a while without crashing.
          void this.clock.sleep(this.policy.healthyAfterMs).then(() => {
            if (this.sink === next && next.accepting) this.setCondition('encoder', null);
          });
        },
        // One that dies before its first bytes is handled by its exit (the next restart or the end).
        () => {},
      );
    });
  }

  private countProcesses(): void {
    this.stat.maxProcesses = Math.max(this.stat.maxProcesses, this.pids().length);
  }

  /**
   * The frame to start on. A source that came up after its start time (a busy machine, a slow
   * disk) would put the whole output behind the schedule by that much, for as long as it airs;
   * instead the start skips to the frame due now, so the viewer joins what is on. Skipping
   * costs the decoder a little work, so it is chased a few times; what is left is under a frame
   * or two and becomes part of the output's lag.
   */
  private async catchUp(source: FrameSource, abort: () => boolean): Promise<number> {
    const tl = this.timeline!;
    let first = 0;
    // A source that never became ready starts on frame 0 with padding, as it did before.
    if (this.opts.lateStart === 'hold' || !source.ready(0)) return first;
    // The chase is bounded, so a decoder slower than real time cannot hold the start.
    const until = this.clock.monotonicMs() + Math.min(2000, this.opt.firstFrameTimeoutMs);
    for (let i = 0; i < 4; i++) {
      const due = tl.frameIndexAt(this.clock.nowMs());
      const left = until - this.clock.monotonicMs();
      if (due - first < 2 || left <= 0) break;
      first = due;
      await this.waitReady(source, first, left, abort);
      if (abort()) break;
      const failure = source.failure();
      if (failure) throw new Error(failure);
      if (!source.ready(first)) break;
    }
    if (first > 0) this.log({ source: 'output', pid: undefined, text: `source ready ${Math.round(tl.frameOffsetMs(first))} ms after its start time: starting on frame ${first}, the one due now` });
    return first;
  }

  private async waitReady(source: FrameSource, n: number, timeoutMs: number, abort: () => boolean): Promise<void> {
    let timedOut = false;
    const timer = this.clock.sleep(timeoutMs).then(() => {
      timedOut = true;
    });
    for (;;) {
      if (abort() || timedOut || source.failure() || source.ready(n)) return;
      await Promise.race([this.wake.wait(), timer]);
    }
  }

  private frameDue(n: number): number {
    return this.m0 + this.timeline!.frameOffsetMs(n);
  }

  private leadFor(n: number): number {
    // While a cut waits for its source, frames are written only as they fall due: each one
    // written ahead is one more the new source cannot replace, and an alert must not wait
    // behind the pacer's lead. The lead is written again once the cut lands.
    if (this.pending) return 0;
    const tl = this.timeline!;
    return tl.frameOffsetMs(n) - tl.frameOffsetMs(this.firstFrame) < this.opt.burstMs ? this.opt.burstMs : this.opt.leadMs;
  }

  private async pump(): Promise<void> {
    while (this.state === 'running') {
      const n = this.nextFrame;
      const now = this.clock.monotonicMs();
      this.fireDue(now);
      const writeAt = this.frameDue(n) - this.leadFor(n);
      if (now < writeAt) {
        await Promise.race([this.clock.sleep(writeAt - now), this.wake.wait()]);
        continue;
      }
      this.settleCut(n, now);
      const source = this.source!;
      source.prepare(n, now);
      this.pending?.source.prepare(n, now);
      const deadline = this.frameDue(n) + this.opt.lateGraceMs;
      const frame = source.frame(n, now >= deadline);
      if (!frame) {
        await Promise.race([this.clock.sleep(Math.max(1, deadline - now)), this.wake.wait()]);
        continue;
      }
      await this.write(n, frame);
      if (this.state !== 'running') break;
      this.lastVideo = frame.video;
      this.nextFrame = n + 1;
      this.stat.framesWritten++;
      this.fireDue(this.clock.monotonicMs());
    }
  }

  /** Land a pending cut on frame n if its source can fill it; refuse it if it failed or timed out. */
  private settleCut(n: number, now: number): void {
    const p = this.pending;
    if (!p) return;
    const failure = p.source.failure();
    if (failure || now > p.deadline) {
      this.pending = null;
      this.retire(p.source);
      const waiting = failure ? '' : p.source.waitingFor?.(n);
      p.reject(new Error(failure ?? `the new source was not ready within ${this.opt.cutTimeoutMs} ms${waiting ? ` (frame ${n}: ${waiting})` : ''}`));
      return;
    }
    if (n < p.from || !p.source.ready(n)) return;
    this.pending = null;
    if (this.source) this.retire(this.source);
    this.source = p.source;
    this.stat.cuts++;
    const result = { frame: n, stationMs: this.timeline!.frameTimeMs(n) };
    const source = p.source;
    this.atFrame(n, () => this.emit('cut', result, source));
    p.resolve(result);
  }

  private retire(source: FrameSource): void {
    this.retired.add(source);
    // A source that aired keeps counting in the output's totals.
    const counters = (source as CountingSource).counters;
    if (counters && source === this.source) for (const k of Object.keys(this.base) as (keyof typeof this.base)[]) this.base[k] += counters[k];
    void source.stop().then(() => this.retired.delete(source));
  }

  private async write(n: number, frame: OutputFrame): Promise<void> {
    const sink = this.sink;
    // While the encoder restarts, frames are counted but go nowhere: the timeline keeps wall-clock time.
    if (!sink || this.restarting || !sink.accepting) return;
    await sink.write(n, frame);
  }

  private atFrame(n: number, fire: () => void): void {
    if (this.state !== 'running' && this.state !== 'starting') return;
    // Kept in frame order, so announcements fire in the order viewers see them.
    let i = this.dueEvents.length;
    while (i > 0 && this.dueEvents[i - 1]!.frame > n) i--;
    this.dueEvents.splice(i, 0, { frame: n, fire });
    if (this.state === 'running') this.fireDue(this.clock.monotonicMs());
  }

  private fireDue(now: number): void {
    while (this.dueEvents.length && this.frameDue(this.dueEvents[0]!.frame) <= now) this.dueEvents.shift()!.fire();
  }

  /** Health is the set of active conditions: degraded while any is raised, never overwritten by a fresh start. */
  private setCondition(key: string, detail: string | null): void {
    if (detail === null) this.conditions.delete(key);
    else this.conditions.set(key, detail);
    const details = [...this.conditions.values()];
    const next: OutputHealth = details.length ? { status: 'degraded', detail: details.join('; ') } : { status: 'running' };
    if (next.status === this.health.status && next.detail === this.health.detail) return;
    this.health = next;
    this.emit('health', { ...next });
  }

  private fail(err: Error): void {
    if (this.state === 'stopping' || this.state === 'stopped' || this.state === 'failed') return;
    this.state = 'failed';
    this.wake.notify();
    this.emit('fatal', err);
    void this.shutdown();
  }

  private async shutdown(): Promise<void> {
    if (this.state !== 'failed') this.state = 'stopping';
    this.wake.notify();
    this.pending?.reject(new Error('output stopped'));
    const sources = [this.source, this.pending?.source, ...this.retired].filter((s): s is FrameSource => !!s);
    this.pending = null;
    await Promise.all([...sources.map((s) => s.stop()), this.sink?.kill()]);
    await this.pumpDone;
    // The pump may have started a decoder while we waited: end those too.
    for (const s of sources) await s.stop();
    this.relay.end();
  }
}
