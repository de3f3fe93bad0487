/**
 * The playout engine of one channel: one long-lived encoder fed raw frames and
 * samples, disposable decoders per segment, and a pacer that owns the timeline.
 *
 * Output frame n airs at station time t0 + n/fps. A segment [startMs, endMs) gets
 * exactly the frames whose index falls between its rounded boundaries, and every
 * frame carries exactly its share of audio samples. Decoders that deliver too little
 * are padded (freeze/black, silence), too much is trimmed, so every segment lands
 * on its exact length and A/V sync holds by construction.
 *
 * Frames are written against clock.monotonicMs(), `leadMs` ahead of real time (an
 * initial burst, so a viewer gets a keyframe at once). A decoder that is late past
 * a frame's real-time deadline gets that frame padded and its own late frame
 * dropped, so the channel keeps wall-clock time.
 */
import { EventEmitter } from 'node:events';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import type { MasterClock } from '../clock/master-clock.ts';
import { resolveFfmpegBinaries, type FfmpegBinaries } from '../media/ffmpeg-binaries.ts';
import type { PlayoutSegment } from '../runtime/producer/producer.ts';
import type { OutputProfile } from '../runtime/producer/output-profile.ts';
import { buildDecoderArgs, buildSlateArgs } from './decoder-args.ts';
import { buildEncoderArgs, type EncoderArgsOptions } from './encoder-args.ts';
import { OwnedProcess, RingLog, describeExit, type PlayoutLogger } from './ffmpeg-process.ts';
import { FrameTimeline, blackYuv420pFrame, yuv420pFrameBytes } from './frame-timeline.ts';
import { SegmentDecoder } from './segment-decoder.ts';
import { findCaptionFont } from './caption-font.ts';

export interface PlayoutEngineOptions {
  profile: OutputProfile;
  clock: MasterClock;
  binaries?: FfmpegBinaries;
  /** Receives every process's stderr lines. Default: an in-memory ring (see recentLog()). */
  log?: PlayoutLogger;
  /** How far ahead of real time frames are written; also the initial burst. */
  leadMs?: number;
  /** Before a boundary, let the current decoder finish and start the next one this early. */
  prerollMs?: number;
  /** Start the next decoder at this distance from the boundary even if the current one still runs (3 processes). */
  minPrerollMs?: number;
  /** Decoder buffer high-water mark in frames. */
  bufferFrames?: number;
  /**
   * How long past a frame's on-screen time to wait for a late decoder before holding
   * the picture instead (viewers' players buffer at least this much).
   */
  lateGraceMs?: number;
  /** How long start() waits for the first decoder's first frame before airing padding instead. */
  firstFrameTimeoutMs?: number;
  /** How long start() waits for the encoder's first output bytes. */
  startTimeoutMs?: number;
  /** An encoder that accepts no input for this long is treated as dead. */
  stallTimeoutMs?: number;
  encoderPreset?: EncoderArgsOptions['preset'];
  /** Font for slate captions; null draws slates without text. Default: a system font if present. */
  fontFile?: string | null;
  /** Cap on output bytes buffered for a slow reader; beyond it, output is dropped (whole TS packets). */
  maxOutputBufferBytes?: number;
  /** Stream to write MPEG-TS into (lets an owner hand out `output` before start). Ended on stop. */
  output?: PassThrough;
}

export interface EngineHealth {
  status: 'running' | 'degraded';
  detail?: string;
}

export interface SegmentAiring {
  eventId: string;
  title: string;
  /** Output frame index at which the segment starts airing. */
  frame: number;
}

/** Emitted as 'spawn' for every process the engine starts. */
export interface ProcessSpawn {
  role: 'encoder' | 'decoder' | 'slate';
  pid: number | undefined;
  /** The segment a decoder serves. */
  eventId?: string;
}

export interface EngineStats {
  framesWritten: number;
  /** Frames padded because a decoder was late (dropped from its stream afterwards). */
  lateFrames: number;
  /** Frames aired as black/freeze because a source was missing, failed or short. */
  paddedFrames: number;
  /** Frames aired with no segment queued. */
  underrunFrames: number;
  decodersSpawned: number;
  /** Most processes this engine had alive at once. */
  maxProcesses: number;
  outputBytes: number;
  droppedOutputBytes: number;
  /** Monotonic ms from start() to the encoder's first output bytes. */
  firstBytesMs: number | null;
  /** How far writing is behind real time (ms; negative = ahead by up to leadMs). Grows if the box cannot keep up. */
  lagMs: number;
}

