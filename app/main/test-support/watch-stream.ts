/** Test helpers for live streams and the processes behind them. */
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { SystemClock } from '../clock/master-clock.ts';

const clock = new SystemClock();

export interface Watched {
  status: number;
  body: Buffer;
  /** Station-independent wall time of the request, and of its first byte (0 if none came). */
  startedAt: number;
  firstByteAt: number;
}

/** Tune in to `url`, keep what arrives for `ms`, then hang up. A refusal resolves at once with its body. */
export function watchStream(url: string, ms: number): Promise<Watched> {
  return new Promise((resolve, reject) => {
    const startedAt = clock.nowMs();
    let firstByteAt = 0;
    const chunks: Buffer[] = [];
    const req = http.get(url, (res) => {
      const done = (): void => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), startedAt, firstByteAt });
      res.on('data', (c: Buffer) => {
        firstByteAt ||= clock.nowMs();
        chunks.push(c);
      });
      res.on('end', done);
      res.on('error', () => {});
      if ((res.statusCode ?? 0) !== 200) return;
      setTimeout(() => {
        req.destroy();
        done();
      }, ms);
    });
    req.on('error', (e) => (chunks.length ? undefined : reject(e)));
  });
}

/** True while `pid` is a live (not zombie) process. */
export function processAlive(pid: number): boolean {
  try {
    return existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}
