/**
 * Fanout benchmark: throughput with N viewers, and warm-join latency.
 *
 *   npx tsx bench/fanout.bench.ts
 *
 * The input is a real ffmpeg MPEG-TS (H.264 + AAC, keyframe each second) repeated,
 * fed in 64 KiB chunks (not a multiple of 188, so every chunk takes the straddling
 * packet path, as with a pipe from ffmpeg).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { SystemClock } from '../app/main/clock/master-clock.ts';
import { resolveFfmpegBinaries } from '../app/main/media/ffmpeg-binaries.ts';
import { FanoutBuffer } from '../app/main/runtime/fanout/fanout-buffer.ts';

export interface FanoutBenchResult {
  throughput: { viewers: number; sink: 'memory' | 'http'; mbPerSec: number }[];
  warmJoinAddViewerMs: number;
  warmJoinHttpFirstByteMs: { median: number; p95: number };
  cacheBytes: number;
}

class NullSink extends Writable {
  bytes = 0;
  override _write(chunk: Buffer, _e: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.bytes += chunk.length;
    cb();
  }
  override _writev(chunks: { chunk: Buffer }[], cb: (err?: Error | null) => void): void {
    for (const c of chunks) this.bytes += c.chunk.length;
    cb();
  }
}

function makeSample(seconds: number): Buffer {
  const { ffmpeg } = resolveFfmpegBinaries();
  const dir = mkdtempSync(path.join(tmpdir(), 'fanout-bench-'));
  const file = path.join(dir, 'sample.ts');
  try {
    const r = spawnSync(ffmpeg, [
      '-hide_banner', '-loglevel', 'error', '-y',
      '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30', '-f', 'lavfi', '-i', 'sine',
      '-t', String(seconds), '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '3M', '-g', '30', '-c:a', 'aac', '-f', 'mpegts', file,
    ]);
    if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr.toString()}`);
    return readFileSync(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function* chunks(buf: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

/** A source whose chunks are pushed synchronously, so the timing is the fanout's own work. */
class PushSource extends Readable {
  override _read(): void {}
}

async function memoryThroughput(input: Buffer, viewers: number): Promise<number> {
  const clock = new SystemClock();
  let best = 0;
  for (let round = 0; round < 3; round++) {
    const fanout = new FanoutBuffer(clock);
    const sinks = Array.from({ length: viewers }, () => new NullSink());
    for (const s of sinks) fanout.addViewer(s);
    const source = new PushSource();
    fanout.attach(source);
    await new Promise((r) => setImmediate(r)); // flowing from here on: push() emits 'data' at once
    const t0 = clock.monotonicMs();
    for (const c of chunks(input, 64 * 1024)) source.push(c);
    const ms = clock.monotonicMs() - t0;
    if (fanout.stats().bytesIn !== input.length) throw new Error('source data was buffered, timing would be wrong');
    await new Promise((r) => setImmediate(r));
    fanout.close();
    if (sinks.some((s) => s.bytes < input.length * 0.9)) throw new Error('a viewer missed data');
    best = Math.max(best, input.length / 1e6 / (ms / 1000));
  }
  return best;
}

async function httpThroughput(input: Buffer, viewers: number): Promise<number> {
  const clock = new SystemClock();
  const fanout = new FanoutBuffer(clock, { maxViewerBacklogBytes: 64 * 1024 * 1024 });
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'video/mp2t' });
    fanout.addViewer(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const done: Promise<number>[] = [];
  for (let i = 0; i < viewers; i++) {
    done.push(
      new Promise((resolve, reject) => {
        http
          .get(url, { agent: false }, (res) => {
            let n = 0;
            res.on('data', (c: Buffer) => (n += c.length));
            res.on('end', () => resolve(n));
          })
          .on('error', reject);
      }),
    );
  }
  while (fanout.viewerCount < viewers) await new Promise((r) => setTimeout(r, 5));
  const source = new PassThrough();
  const t0 = clock.monotonicMs();
  fanout.attach(source);
  Readable.from(chunks(input, 64 * 1024)).pipe(source);
  const received = await Promise.all(done);
  const ms = clock.monotonicMs() - t0;
  server.close();
  fanout.close();
  if (received.some((n) => n < input.length * 0.9)) throw new Error('an HTTP viewer missed data');
  return input.length / 1e6 / (ms / 1000);
}

async function warmJoin(sample: Buffer): Promise<Pick<FanoutBenchResult, 'warmJoinAddViewerMs' | 'warmJoinHttpFirstByteMs' | 'cacheBytes'>> {
  const clock = new SystemClock();
  const fanout = new FanoutBuffer(clock);
  const source = new PassThrough();
  fanout.attach(source);
  // Stop mid-GOP so the cache holds about half a GOP plus the keyframe.
  source.write(sample.subarray(0, Math.floor(sample.length * 0.55)));
  await new Promise((r) => setImmediate(r));
  const cacheBytes = fanout.stats().cacheBytes;

  const sink = new NullSink();
  const t0 = clock.monotonicMs();
  fanout.addViewer(sink);
  const warmJoinAddViewerMs = clock.monotonicMs() - t0;

  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'video/mp2t' });
    fanout.addViewer(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const times: number[] = [];
  for (let i = 0; i < 60; i++) {
    const t = clock.monotonicMs();
    await new Promise<void>((resolve, reject) => {
      const req = http.get(url, { agent: false }, (res) => {
        res.once('data', () => {
          times.push(clock.monotonicMs() - t);
          req.destroy();
          resolve();
        });
      });
      req.on('error', reject);
    });
  }
  server.close();
  fanout.close();
  const sorted = times.slice(10).sort((a, b) => a - b); // skip warm-up
  return {
    cacheBytes,
    warmJoinAddViewerMs,
    warmJoinHttpFirstByteMs: { median: sorted[Math.floor(sorted.length / 2)]!, p95: sorted[Math.floor(sorted.length * 0.95)]! },
  };
}

export async function runFanoutBench(): Promise<FanoutBenchResult> {
  const sample = makeSample(6);
  const input = Buffer.concat(Array.from({ length: Math.ceil(40e6 / sample.length) }, () => sample));
  const throughput: FanoutBenchResult['throughput'] = [];
  await memoryThroughput(input, 2); // JIT warm-up
  for (const viewers of [1, 4, 16, 64]) throughput.push({ viewers, sink: 'memory', mbPerSec: await memoryThroughput(input, viewers) });
  const httpInput = input.subarray(0, Math.floor(input.length / 4));
  for (const viewers of [1, 4, 16]) throughput.push({ viewers, sink: 'http', mbPerSec: await httpThroughput(httpInput, viewers) });
  return { throughput, ...(await warmJoin(sample)) };
}

/** Prints the fanout figures (called by bench/run.ts). */
export async function run(): Promise<void> {
  const r = await runFanoutBench();
  for (const t of r.throughput) {
    console.log(`fanout.${t.sink}.${t.viewers}_viewers: ${t.mbPerSec.toFixed(0)} MB/s in, ${(t.mbPerSec * t.viewers).toFixed(0)} MB/s out`);
  }
  console.log(`fanout.warm_join_add_viewer_ms: ${r.warmJoinAddViewerMs.toFixed(2)} (${(r.cacheBytes / 1024).toFixed(0)} KiB cached)`);
  console.log(`fanout.warm_join_http_first_byte_ms: median ${r.warmJoinHttpFirstByteMs.median.toFixed(2)}, p95 ${r.warmJoinHttpFirstByteMs.p95.toFixed(2)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