interface Slot {
  seg: PlayoutSegment;
  first: number;
  end: number;
  decoder: SegmentDecoder | null;
  decoderStarted: boolean;
  /** Why this slot airs padding (missing/failed source). */
  failure: string | null;
  failureReported: boolean;
  lastFrame: Buffer | null;
  /** Frames padded because the decoder was late. */
  lateFrames: number;
  aired: boolean;
}

const TS_PACKET = 188;

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

export class PlayoutEngine extends EventEmitter {
  readonly output: Readable;
  private readonly out: PassThrough;
  private readonly profile: OutputProfile;
  private readonly clock: MasterClock;
  private readonly binaries: FfmpegBinaries;
  private readonly log: PlayoutLogger;
  private readonly ring: RingLog | null;
  private readonly encoderTail: string[] = [];
  private readonly leadMs: number;
  private readonly prerollMs: number;
  private readonly minPrerollMs: number;
  private readonly bufferFrames: number;
  private readonly lateGraceMs: number;
  private readonly firstFrameTimeoutMs: number;
  private readonly startTimeoutMs: number;
  private readonly stallTimeoutMs: number;
  private readonly encoderPreset: EncoderArgsOptions['preset'];
  private readonly fontFile: string | null;
  private readonly maxOutputBufferBytes: number;

  private readonly frameBytes: number;
  /** Late frames in one slot after which health goes degraded (one second's worth). */
  private readonly lateAlarmFrames: number;
  private readonly black: Buffer;
  private readonly silence: Buffer;
  private readonly bytesPerSample: number;
  private timeline: FrameTimeline | null = null;

  private encoder: OwnedProcess | null = null;
  private videoSink: Writable | null = null;
  private audioSink: Writable | null = null;
  private slots: Slot[] = [];
  private queuedUntil = 0;
  private nextFrame = 0;
  private m0 = 0;
  private startedAt = 0;
  private state: 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed' = 'idle';
  private pumpDone: Promise<void> = Promise.resolve();
  private readonly wake = new Notifier();
  private health: EngineHealth = { status: 'running' };
  private airing: Slot | null = null;
  /**
   * Frames are written leadMs ahead of the screen; what viewers see (segment changes,
   * health) is announced when the frame concerned is due on screen.
   */
  private dueEvents: { frame: number; fire: () => void }[] = [];
  private onAir: string | null = null;
  /** The last picture written, held over a late start of the next segment. */
  private lastVideo: Buffer | null = null;
  private underrun = false;
  private outPos = 0;
  private dropping = false;
  private stopPromise: Promise<void> | null = null;
  private readonly dying = new Set<SegmentDecoder>();
  private readonly stat: EngineStats = {
    framesWritten: 0,
    lateFrames: 0,
    paddedFrames: 0,
    underrunFrames: 0,
    decodersSpawned: 0,
    maxProcesses: 0,
    outputBytes: 0,
    droppedOutputBytes: 0,
    firstBytesMs: null,
    lagMs: 0,
  };

  constructor(opts: PlayoutEngineOptions) {
    super();
    this.profile = opts.profile;
    this.clock = opts.clock;
    this.binaries = opts.binaries ?? resolveFfmpegBinaries();
    this.ring = opts.log ? null : new RingLog(300);
    const sink = opts.log ?? this.ring!.write;
    this.log = (line) => {
      if (line.source === 'encoder') {
        this.encoderTail.push(line.text);
        if (this.encoderTail.length > 4) this.encoderTail.shift();
      }
      sink(line);
    };
    this.leadMs = opts.leadMs ?? 500;
    this.prerollMs = opts.prerollMs ?? 1500;
    this.minPrerollMs = Math.min(opts.minPrerollMs ?? 600, this.prerollMs);
    this.firstFrameTimeoutMs = opts.firstFrameTimeoutMs ?? 4000;
    this.lateGraceMs = opts.lateGraceMs ?? 250;
    this.startTimeoutMs = opts.startTimeoutMs ?? 10_000;
    this.stallTimeoutMs = opts.stallTimeoutMs ?? 3000;
    this.encoderPreset = opts.encoderPreset;
    this.fontFile = opts.fontFile === undefined ? findCaptionFont() : opts.fontFile;
    this.maxOutputBufferBytes = opts.maxOutputBufferBytes ?? 16 * 1024 * 1024;
    const { width, height, fpsNum, fpsDen, audioChannels } = this.profile;
    const leadFrames = Math.ceil((this.leadMs * fpsNum) / (1000 * fpsDen));
    this.bufferFrames = Math.max(opts.bufferFrames ?? 12, leadFrames + 2);
    this.frameBytes = yuv420pFrameBytes(width, height);
    this.lateAlarmFrames = Math.max(1, Math.round(fpsNum / fpsDen));
    this.black = blackYuv420pFrame(width, height);
    this.bytesPerSample = 2 * audioChannels;
    const rate: FrameTimeline = new FrameTimeline(0, {
      fpsNum,
      fpsDen,
      sampleRate: this.profile.audioSampleRate,
    });
    this.silence = Buffer.alloc(rate.maxSamplesPerFrame * this.bytesPerSample);
    this.out = opts.output ?? new PassThrough({ highWaterMark: 1 << 20 });
    this.output = this.out;
  }

