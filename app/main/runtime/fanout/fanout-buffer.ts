/**
 * FanoutBuffer: one channel's MPEG-TS output shared by N viewers.
 *
 * - The source is consumed in flowing mode and never paused: a viewer can only
 *   hurt itself. Each viewer has its own queue; when its backlog passes a byte or
 *   age limit it is dropped ('lagging') and its socket destroyed.
 * - A keyframe cache (latest PAT + PMT, and every packet since the most recent video
 *   keyframe) lets a viewer joining a channel already on air start decoding at once:
 *   it is sent PAT, PMT, then the stream from that keyframe. A viewer that joins
 *   before the first keyframe is sent nothing until one arrives.
 * - Data is shared, not copied: the cache and every viewer queue hold views of the
 *   source chunks, so a slow viewer's backlog costs references, not memory per viewer.
 *
 * Source end policy: by default, when the source ends or errors every viewer is
 * ended gracefully (queued bytes are handed to its sink, then `end()`), reason
 * 'source-ended'. With `endViewersOnSourceEnd: false` viewers stay attached and
 * resume at the first keyframe of the next source passed to `attach()` (a producer
 * swap without disconnecting anyone).
 */
import { EventEmitter } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import type { MasterClock } from '../../clock/master-clock.ts';
import {
  PAT_PID,
  TS_PACKET_SIZE,
  TsPacketAligner,
  findVideoStream,
  isKeyframeStart,
  packetPid,
  packetPusi,
  parsePat,
  parsePmt,
  type VideoCodec,
} from './ts-packets.ts';

/** Why a viewer left. */
export type ViewerLeaveReason =
  /** removeViewer() was called. */
  | 'removed'
  /** The sink closed on its own (HTTP client disconnected). */
  | 'closed'
  /** The sink emitted 'error'. */
  | 'error'
  /** Its backlog passed maxViewerBacklogBytes or maxViewerLagMs. */
  | 'lagging'
  /** The source ended or failed (with endViewersOnSourceEnd). */
  | 'source-ended'
  /** close() was called. */
  | 'fanout-closed';

/**
 * What happens to a departing viewer's sink:
 * 'end' hands it any queued bytes then calls end(); 'destroy' drops them and destroys
 * it; 'detach' leaves it untouched (queued bytes are discarded) for the owner to reuse.
 */
export type ViewerEndMode = 'end' | 'destroy' | 'detach';

/** 'waiting' for PAT/PMT/keyframe, 'live' receiving the stream, 'gone' after leaving. */
export type ViewerPhase = 'waiting' | 'live' | 'gone';

export interface FanoutOptions {
  /** Name used in stats (e.g. the channel number). */
  label?: string;
  /** Cap on the keyframe cache; a longer GOP disables warm joins until the next keyframe. Default 4 MiB. */
  maxCacheBytes?: number;
  /** A viewer whose queued bytes (ours + its sink's buffer) exceed this is dropped. Default 12 MiB. Must exceed maxCacheBytes. */
  maxViewerBacklogBytes?: number;
  /** A viewer whose oldest queued chunk is older than this is dropped. Default 10 s. */
  maxViewerLagMs?: number;
  /** End every viewer when the source ends or errors (default true); see the module comment. */
  endViewersOnSourceEnd?: boolean;
}

export interface AddViewerOptions {
  /** Called once when the viewer leaves, for any reason (in addition to 'viewerLeft'). */
  onLeave?: (reason: ViewerLeaveReason, stats: ViewerStats) => void;
}

export interface ViewerStats {
  id: string;
  phase: ViewerPhase;
  /** Monotonic ms (MasterClock) when added. */
  joinedAtMs: number;
  /** Monotonic ms of the first byte handed to the sink, null while waiting. */
  firstByteAtMs: number | null;
  /** Bytes handed to the sink. */
  bytesOut: number;
  /** Bytes held in this viewer's queue plus the sink's own write buffer. */
  backlogBytes: number;
  /** Age of the oldest queued chunk (0 when the queue is empty). */
  lagMs: number;
}

export interface FanoutStats {
  label: string;
  sourceAttached: boolean;
  sourceEnded: boolean;
  /** Raw bytes received from the source. */
  bytesIn: number;
  /** Whole packets accepted after alignment. */
  packetsIn: number;
  /** Bytes skipped while (re)gaining packet sync, and how often sync was lost. */
  discardedBytes: number;
  resyncs: number;
  keyframes: number;
  pmtPid: number | null;
  videoPid: number | null;
  videoCodec: VideoCodec | null;
  /** True when a joining viewer can be served from the cache at once. */
  cacheReady: boolean;
  cacheBytes: number;
  /** Times a GOP outgrew maxCacheBytes. */
  cacheOverflows: number;
  viewerCount: number;
  waitingViewers: number;
  viewersAdded: number;
  /** Departures by reason. */
  departures: Record<ViewerLeaveReason, number>;
  viewers: ViewerStats[];
}

