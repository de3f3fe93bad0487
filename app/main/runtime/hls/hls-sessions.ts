/**
 * HLS viewers, per channel: one segmenter fed as a single fanout viewer of the channel's
 * output (no second encoder, no ffmpeg per client). The first playlist request puts the
 * channel on the air; requests keep it there; when none has come for the grace period the
 * segmenter tunes out and the channel may stop like after any last viewer.
 */
import { Writable } from 'node:stream';
import type { MasterClock } from '../../clock/master-clock.ts';
import type { Logger } from '../../logger.ts';
import { HlsSegmenter, type HlsSegment } from './hls-segmenter.ts';

export interface HlsDirector {
  tune(number: number, sink: Writable, clientInfo: string, onReady?: () => void, viewer?: { address: string; userAgent: string }): Promise<void>;
  /** Station time of output frame 0 and the frame rate, while on air. */
  outputCursor(number: number): { t0Ms: number; fpsNum: number; fpsDen: number; pts0: number } | null;
}

export interface HlsSessionsOptions {
  director: HlsDirector;
  clock: MasterClock;
  logger: Logger;
  /** No request for this long ends a channel's HLS session. */
  graceMs?: number;
  /** How long a cold playlist request waits for the first segment. */
  firstSegmentTimeoutMs?: number;
}

class Session {
  readonly segmenter: HlsSegmenter;
  readonly sink: Writable;
  lastRequestMono: number;
  private waiters: (() => void)[] = [];

  constructor(t0: () => { t0Ms: number; pts0: number } | null, now: number) {
    this.lastRequestMono = now;
    this.segmenter = new HlsSegmenter({
      // Encoder timestamps count frames from the output's frame 0, which has PTS pts0.
      stationTimeOfPts: (pts) => {
        const c = t0();
        return c ? Math.round(c.t0Ms + (pts - c.pts0) / 90) : null;
      },
      onSegment: () => {
        const w = this.waiters;
        this.waiters = [];
        for (const fn of w) fn();
      },
    });
    this.sink = new Writable({
      highWaterMark: 1 << 20,
      write: (chunk: Buffer, _enc, cb) => {
        this.segmenter.push(chunk);
        cb();
      },
    });
  }

  firstSegment(): Promise<void> {
    return this.segmenter.segments.length > 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

export class HlsUnavailableError extends Error {}

export class HlsSessions {
  private readonly sessions = new Map<number, Session>();
  private readonly starting = new Map<number, Promise<Session>>();
  private readonly stopTimer: () => void;

  constructor(private readonly opts: HlsSessionsOptions) {
    this.stopTimer = opts.clock.every(1000, () => this.expire());
  }

  /** The channel's live playlist, starting the channel (and waiting for a first segment) if needed. */
  async playlist(number: number, uri: (seq: number) => string): Promise<string> {
    const s = await this.session(number);
    s.lastRequestMono = this.opts.clock.monotonicMs();
    const timeout = this.opts.firstSegmentTimeoutMs ?? 8000;
    const ok = await Promise.race([s.firstSegment().then(() => true), this.opts.clock.sleep(timeout).then(() => false)]);
    if (!ok) throw new HlsUnavailableError(`Channel ${number} produced no HLS segment within ${timeout / 1000} s.`);
    return s.segmenter.playlist(uri);
  }

  /** A segment of a running session, or null (expired, or never existed). */
  segment(number: number, seq: number): HlsSegment | null {
    const s = this.sessions.get(number);
    if (!s) return null;
    s.lastRequestMono = this.opts.clock.monotonicMs();
    return s.segmenter.segment(seq) ?? null;
  }

  /** Channels with an HLS session now. */
  active(): number[] {
    return [...this.sessions.keys()];
  }

  close(): void {
    this.stopTimer();
    for (const s of this.sessions.values()) s.sink.destroy();
    this.sessions.clear();
  }

  private session(number: number): Promise<Session> {
    const existing = this.sessions.get(number);
    if (existing && !existing.sink.destroyed) return Promise.resolve(existing);
    let p = this.starting.get(number);
    if (!p) {
      const s = new Session(() => this.opts.director.outputCursor(number), this.opts.clock.monotonicMs());
      p = this.opts.director
        .tune(number, s.sink, 'hls', undefined, { address: 'hls', userAgent: 'HLS segmenter' })
        .then(() => {
          if (s.sink.destroyed) throw new HlsUnavailableError(`Channel ${number} went off the air while HLS was starting; try again.`);
          this.sessions.set(number, s);
          // A channel that fails or stops ends the fanout viewer: the next request starts afresh.
          s.sink.once('close', () => {
            if (this.sessions.get(number) === s) this.sessions.delete(number);
          });
          this.opts.logger.info({ channel: number }, 'HLS session started');
          return s;
        })
        .finally(() => this.starting.delete(number));
      this.starting.set(number, p);
    }
    return p;
  }

  private expire(): void {
    const now = this.opts.clock.monotonicMs();
    const grace = this.opts.graceMs ?? 15_000;
    for (const [n, s] of this.sessions) {
      if (now - s.lastRequestMono < grace) continue;
      this.sessions.delete(n);
      s.sink.destroy();
      this.opts.logger.info({ channel: n }, 'HLS session ended: no requests');
    }
  }
}