  /** Recent stderr lines when no logger was given. */
  recentLog(): string[] {
    return this.ring?.recent() ?? [];
  }

  stats(): EngineStats {
    const lagMs = this.state === 'running' ? this.clock.monotonicMs() - this.frameDue(this.nextFrame) : 0;
    return { ...this.stat, lagMs };
  }

  getHealth(): EngineHealth {
    return { ...this.health };
  }

  /** eventId of the segment on screen now; null before start or in an underrun. */
  currentEventId(): string | null {
    return this.onAir;
  }

  queuedUntilMs(): number {
    return this.queuedUntil;
  }

  /** Live pids: the encoder and any running decoders. */
  pids(): number[] {
    const pids: number[] = [];
    if (this.encoder?.alive && this.encoder.pid !== undefined) pids.push(this.encoder.pid);
    for (const s of this.slots) if (s.decoder?.alive && s.decoder.pid !== undefined) pids.push(s.decoder.pid);
    for (const d of this.dying) if (d.alive && d.pid !== undefined) pids.push(d.pid);
    return pids;
  }

  /** Pid of the decoder serving the segment on air, if it is still running. */
  currentDecoderPid(): number | undefined {
    const d = this.airing?.decoder;
    return d?.alive ? d.pid : undefined;
  }

  /**
   * Start output so frame 0 is what `segments` put on air at `stationTimeMs`.
   * Resolves when the encoder emits its first bytes; on failure every process is
   * ended before the promise rejects.
   */
  async start(segments: PlayoutSegment[], stationTimeMs: number): Promise<void> {
    if (this.state !== 'idle') throw new Error(`engine cannot start from state ${this.state}`);
    this.state = 'starting';
    this.startedAt = this.clock.monotonicMs();
    const { fpsNum, fpsDen, audioSampleRate } = this.profile;
    this.timeline = new FrameTimeline(stationTimeMs, { fpsNum, fpsDen, sampleRate: audioSampleRate });
    try {
      if (segments.length === 0) throw new Error('no segments to play');
      const first = segments[0]!;
      if (!(first.startMs <= stationTimeMs && stationTimeMs < first.endMs)) {
        throw new Error(`first segment ${first.eventId} [${first.startMs}, ${first.endMs}) does not cover start time ${stationTimeMs}`);
      }
      this.appendSlots(segments);
      const firstBytes = this.spawnEncoder();
      // The first decoder starts alongside the encoder so their start-up overlaps.
      const head = this.slots[0];
      if (head) this.startDecoder(head);
      await this.waitFirstFrame(head);
      if (this.state !== 'starting') throw new Error('stopped while starting');
      // An encoder that died while we waited: surface its exit reason.
      if (!this.encoder?.alive) await firstBytes;
      this.m0 = this.clock.monotonicMs();
      this.state = 'running';
      this.pumpDone = this.pump().catch(async (err: unknown) => {
        // A closed input means the encoder is going: let its exit (status and last lines) be the reason reported.
        const encoder = this.encoder;
        if (encoder && err instanceof Error && err.message === 'encoder input closed') await Promise.race([encoder.exited, this.clock.sleep(1000)]);
        this.fail(err instanceof Error ? err : new Error(String(err)));
      });
      await firstBytes;
      this.stat.firstBytesMs = this.stat.firstBytesMs ?? this.clock.monotonicMs() - this.startedAt;
    } catch (err) {
      await this.shutdown();
      this.state = 'failed';
      throw err;
    }
  }

