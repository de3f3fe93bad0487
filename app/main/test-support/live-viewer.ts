/**
 * A viewer of a live stream that keeps what arrived and when: for recovery times
 * (when bytes flowed again), gaps, and the bytes themselves for ffprobe afterwards.
 */
import http from 'node:http';
import { SystemClock } from '../clock/master-clock.ts';

const clock = new SystemClock();

export interface TimedChunk {
  /** Monotonic ms it arrived. */
  at: number;
  data: Buffer;
}

export class LiveViewer {
  readonly chunks: TimedChunk[] = [];
  status = 0;
  /** Monotonic ms the response ended or failed (0 while it runs). */
  endedAt = 0;
  /** How many HTTP responses carried the bytes (stays 1: the same response continues). */
  responses = 0;
  private req!: http.ClientRequest;
  readonly headers: Promise<number>;

  constructor(url: string) {
    this.headers = new Promise((resolve, reject) => {
      this.req = http.get(url, { agent: false }, (res) => {
        this.responses++;
        this.status = res.statusCode ?? 0;
        resolve(this.status);
        res.on('data', (c: Buffer) => this.chunks.push({ at: clock.monotonicMs(), data: c }));
        const end = (): void => void (this.endedAt ||= clock.monotonicMs());
        res.on('end', end);
        res.on('close', end);
        res.on('error', end);
      });
      this.req.on('error', (e) => {
        this.endedAt ||= clock.monotonicMs();
        reject(e);
      });
    });
    this.headers.catch(() => {});
  }

  get bytes(): number {
    let n = 0;
    for (const c of this.chunks) n += c.data.length;
    return n;
  }

  /** Bytes that arrived in [from, to) (monotonic ms). */
  bytesBetween(from: number, to: number): number {
    let n = 0;
    for (const c of this.chunks) if (c.at >= from && c.at < to) n += c.data.length;
    return n;
  }

  /** The longest silence between arrivals in [from, to] (including the edges). */
  maxGapMs(from: number, to: number): number {
    let last = from;
    let gap = 0;
    for (const c of this.chunks) {
      if (c.at < from || c.at > to) continue;
      gap = Math.max(gap, c.at - last);
      last = c.at;
    }
    return Math.max(gap, to - last);
  }

  /** Arrival time of the first chunk at or after `t`. */
  firstChunkAfter(t: number): number | null {
    return this.chunks.find((c) => c.at >= t)?.at ?? null;
  }

  body(): Buffer {
    return Buffer.concat(this.chunks.map((c) => c.data));
  }

  close(): void {
    this.req.destroy();
  }
}