export interface FanoutEvents {
  viewerJoined: [id: string];
  /** First bytes handed to the viewer; waitedMs since addViewer (0 for a warm join). */
  viewerStarted: [id: string, waitedMs: number];
  viewerLeft: [id: string, reason: ViewerLeaveReason, stats: ViewerStats];
  /** The source ended (error set when it failed). Viewers are already ended if the policy says so. */
  sourceEnd: [error: Error | undefined];
}

const DEFAULTS = {
  maxCacheBytes: 4 * 1024 * 1024,
  maxViewerBacklogBytes: 12 * 1024 * 1024,
  maxViewerLagMs: 10_000,
};

class Viewer {
  phase: ViewerPhase = 'waiting';
  firstByteAtMs: number | null = null;
  bytesOut = 0;
  blocked = false;
  // FIFO of shared chunk views with their enqueue times; head index avoids O(n) shift.
  bufs: Buffer[] = [];
  times: number[] = [];
  head = 0;
  queuedBytes = 0;
  onDrain: () => void = noop;
  onClose: () => void = noop;
  onError: (err: Error) => void = noop;

  constructor(
    readonly id: string,
    readonly sink: Writable,
    readonly joinedAtMs: number,
    readonly onLeave: AddViewerOptions['onLeave'],
  ) {}

  enqueue(buf: Buffer, now: number): void {
    this.bufs.push(buf);
    this.times.push(now);
    this.queuedBytes += buf.length;
  }

  dequeue(): Buffer | undefined {
    if (this.head >= this.bufs.length) return undefined;
    const buf = this.bufs[this.head]!;
    this.bufs[this.head] = EMPTY; // release the view now, not at compaction
    this.head++;
    this.queuedBytes -= buf.length;
    if (this.head === this.bufs.length) this.clearQueue();
    else if (this.head > 256 && this.head * 2 > this.bufs.length) {
      this.bufs = this.bufs.slice(this.head);
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return buf;
  }

  oldestQueuedAt(): number | undefined {
    return this.head < this.times.length ? this.times[this.head] : undefined;
  }

  clearQueue(): void {
    this.bufs = [];
    this.times = [];
    this.head = 0;
    this.queuedBytes = 0;
  }
}

const EMPTY = Buffer.alloc(0);
function noop(): void {}

export class FanoutBuffer extends EventEmitter<FanoutEvents> {
  readonly label: string;
  private readonly maxCacheBytes: number;
  private readonly maxBacklogBytes: number;
  private readonly maxLagMs: number;
  private readonly endViewersOnSourceEnd: boolean;

  private readonly viewers = new Map<string, Viewer>();
  // Replaced (never mutated) on add/remove, so a dispatch loop can iterate it while
  // listeners add or remove viewers.
  private list: readonly Viewer[] = [];
  private nextViewerNo = 1;
  private closed = false;

  private source: Readable | null = null;
  private detachListeners: (() => void) | null = null;
  private sourceEnded = false;
  private aligner = new TsPacketAligner();

  // Stream state, reset per source.
  private pat: Buffer | null = null;
  private pmt: Buffer | null = null;
  private psi: Buffer | null = null;
  private pmtPid: number | null = null;
  private startPid: number | null = null;
  private videoPid: number | null = null;
  private videoCodec: VideoCodec | null = null;
  private cache: Buffer[] = [];
  private cacheBytes = 0;
  private cacheReady = false;

  private counters = {
    bytesIn: 0,
    packetsIn: 0,
    keyframes: 0,
    cacheOverflows: 0,
    viewersAdded: 0,
  };
  private departures: Record<ViewerLeaveReason, number> = {
    removed: 0,
    closed: 0,
    error: 0,
    lagging: 0,
    'source-ended': 0,
    'fanout-closed': 0,
  };
  // Stats of the aligners of earlier sources, so totals survive a source swap.
  private pastDiscarded = 0;
  private pastResyncs = 0;