  /** Append contiguous segments. Overlaps are trimmed; gaps air black (and report an underrun). */
  enqueue(segments: PlayoutSegment[]): void {
    if (this.state === 'stopping' || this.state === 'stopped' || this.state === 'failed') return;
    this.appendSlots(segments);
    this.wake.notify();
  }

  /** Stop output and end every owned process. Idempotent; resolves once all have exited. */
  stop(): Promise<void> {
    this.stopPromise ??= this.shutdown().then(() => {
      if (this.state !== 'failed') this.state = 'stopped';
    });
    return this.stopPromise;
  }

  // ---------------------------------------------------------------- internals

  private appendSlots(segments: PlayoutSegment[]): void {
    const tl = this.timeline!;
    for (const seg of segments) {
      if (!(seg.endMs > seg.startMs)) continue;
      const range = tl.segmentFrames(seg.startMs, seg.endMs);
      const prevEnd = this.slots.length ? this.slots[this.slots.length - 1]!.end : this.nextFrame;
      const first = Math.max(range.first, prevEnd, this.nextFrame);
      if (range.end <= first) continue;
      this.slots.push({
        seg,
        first,
        end: range.end,
        decoder: null,
        decoderStarted: false,
        failure: null,
        failureReported: false,
        lastFrame: null,
        lateFrames: 0,
        aired: false,
      });
      this.queuedUntil = Math.max(this.queuedUntil, seg.endMs);
    }
  }

  private spawnEncoder(): Promise<void> {
    const args = buildEncoderArgs(this.profile, { preset: this.encoderPreset });
    const enc = new OwnedProcess(this.binaries.ffmpeg, args, {
      source: 'encoder',
      log: this.log,
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    });
    this.encoder = enc;
    this.emit('spawn', { role: 'encoder', pid: enc.pid } satisfies ProcessSpawn);
    this.videoSink = enc.stream(0) as Writable | null;
    this.audioSink = enc.stream(3) as Writable | null;
    this.countProcesses();
    const stdout = enc.stream(1) as Readable | null;
    let resolveFirst!: () => void;
    let rejectFirst!: (e: Error) => void;
    const first = new Promise<void>((res, rej) => {
      resolveFirst = res;
      rejectFirst = rej;
    });
    // Do not let an unobserved rejection escape if start() already failed elsewhere.
    first.catch(() => {});
    stdout?.on('data', (chunk: Buffer) => {
      if (this.stat.firstBytesMs === null) this.stat.firstBytesMs = this.clock.monotonicMs() - this.startedAt;
      resolveFirst();
      this.forwardOutput(chunk);
    });
    void enc.exited.then((exit) => {
      const err = new Error(`encoder ended (${describeExit(exit)})${this.lastLines()}`);
      rejectFirst(err);
      this.wake.notify();
      if (this.state === 'running') this.fail(err);
    });
    void this.clock.sleep(this.startTimeoutMs).then(() =>
      rejectFirst(new Error(`encoder produced no output within ${this.startTimeoutMs} ms`)),
    );
    return first;
  }

  /** The encoder's last stderr lines, for error details. */
  private lastLines(): string {
    return this.encoderTail.length ? `: ${this.encoderTail.slice(-2).join(' | ')}` : '';
  }

  /** Relay encoder bytes; a reader that stops reading loses whole TS packets rather than stalling the channel. */
  private forwardOutput(chunk: Buffer): void {
    const start = this.outPos;
    this.outPos += chunk.length;
    this.stat.outputBytes += chunk.length;
    if (this.out.destroyed || this.out.writableEnded) return;
    const backlog = this.out.writableLength + this.out.readableLength;
    if (!this.dropping && backlog > this.maxOutputBufferBytes) {
      this.dropping = true;
      this.log({ source: 'encoder', pid: this.encoder?.pid, text: `output reader is not keeping up (${backlog} bytes queued); dropping` });
    }
    if (this.dropping) {
      if (backlog > this.maxOutputBufferBytes / 2) {
        this.stat.droppedOutputBytes += chunk.length;
        return;
      }
      // Resume on a TS packet boundary so the stream stays parseable.
      const skip = (TS_PACKET - (start % TS_PACKET)) % TS_PACKET;
      if (skip >= chunk.length) {
        this.stat.droppedOutputBytes += chunk.length;
        return;
      }
      this.dropping = false;
      this.stat.droppedOutputBytes += skip;
      this.out.write(chunk.subarray(skip));
      return;
    }
    this.out.write(chunk);
  }

