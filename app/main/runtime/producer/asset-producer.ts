/**
 * AssetProducer: airs a plan of file/black/slate segments as one continuous
 * MPEG-TS stream through the playout engine (one encoder for the producer's life,
 * a disposable decoder per segment). Processes live in app/main/playout; this
 * class maps the engine onto the Producer contract.
 */
import { EventEmitter } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import type { MasterClock } from '../../clock/master-clock.ts';
import type { FfmpegBinaries } from '../../media/ffmpeg-binaries.ts';
import type { PlayoutLogger } from '../../playout/ffmpeg-process.ts';
import {
  PlayoutEngine,
  type ProcessSpawn,
  type EngineHealth,
  type EngineStats,
  type PlayoutEngineOptions,
  type SegmentAiring,
} from '../../playout/playout-engine.ts';
import type { PlayoutPlan, PlayoutSegment, Producer, ProducerHealth, ProducerState } from './producer.ts';

/** Engine tuning knobs a caller may override (see PlayoutEngineOptions). */
export type AssetProducerTuning = Pick<
  PlayoutEngineOptions,
  | 'leadMs'
  | 'prerollMs'
  | 'minPrerollMs'
  | 'bufferFrames'
  | 'lateGraceMs'
  | 'firstFrameTimeoutMs'
  | 'startTimeoutMs'
  | 'stallTimeoutMs'
  | 'encoderPreset'
  | 'fontFile'
  | 'maxOutputBufferBytes'
>;

export interface AssetProducerOptions {
  clock: MasterClock;
  /** Defaults to a generated id. */
  id?: string;
  /** Producer kind reported in getState(); 'slate' for the SlateProducer. */
  kind?: ProducerState['kind'];
  binaries?: FfmpegBinaries;
  /**
   * Receives every owned process's stderr lines: a callback, or a writable stream that
   * gets one text line per stderr line. Default: the last lines are kept in memory (recentLog()).
   */
  log?: PlayoutLogger | NodeJS.WritableStream;
  tuning?: AssetProducerTuning;
}

let seq = 0;

function toLogger(log: AssetProducerOptions['log'], clock: MasterClock): PlayoutLogger | undefined {
  if (!log || typeof log === 'function') return log;
  return (line) => {
    const who = `${line.source}[${line.pid ?? '-'}]${line.eventId ? ` ${line.eventId}` : ''}`;
    log.write(`${new Date(clock.nowMs()).toISOString()} ${who} ${line.text}\n`);
  };
}

export class AssetProducer extends EventEmitter implements Producer {
  readonly id: string;
  /** MPEG-TS bytes; stays the same object for the producer's life and ends when it stops. */
  readonly output: Readable;
  private readonly out = new PassThrough({ highWaterMark: 1 << 20 });
  private readonly opts: AssetProducerOptions;
  private readonly kind: ProducerState['kind'];
  private engine: PlayoutEngine | null = null;
  private status: ProducerHealth = { status: 'stopped' };
  private startedAtMs: number | null = null;
  private pending: PlayoutSegment[] = [];
  private stopping: Promise<void> | null = null;
  private queuedUntil = 0;

  constructor(opts: AssetProducerOptions) {
    super();
    this.opts = opts;
    this.id = opts.id ?? `asset-${++seq}`;
    this.kind = opts.kind ?? 'asset';
    this.output = this.out;
  }

  async start(plan: PlayoutPlan, stationTimeMs: number): Promise<void> {
    if (this.engine || this.stopping) throw new Error(`producer ${this.id} was already started`);
    this.setStatus({ status: 'starting' });
    let engine: PlayoutEngine;
    try {
      engine = new PlayoutEngine({
        ...this.opts.tuning,
        profile: plan.profile,
        clock: this.opts.clock,
        binaries: this.opts.binaries,
        log: toLogger(this.opts.log, this.opts.clock),
        output: this.out,
      });
    } catch (err) {
      // E.g. no ffmpeg binary: nothing was spawned.
      this.setStatus({ status: 'error', detail: err instanceof Error ? err.message : String(err) });
      throw err;
    }
    this.engine = engine;
    engine.on('health', (h: EngineHealth) => {
      if (this.status.status === 'running' || this.status.status === 'degraded') this.setStatus(h);
    });
    engine.on('fatal', (err: Error) => this.setStatus({ status: 'error', detail: err.message }));
    engine.on('segment', (s: SegmentAiring) => this.emit('segment', s));
    engine.on('spawn', (p: ProcessSpawn) => this.emit('spawn', p));
    try {
      // Segments enqueued before start() follow the plan's own.
      await engine.start([...plan.segments, ...this.pending.splice(0)], stationTimeMs);
    } catch (err) {
      // A stop() during start is not a failure; stop() reports 'stopped'.
      if (!this.stopping) this.setStatus({ status: 'error', detail: err instanceof Error ? err.message : String(err) });
      if (!this.out.writableEnded) this.out.end();
      throw err;
    }
    this.startedAtMs = stationTimeMs;
    if (this.stopping) return;
    this.setStatus(engine.getHealth());
  }

  enqueue(segments: PlayoutSegment[]): void {
    for (const s of segments) this.queuedUntil = Math.max(this.queuedUntil, s.endMs);
    if (this.engine) this.engine.enqueue(segments);
    else this.pending.push(...segments);
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const wasError = this.status.status === 'error';
      if (!wasError) this.setStatus({ status: 'stopping' });
      await this.engine?.stop();
      if (!this.out.writableEnded) this.out.end();
      if (!wasError) this.setStatus({ status: 'stopped' });
    })();
    return this.stopping;
  }

  health(): ProducerHealth {
    return { ...this.status };
  }

  getState(): ProducerState {
    return {
      ...this.status,
      producerId: this.id,
      kind: this.kind,
      startedAtMs: this.startedAtMs,
      currentEventId: this.engine?.currentEventId() ?? null,
      queuedUntilMs: Math.max(this.queuedUntil, this.engine?.queuedUntilMs() ?? 0),
      pids: this.engine?.pids() ?? [],
    };
  }

  /** Engine counters (frames, padding, process high-water mark, first-byte latency). */
  stats(): EngineStats | null {
    return this.engine?.stats() ?? null;
  }

  /** Pid of the decoder serving the segment on air (diagnostics and tests). */
  currentDecoderPid(): number | undefined {
    return this.engine?.currentDecoderPid();
  }

  /** Recent stderr lines of owned processes when no logger was given. */
  recentLog(): string[] {
    return this.engine?.recentLog() ?? [];
  }

  private setStatus(h: ProducerHealth): void {
    if (h.status === this.status.status && h.detail === this.status.detail) return;
    this.status = h.detail === undefined ? { status: h.status } : { status: h.status, detail: h.detail };
    this.emit('status', this.health());
  }
}