  constructor(
    private readonly clock: MasterClock,
    options: FanoutOptions = {},
  ) {
    super();
    this.label = options.label ?? 'fanout';
    this.maxCacheBytes = options.maxCacheBytes ?? DEFAULTS.maxCacheBytes;
    this.maxBacklogBytes = options.maxViewerBacklogBytes ?? Math.max(DEFAULTS.maxViewerBacklogBytes, this.maxCacheBytes * 2);
    this.maxLagMs = options.maxViewerLagMs ?? DEFAULTS.maxViewerLagMs;
    this.endViewersOnSourceEnd = options.endViewersOnSourceEnd ?? true;
    // A warm join queues the whole cache at once; it must not count as lagging.
    if (this.maxBacklogBytes <= this.maxCacheBytes) {
      throw new RangeError(`FanoutBuffer: maxViewerBacklogBytes (${this.maxBacklogBytes}) must exceed maxCacheBytes (${this.maxCacheBytes})`);
    }
  }

  // -------------------------------------------------------------------------
  // Source

  /**
   * Consume `source` (the producer's output). A previously attached source is
   * detached first (not destroyed); viewers already live then wait for the new
   * source's first keyframe, so they see a clean PAT/PMT/keyframe splice.
   */
  attach(source: Readable): void {
    if (this.closed) throw new Error('FanoutBuffer: attach after close');
    if (this.source) this.detachSource();
    this.resetStreamState();
    for (const v of this.list) if (v.phase === 'live') v.phase = 'waiting';
    this.source = source;
    this.sourceEnded = false;

    const onData = (chunk: Buffer | string | Uint8Array): void => this.onData(chunk);
    const onEnd = (): void => this.onSourceEnd(source, undefined);
    const onClose = (): void => this.onSourceEnd(source, undefined);
    const onError = (err: Error): void => this.onSourceEnd(source, err);
    source.on('data', onData);
    source.on('end', onEnd);
    source.on('close', onClose);
    source.on('error', onError);
    this.detachListeners = () => {
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('close', onClose);
      source.off('error', onError);
    };
    if (source.readableEnded || source.destroyed) process.nextTick(() => this.onSourceEnd(source, undefined));
    // A 'data' listener does not restart a stream someone paused explicitly; the fanout needs it flowing.
    else source.resume();
  }

  /**
   * Stop consuming the current source without ending viewers or touching the source.
   * The cached GOP is forgotten: viewers who join before the next attach() wait for
   * its first keyframe instead of being shown the old source's picture.
   */
  detachSource(): void {
    this.detachListeners?.();
    this.detachListeners = null;
    this.source = null;
    this.invalidateCache();
  }

  // -------------------------------------------------------------------------
  // Viewers

  /**
   * Start serving `sink` (typically an HTTP response whose headers are set). If the
   * channel is on air and a keyframe is cached, PAT, PMT and the cached GOP are
   * written synchronously; otherwise nothing is written until the next keyframe.
   * Returns the viewer id.
   */
  addViewer(sink: Writable, options: AddViewerOptions = {}): string {
    if (this.closed) throw new Error('FanoutBuffer: addViewer after close');
    const now = this.clock.monotonicMs();
    const id = `${this.label}#${this.nextViewerNo++}`;
    const v = new Viewer(id, sink, now, options.onLeave);
    v.onDrain = () => this.onDrain(v);
    v.onClose = () => this.leave(v, 'closed', 'detach');
    v.onError = () => this.leave(v, 'error', 'destroy');
    sink.on('close', v.onClose);
    sink.on('error', v.onError);
    this.viewers.set(id, v);
    this.list = [...this.list, v];
    this.counters.viewersAdded++;
    this.emit('viewerJoined', id);

    if (sink.destroyed || sink.writableEnded) {
      // Report it after the caller has the id.
      process.nextTick(() => this.leave(v, 'closed', 'detach'));
      return id;
    }
    if (this.cacheReady) {
      this.startViewer(v, now);
      for (const buf of this.cache) this.send(v, buf, now);
    }
    return id;
  }