  private startDecoder(slot: Slot): void {
    if (slot.decoderStarted || (this.state !== 'starting' && this.state !== 'running')) return;
    slot.decoderStarted = true;
    const tl = this.timeline!;
    const src = slot.seg.source;
    const frames = slot.end - slot.first;
    const common = {
      frameBytes: this.frameBytes,
      audioBytesPerFrame: Math.round((this.profile.audioSampleRate * this.profile.fpsDen * this.bytesPerSample) / this.profile.fpsNum),
      highWaterFrames: this.bufferFrames,
      eventId: slot.seg.eventId,
      log: this.log,
      onActivity: () => this.wake.notify(),
    };
    if (src.type === 'black') return;
    if (src.type === 'slate') {
      slot.decoder = new SegmentDecoder({
        ...common,
        binary: this.binaries.ffmpeg,
        args: buildSlateArgs(this.profile, { caption: src.caption, fontFile: this.fontFile ?? undefined }),
        video: true,
        audio: false,
        source: 'slate',
      });
    } else {
      if (!src.hasVideo && !src.hasAudio) return;
      // The file position of this slot's first frame: joining mid-segment seeks further in.
      const seekMs = src.inPointMs + (tl.frameTimeMs(slot.first) - slot.seg.startMs);
      slot.decoder = new SegmentDecoder({
        ...common,
        binary: this.binaries.ffmpeg,
        args: buildDecoderArgs(this.profile, {
          path: src.path,
          seekMs,
          frames,
          samples: tl.samplesBetween(slot.first, slot.end),
          video: src.hasVideo,
          audio: src.hasAudio,
        }),
        video: src.hasVideo,
        audio: src.hasAudio,
        source: 'decoder',
      });
    }
    this.stat.decodersSpawned++;
    this.countProcesses();
    this.emit('spawn', { role: src.type === 'slate' ? 'slate' : 'decoder', pid: slot.decoder.pid, eventId: slot.seg.eventId } satisfies ProcessSpawn);
  }

  private countProcesses(): void {
    this.stat.maxProcesses = Math.max(this.stat.maxProcesses, this.pids().length);
  }

  private async waitFirstFrame(slot: Slot | undefined): Promise<void> {
    const d = slot?.decoder;
    if (!d) return;
    const deadline = this.clock.monotonicMs() + this.firstFrameTimeoutMs;
    let timedOut = false;
    const timer = this.clock.sleep(this.firstFrameTimeoutMs).then(() => {
      timedOut = true;
    });
    for (;;) {
      if (this.state !== 'starting' || timedOut || this.clock.monotonicMs() >= deadline || !this.encoder?.alive) return;
      // Ready with data in hand, or once the process has exited (so a failure is known at frame 0).
      const videoReady = !d.hasVideo || d.framesAvailable() > 0;
      const audioReady = !d.hasAudio || d.audioAvailable() > 0;
      if ((videoReady && audioReady) || d.done) return;
      await Promise.race([this.wake.wait(), timer]);
    }
  }

  /** Real-time monotonic instant at which frame n is on screen. */
  private frameDue(n: number): number {
    return this.m0 + this.timeline!.frameOffsetMs(n);
  }

  private async pump(): Promise<void> {
    while (this.state === 'running') {
      const n = this.nextFrame;
      const now = this.clock.monotonicMs();
      this.fireDue(now);
      const writeAt = this.frameDue(n) - this.leadMs;
      if (now < writeAt) {
        await Promise.race([this.clock.sleep(writeAt - now), this.wake.wait()]);
        continue;
      }
      this.retireSlots(n);
      const slot = this.slotFor(n);
      this.manageDecoders(slot, now);
      const deadline = this.frameDue(n) + this.lateGraceMs;
      const late = now >= deadline;
      const frame = slot ? this.composeFrame(slot, n, late) : this.underrunFrame(n);
      if (!frame) {
        // Decoder not ready: wait for data, or until the frame's deadline.
        await Promise.race([this.clock.sleep(Math.max(1, deadline - now)), this.wake.wait()]);
        continue;
      }
      if (slot && !slot.aired) this.beginAiring(slot, n);
      await this.writeFrame(frame.video, frame.audio);
      if (this.state !== 'running') break;
      this.lastVideo = frame.video;
      this.nextFrame = n + 1;
      this.stat.framesWritten++;
      this.fireDue(this.clock.monotonicMs());
    }
  }

  /** Run `fire` when frame n is on screen. */
  private atFrame(n: number, fire: () => void): void {
    this.dueEvents.push({ frame: n, fire });
  }

  private fireDue(now: number): void {
    while (this.dueEvents.length && this.frameDue(this.dueEvents[0]!.frame) <= now) this.dueEvents.shift()!.fire();
  }

  private healthAt(n: number, h: EngineHealth): void {
    this.atFrame(n, () => this.setHealth(h));
  }

  private beginAiring(slot: Slot, n: number): void {
    slot.aired = true;
    this.airing = slot;
    this.underrun = false;
    const info: SegmentAiring = { eventId: slot.seg.eventId, title: slot.seg.title, frame: n };
    this.atFrame(n, () => {
      this.onAir = info.eventId;
      this.emit('segment', info);
    });
    if (!slot.failure && !slot.decoder?.failure) this.healthAt(n, { status: 'running' });
  }

  private underrunFrame(n: number): { video: Buffer; audio: Buffer } {
    if (!this.underrun) {
      this.underrun = true;
      this.airing = null;
      this.atFrame(n, () => {
        this.onAir = null;
      });
      this.healthAt(n, { status: 'degraded', detail: 'plan underrun: no segment queued, airing black' });
    }
    this.stat.underrunFrames++;
    return { video: this.black, audio: this.silence.subarray(0, this.timeline!.samplesForFrame(n) * this.bytesPerSample) };
  }

  /** Drop finished slots and end their decoders. */
  private retireSlots(n: number): void {
    while (this.slots.length && this.slots[0]!.end <= n) {
      const s = this.slots.shift()!;
      if (s.decoder) this.retireDecoder(s.decoder);
    }
  }

  /** End a decoder that is no longer needed, keeping it owned (and listed) until it has exited. */
  private retireDecoder(d: SegmentDecoder): void {
    if (!d.alive) return;
    this.dying.add(d);
    void d.kill().then(() => this.dying.delete(d));
  }

  private slotFor(n: number): Slot | null {
    const s = this.slots[0];
    return s && s.first <= n && n < s.end ? s : null;
  }

  private manageDecoders(slot: Slot | null, now: number): void {
    if (slot && !slot.decoderStarted) this.startDecoder(slot);
    const idx = slot ? this.slots.indexOf(slot) : -1;
    const next = this.slots[idx + 1];
    if (!next || next.decoderStarted) return;
    const toBoundary = this.frameDue(next.first) - now;
    const cur = slot?.decoder ?? null;
    if (cur && toBoundary <= this.prerollMs) cur.setUnlimited();
    const curBusy = !!cur && cur.alive;
    if ((!curBusy && toBoundary <= this.prerollMs) || toBoundary <= this.minPrerollMs) this.startDecoder(next);
  }