  /** Stop serving a viewer; see ViewerEndMode. Returns false if the id is unknown. */
  removeViewer(id: string, mode: ViewerEndMode = 'end'): boolean {
    const v = this.viewers.get(id);
    if (!v) return false;
    this.leave(v, 'removed', mode);
    return true;
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  viewerStats(id: string): ViewerStats | null {
    const v = this.viewers.get(id);
    return v ? this.statsOf(v, this.clock.monotonicMs()) : null;
  }

  stats(): FanoutStats {
    const now = this.clock.monotonicMs();
    let waiting = 0;
    for (const v of this.list) if (v.phase === 'waiting') waiting++;
    return {
      label: this.label,
      sourceAttached: this.source !== null,
      sourceEnded: this.sourceEnded,
      bytesIn: this.counters.bytesIn,
      packetsIn: this.counters.packetsIn,
      discardedBytes: this.pastDiscarded + this.aligner.stats.discardedBytes,
      resyncs: this.pastResyncs + this.aligner.stats.resyncs,
      keyframes: this.counters.keyframes,
      pmtPid: this.pmtPid,
      videoPid: this.videoPid,
      videoCodec: this.videoCodec,
      cacheReady: this.cacheReady,
      cacheBytes: this.cacheBytes,
      cacheOverflows: this.counters.cacheOverflows,
      viewerCount: this.viewers.size,
      waitingViewers: waiting,
      viewersAdded: this.counters.viewersAdded,
      departures: { ...this.departures },
      viewers: this.list.map((v) => this.statsOf(v, now)),
    };
  }

  /** End every viewer (reason 'fanout-closed') and stop consuming the source. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.detachSource();
    for (const v of this.list) this.leave(v, 'fanout-closed', 'end');
    this.resetStreamState();
  }

  // -------------------------------------------------------------------------
  // Ingest

  private onData(chunk: Buffer | string | Uint8Array): void {
    const buf = Buffer.isBuffer(chunk)
      ? chunk
      : typeof chunk === 'string'
        ? Buffer.from(chunk, 'latin1')
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.counters.bytesIn += buf.length;
    const blocks = this.aligner.push(buf);
    for (const block of blocks) this.processBlock(block);
  }

  /** Walk a block of whole packets: track PSI, split at keyframes, cache and dispatch. */
  private processBlock(block: Buffer): void {
    const n = block.length;
    let segStart = 0;
    for (let off = 0; off < n; off += TS_PACKET_SIZE) {
      const pid = packetPid(block, off);
      if (pid === PAT_PID) {
        this.onPat(block, off);
      } else if (pid === this.pmtPid) {
        this.onPmt(block, off);
      } else if (pid === this.startPid && packetPusi(block, off) && this.isStartPacket(block, off)) {
        if (off > segStart) this.emitSegment(block.subarray(segStart, off));
        segStart = off;
        this.onKeyframe();
      }
    }
    this.counters.packetsIn += n / TS_PACKET_SIZE;
    if (segStart < n) this.emitSegment(segStart === 0 ? block : block.subarray(segStart));
  }

  private isStartPacket(block: Buffer, off: number): boolean {
    // Audio-only programs have no keyframes: any PES start of the first stream will do.
    return this.videoCodec ? isKeyframeStart(block, off, this.startPid!, this.videoCodec) : true;
  }

  private onPat(block: Buffer, off: number): void {
    const programs = parsePat(block, off);
    const pmtPid = programs?.[0]?.pmtPid;
    if (pmtPid === undefined) return;
    this.pat = Buffer.from(block.subarray(off, off + TS_PACKET_SIZE));
    this.psi = null;
    if (pmtPid !== this.pmtPid) {
      this.pmtPid = pmtPid;
      this.pmt = null;
      this.setStartStream(null, null);
    }
  }

  private onPmt(block: Buffer, off: number): void {
    const pmt = parsePmt(block, off);
    if (!pmt) return;
    this.pmt = Buffer.from(block.subarray(off, off + TS_PACKET_SIZE));
    this.psi = null;
    const video = findVideoStream(pmt);
    if (video) this.setStartStream(video.pid, video.codec);
    else this.setStartStream(pmt.streams[0]?.pid ?? null, null);
  }

  private setStartStream(pid: number | null, codec: VideoCodec | null): void {
    if (pid === this.startPid && codec === this.videoCodec) return;
    this.startPid = pid;
    this.videoCodec = codec;
    this.videoPid = codec ? pid : null;
    // The cached GOP belongs to the old program layout.
    this.invalidateCache();
  }

  private onKeyframe(): void {
    this.counters.keyframes++;
    this.cache = [];
    this.cacheBytes = 0;
    this.cacheReady = this.pat !== null && this.pmt !== null;
    if (!this.cacheReady) return;
    const now = this.clock.monotonicMs();
    // The keyframe segment is dispatched right after, so promoted viewers get it.
    for (const v of this.list) if (v.phase === 'waiting') this.startViewer(v, now);
  }

  private emitSegment(seg: Buffer): void {
    if (this.cacheReady) {
      if (this.cacheBytes + seg.length > this.maxCacheBytes) {
        this.counters.cacheOverflows++;
        this.invalidateCache();
      } else {
        this.cache.push(seg);
        this.cacheBytes += seg.length;
      }
    }
    this.dispatch(seg);
  }

  private invalidateCache(): void {
    this.cache = [];
    this.cacheBytes = 0;
    this.cacheReady = false;
  }

  private resetStreamState(): void {
    this.pastDiscarded += this.aligner.stats.discardedBytes;
    this.pastResyncs += this.aligner.stats.resyncs;
    this.aligner = new TsPacketAligner();
    this.pat = null;
    this.pmt = null;
    this.psi = null;
    this.pmtPid = null;
    this.startPid = null;
    this.videoPid = null;
    this.videoCodec = null;
    this.invalidateCache();
  }

  private onSourceEnd(source: Readable, err: Error | undefined): void {
    if (source !== this.source || this.sourceEnded) return;
    this.sourceEnded = true;
    // The old GOP must not greet viewers who join before the next source arrives.
    this.invalidateCache();
    if (this.endViewersOnSourceEnd) for (const v of this.list) this.leave(v, 'source-ended', 'end');
    this.emit('sourceEnd', err);
  }

  // -------------------------------------------------------------------------
  // Delivery

  private dispatch(seg: Buffer): void {
    const list = this.list;
    if (list.length === 0) return;
    const now = this.clock.monotonicMs();
    for (const v of list) {
      if (v.phase !== 'live') continue;
      this.send(v, seg, now);
    }
  }

  private startViewer(v: Viewer, now: number): void {
    v.phase = 'live';
    this.psi ??= Buffer.concat([this.pat!, this.pmt!]);
    this.send(v, this.psi, now);
  }

  private send(v: Viewer, buf: Buffer, now: number): void {
    if (v.phase === 'gone') return;
    if (v.sink.destroyed || v.sink.writableEnded) {
      this.leave(v, 'closed', 'detach');
      return;
    }
    if (v.blocked || v.queuedBytes > 0) {
      v.enqueue(buf, now);
      const oldest = v.oldestQueuedAt() ?? now;
      if (v.queuedBytes + v.sink.writableLength > this.maxBacklogBytes || now - oldest > this.maxLagMs) {
        this.leave(v, 'lagging', 'destroy');
      }
      return;
    }
    this.write(v, buf, now);
  }

  private write(v: Viewer, buf: Buffer, now: number): void {
    if (v.firstByteAtMs === null) {
      v.firstByteAtMs = now;
      this.emit('viewerStarted', v.id, now - v.joinedAtMs);
    }
    v.bytesOut += buf.length;
    if (!v.sink.write(buf)) {
      v.blocked = true;
      v.sink.once('drain', v.onDrain);
    }
  }

  private onDrain(v: Viewer): void {
    if (v.phase === 'gone') return;
    v.blocked = false;
    const now = this.clock.monotonicMs();
    while (!v.blocked && v.queuedBytes > 0) {
      const buf = v.dequeue();
      if (!buf) break;
      this.write(v, buf, now);
    }
  }

  private leave(v: Viewer, reason: ViewerLeaveReason, mode: ViewerEndMode): void {
    if (v.phase === 'gone') return;
    const stats = this.statsOf(v, this.clock.monotonicMs());
    v.phase = 'gone';
    this.viewers.delete(v.id);
    this.list = this.list.filter((x) => x !== v);
    const sink = v.sink;
    sink.off('close', v.onClose);
    sink.off('drain', v.onDrain);
    // Keep swallowing errors from a sink we end or destroy: an unhandled 'error'
    // (EPIPE on a half-closed socket) would crash the process.
    if (mode === 'detach') sink.off('error', v.onError);
    if (mode === 'end' && !sink.destroyed && !sink.writableEnded) {
      // Hand over the backlog so the viewer gets everything up to the end.
      for (let buf = v.dequeue(); buf; buf = v.dequeue()) {
        v.bytesOut += buf.length;
        sink.write(buf);
      }
      sink.end();
    } else if (mode === 'destroy' && !sink.destroyed) {
      sink.destroy();
    }
    v.clearQueue();
    this.departures[reason]++;
    this.emit('viewerLeft', v.id, reason, stats);
    v.onLeave?.(reason, stats);
  }

  private statsOf(v: Viewer, now: number): ViewerStats {
    const oldest = v.oldestQueuedAt();
    return {
      id: v.id,
      phase: v.phase,
      joinedAtMs: v.joinedAtMs,
      firstByteAtMs: v.firstByteAtMs,
      bytesOut: v.bytesOut,
      backlogBytes: v.queuedBytes + (v.sink.destroyed ? 0 : v.sink.writableLength),
      lagMs: oldest === undefined ? 0 : now - oldest,
    };
  }
}