  /**
   * Frame n of `slot` with its audio, or null to wait for the decoder. When `late`
   * (the frame is due on screen now) missing data is padded instead of awaited.
   */
  private composeFrame(slot: Slot, n: number, late: boolean): { video: Buffer; audio: Buffer } | null {
    const tl = this.timeline!;
    const d = slot.decoder;
    const k = n - slot.first;
    const audioFrom = (tl.sampleIndexAt(n) - tl.sampleIndexAt(slot.first)) * this.bytesPerSample;
    const audioLen = tl.samplesForFrame(n) * this.bytesPerSample;

    if (d) {
      const failure = d.failure;
      if (failure && !slot.failure) slot.failure = failure;
      if (slot.failure && !slot.failureReported) {
        slot.failureReported = true;
        this.healthAt(n, { status: 'degraded', detail: `${slot.seg.eventId} (${slot.seg.title}): ${slot.failure}` });
      }
      d.skipFramesTo(k);
      d.skipAudioTo(audioFrom);
      const videoHas = !d.hasVideo || (d.videoIndex === k && d.framesAvailable() > 0);
      const audioHas = !d.hasAudio || (d.audioPos === audioFrom && d.audioAvailable() >= audioLen);
      if (!(videoHas && audioHas) && !late) {
        // Short of data: wait for more, or (streams ended) for the exit status, which decides
        // between holding the picture (clean end) and black (failure).
        if (!d.done) return null;
        const exitFailure = d.failure;
        if (exitFailure && !slot.failure) {
          slot.failure = exitFailure;
          slot.failureReported = true;
          this.healthAt(n, { status: 'degraded', detail: `${slot.seg.eventId} (${slot.seg.title}): ${exitFailure}` });
        }
      }
    } else if (!slot.failure && slot.seg.source.type === 'file' && (slot.seg.source.hasVideo || slot.seg.source.hasAudio)) {
      // A file slot whose decoder never started cannot happen; treat as failure to stay safe.
      slot.failure = 'no decoder';
    }

    let video: Buffer;
    if (d?.hasVideo && d.framesAvailable() > 0 && d.videoIndex === k) {
      video = d.takeFrame()!;
      slot.lastFrame = video;
    } else if (slot.failure || d?.failure) {
      // Missing or failed source: black for the rest of the slot.
      video = this.black;
      this.stat.paddedFrames++;
    } else if (d?.hasVideo && !d.videoEnded) {
      // Late decoder: hold the last picture (the previous segment's, if this one has none yet);
      // its own frame for this slot is dropped when it arrives, so the channel keeps time.
      video = slot.lastFrame ?? this.lastVideo ?? this.black;
      this.stat.lateFrames++;
      slot.lateFrames++;
      if (slot.lateFrames === this.lateAlarmFrames) {
        this.healthAt(n, { status: 'degraded', detail: `${slot.seg.eventId} (${slot.seg.title}): source is late, holding picture` });
      }
    } else {
      // Source shorter than its slot: hold its last picture.
      video = slot.lastFrame ?? this.black;
      if (slot.seg.source.type === 'file' && slot.seg.source.hasVideo) this.stat.paddedFrames++;
    }

    let audio: Buffer;
    if (d?.hasAudio && d.audioPos === audioFrom && d.audioAvailable() > 0) {
      const got = d.takeAudio(audioLen);
      audio = got.length === audioLen ? got : Buffer.concat([got, this.silence.subarray(0, audioLen - got.length)], audioLen);
    } else {
      audio = this.silence.subarray(0, audioLen);
    }
    return { video, audio };
  }

  private async writeFrame(video: Buffer, audio: Buffer): Promise<void> {
    const v = this.videoSink;
    const a = this.audioSink;
    if (!v || !a || v.destroyed || a.destroyed) throw new Error('encoder input closed');
    const vOk = v.write(video);
    const aOk = a.write(audio);
    if (!vOk) await this.drain(v);
    if (!aOk) await this.drain(a);
  }

  private drain(s: Writable): Promise<void> {
    if (!s.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        s.off('drain', done);
        s.off('close', done);
        clearInterval(poll);
        resolve();
      };
      s.once('drain', done);
      s.once('close', done);
      const since = this.clock.monotonicMs();
      const poll = setInterval(() => {
        // Stop must not wait on an encoder that no longer reads.
        if (this.state !== 'running') done();
        // An encoder that stops reading (e.g. stuck exiting while one input thread waits
        // on the other pipe) would hang the channel: treat it as dead.
        else if (this.clock.monotonicMs() - since > this.stallTimeoutMs) {
          done();
          this.fail(new Error(`encoder stalled: not reading input for ${this.stallTimeoutMs} ms${this.lastLines()}`));
        }
      }, 50);
      poll.unref?.();
    });
  }

  private setHealth(h: EngineHealth): void {
    if (h.status === this.health.status && h.detail === this.health.detail) return;
    this.health = h;
    this.emit('health', { ...h });
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
    const kills: Promise<unknown>[] = [];
    for (const s of this.slots) if (s.decoder) kills.push(s.decoder.kill());
    for (const d of this.dying) kills.push(d.kill());
    if (this.encoder) kills.push(this.encoder.kill());
    await Promise.all(kills);
    await this.pumpDone;
    // The pump may have started or retired a decoder while we waited: end those too.
    for (const s of this.slots) if (s.decoder) await s.decoder.kill();
    for (const d of [...this.dying]) await d.kill();
    if (!this.out.writableEnded) this.out.end();
  }
}
