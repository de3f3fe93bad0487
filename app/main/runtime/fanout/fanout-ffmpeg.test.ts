/**
 * End-to-end checks of the fanout with real ffmpeg output, real HTTP and ffprobe.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../../clock/master-clock.ts';
import { resolveFfmpegBinaries } from '../../media/ffmpeg-binaries.ts';
import { FanoutBuffer, type FanoutOptions, type ViewerLeaveReason } from './fanout-buffer.ts';
import { TS_PACKET_SIZE, findVideoStream, isKeyframeStart, packetPid, parsePat, parsePmt } from './ts-packets.ts';

const { ffmpeg, ffprobe } = resolveFfmpegBinaries();
const clock = new SystemClock();
let dir = '';
let sampleTs: Buffer;

interface RunResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

function run(cmd: string, args: string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
  });
}

const ENCODE_ARGS = ['-c:v', 'libx264', '-g', '30', '-c:a', 'aac', '-f', 'mpegts'];

/** ffmpeg encoding testsrc2 + sine in real time to stdout: a producer's output. */
function liveEncoder(seconds: number) {
  return spawn(
    ffmpeg,
    [
      '-hide_banner', '-loglevel', 'error',
      '-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=30',
      '-re', '-f', 'lavfi', '-i', 'sine',
      '-t', String(seconds), ...ENCODE_ARGS, 'pipe:1',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

/** Byte positions of video keyframe packets, per ffprobe. */
async function keyframePositions(file: string): Promise<Set<number>> {
  const r = await run(ffprobe, ['-v', 'error', '-select_streams', 'v', '-show_entries', 'packet=pos,flags', '-of', 'csv=p=0', file]);
  expect(r.code).toBe(0);
  const set = new Set<number>();
  for (const line of r.stdout.toString().split('\n')) {
    const [pos, flags] = line.trim().split(',');
    if (flags?.startsWith('K')) set.add(Number(pos));
  }
  return set;
}

async function firstVideoFrame(file: string): Promise<{ key_frame: number; pict_type: string }> {
  const r = await run(ffprobe, [
    '-v', 'error', '-select_streams', 'v', '-show_frames', '-read_intervals', '%+#1',
    '-show_entries', 'frame=key_frame,pict_type', '-of', 'json', file,
  ]);
  expect(r.code).toBe(0);
  const frames = (JSON.parse(r.stdout.toString()) as { frames: { key_frame: number; pict_type: string }[] }).frames;
  expect(frames.length).toBeGreaterThan(0);
  return frames[0]!;
}

/** Decode a whole capture; returns ffmpeg's error output (empty when clean). */
async function decodeErrors(file: string): Promise<string> {
  const r = await run(ffmpeg, ['-v', 'error', '-i', file, '-f', 'null', '-']);
  expect(r.code).toBe(0);
  return r.stderr.trim();
}

/** Check a capture starts with PAT, PMT, then a video keyframe packet; returns the video PID. */
function expectPsiThenKeyframe(capture: Buffer): number {
  expect(capture.length).toBeGreaterThan(3 * TS_PACKET_SIZE);
  expect(packetPid(capture, 0)).toBe(0);
  const pmtPid = parsePat(capture, 0)?.[0]?.pmtPid;
  expect(pmtPid).toBeDefined();
  expect(packetPid(capture, TS_PACKET_SIZE)).toBe(pmtPid);
  const pmt = parsePmt(capture, TS_PACKET_SIZE);
  const video = pmt && findVideoStream(pmt);
  expect(video?.codec).toBe('h264');
  expect(isKeyframeStart(capture, 2 * TS_PACKET_SIZE, video!.pid, 'h264')).toBe(true);
  return video!.pid;
}

/** Where in `input` the stream part of a capture (after PAT+PMT) begins; it must run to the end. */
function offsetInInput(input: Buffer, capture: Buffer): number {
  const body = capture.subarray(2 * TS_PACKET_SIZE);
  const at = input.indexOf(body.subarray(0, 8 * TS_PACKET_SIZE));
  expect(at).toBeGreaterThanOrEqual(0);
  expect(at % TS_PACKET_SIZE).toBe(0);
  // In order, no loss, no duplication: the capture is exactly the input from there on.
  expect(input.length - at).toBe(body.length);
  expect(input.subarray(at).equals(body)).toBe(true);
  return at;
}

class Collector extends Writable {
  readonly chunks: Buffer[] = [];
  constructor(private readonly stall = false) {
    super();
  }
  override _write(chunk: Buffer, _e: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.chunks.push(chunk);
    if (!this.stall) cb();
  }
  get data(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function startServer(fanout: FanoutBuffer): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'video/mp2t', 'cache-control': 'no-store' });
    res.flushHeaders();
    fanout.addViewer(res);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ch1.ts` }));
  });
}

interface ClientCapture {
  res: http.IncomingMessage;
  req: http.ClientRequest;
  chunks: Buffer[];
  firstByteMs: Promise<number>;
  done: Promise<Buffer>;
}

function httpViewer(url: string): Promise<ClientCapture> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let gotFirst: (ms: number) => void = () => {};
      const firstByteMs = new Promise<number>((r) => (gotFirst = r));
      res.on('data', (c: Buffer) => {
        if (chunks.length === 0) gotFirst(performance.now() - t0);
        chunks.push(c);
      });
      const done = new Promise<Buffer>((r) => {
        res.on('end', () => r(Buffer.concat(chunks)));
        res.on('close', () => r(Buffer.concat(chunks)));
      });
      resolve({ res, req, chunks, firstByteMs, done });
    });
    req.on('error', reject);
  });
}

async function waitFor(cond: () => boolean, timeoutMs: number, stepMs = 5): Promise<number> {
  const t0 = performance.now();
  while (!cond()) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return performance.now() - t0;
}

function fanoutWith(options: FanoutOptions = {}): { fanout: FanoutBuffer; left: { id: string; reason: ViewerLeaveReason }[] } {
  const fanout = new FanoutBuffer(clock, { label: 'ch1', ...options });
  const left: { id: string; reason: ViewerLeaveReason }[] = [];
  fanout.on('viewerLeft', (id, reason) => left.push({ id, reason }));
  return { fanout, left };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'fanout-'));
  const file = path.join(dir, 'sample.ts');
  const r = await run(ffmpeg, [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=30', '-f', 'lavfi', '-i', 'sine',
    '-t', '4', ...ENCODE_ARGS, file,
  ]);
  expect(r.stderr).toBe('');
  sampleTs = readFileSync(file);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('FanoutBuffer with real ffmpeg output', () => {
  it('(a, d) serves early viewers everything in order and a late HTTP joiner from a keyframe, decodable at once', async () => {
    const { fanout, left } = fanoutWith();
    const { server, url } = await startServer(fanout);
    try {
      const early = [new PassThrough(), new PassThrough()];
      const earlyData = early.map((p) => {
        const chunks: Buffer[] = [];
        p.on('data', (c: Buffer) => chunks.push(c));
        return chunks;
      });
      for (const p of early) fanout.addViewer(p);

      const encoder = liveEncoder(4);
      const input: Buffer[] = [];
      encoder.stdout.on('data', (c: Buffer) => input.push(c));
      fanout.attach(encoder.stdout);
      const ended = once(fanout, 'sourceEnd');

      // Join once the channel has been on air for two GOPs.
      await waitFor(() => fanout.stats().keyframes >= 2, 20_000);
      let joinedAt = 0;
      fanout.once('viewerJoined', () => (joinedAt = performance.now()));
      const late = await httpViewer(url);
      const firstByteMs = await late.firstByteMs;
      const sinceAddViewerMs = performance.now() - joinedAt;
      const captured = await late.done;
      await ended;
      await waitFor(() => fanout.viewerCount === 0, 2000);

      const inputTs = Buffer.concat(input);
      const inputFile = path.join(dir, 'live-input.ts');
      writeFileSync(inputFile, inputTs);
      const keyPositions = await keyframePositions(inputFile);

      // Early viewers: PAT, PMT, then every byte from the first keyframe.
      for (const chunks of earlyData) {
        const data = Buffer.concat(chunks);
        expectPsiThenKeyframe(data);
        const at = offsetInInput(inputTs, data);
        expect(at).toBe(Math.min(...keyPositions));
      }

      // Late joiner: PAT, PMT, a keyframe that is not the first, then the rest in order.
      expectPsiThenKeyframe(captured);
      const at = offsetInInput(inputTs, captured);
      expect(keyPositions.has(at)).toBe(true);
      expect(at).toBeGreaterThan(Math.min(...keyPositions));
      const lateFile = path.join(dir, 'late-joiner.ts');
      writeFileSync(lateFile, captured);
      expect(await firstVideoFrame(lateFile)).toEqual({ key_frame: 1, pict_type: 'I' });
      expect(await decodeErrors(lateFile)).toBe('');

      expect(left.map((l) => l.reason)).toEqual(['source-ended', 'source-ended', 'source-ended']);
      console.info(
        `[fanout] warm HTTP join: first byte ${firstByteMs.toFixed(1)} ms after the request (cold client), ` +
          `<= ${sinceAddViewerMs.toFixed(1)} ms after addViewer; late capture ${captured.length} B of ${inputTs.length} B`,
      );
      expect(firstByteMs).toBeLessThan(500);
    } finally {
      server.close();
      fanout.close();
    }
  });

  it('(b) drops a stalled viewer while a fast one gets everything at full speed', async () => {
    const { fanout, left } = fanoutWith({ maxCacheBytes: 256 * 1024, maxViewerBacklogBytes: 512 * 1024 });
    const { server, url } = await startServer(fanout);
    try {
      const fast = new Collector();
      const stalled = new Collector(true);
      const fastId = fanout.addViewer(fast);
      const stalledId = fanout.addViewer(stalled);
      const source = new PassThrough();
      fanout.attach(source);
      const head = 64 * 1024;
      source.write(sampleTs.subarray(0, head));
      await waitFor(() => fanout.stats().cacheReady, 2000);
      // An HTTP client that reads the first bytes and then stops reading.
      const paused = await httpViewer(url);
      await paused.firstByteMs;
      paused.res.pause();
      const pausedId = fanout.stats().viewers.at(-1)!.id;

      // Back-to-back copies of the sample, as fast as the source can go, until both
      // slow viewers are gone (the paused client first fills the kernel's socket buffers).
      let copies = 0;
      const lagging = (): number => fanout.stats().departures.lagging;
      function* feed(): Generator<Buffer> {
        yield* chunked(sampleTs.subarray(head), 32 * 1024 + 7);
        copies = 1;
        while (copies < 30 || (lagging() < 2 && copies < 300)) {
          yield* chunked(sampleTs, 32 * 1024 + 7);
          copies++;
        }
      }
      const t0 = performance.now();
      const ended = once(fanout, 'sourceEnd');
      Readable.from(feed()).pipe(source);
      await ended;
      const ms = performance.now() - t0;
      await waitFor(() => fast.writableFinished, 2000);
      await waitFor(() => paused.res.destroyed, 2000);

      expect(left).toEqual(
        expect.arrayContaining([
          { id: stalledId, reason: 'lagging' },
          { id: pausedId, reason: 'lagging' },
          { id: fastId, reason: 'source-ended' },
        ]),
      );
      expect(stalled.destroyed).toBe(true);
      const input = Buffer.concat(Array.from({ length: copies }, () => sampleTs));
      const kf0 = Math.min(...(await keyframePositions(await writeTemp('sample-b.ts', sampleTs))));
      expectPsiThenKeyframe(fast.data);
      expect(fast.data.subarray(2 * TS_PACKET_SIZE).equals(input.subarray(kf0))).toBe(true);
      const mbps = input.length / 1e6 / (ms / 1000);
      console.info(`[fanout] ${(input.length / 1e6).toFixed(1)} MB through the fanout in ${ms.toFixed(0)} ms (${mbps.toFixed(0)} MB/s) with a stalled and a paused HTTP viewer`);
      expect(fanout.stats().departures.lagging).toBe(2);
    } finally {
      server.close();
      fanout.close();
    }
  });

  it('(c) removes an HTTP viewer as soon as the client disconnects, even while the source is idle', async () => {
    const { fanout, left } = fanoutWith();
    const { server, url } = await startServer(fanout);
    try {
      const source = new PassThrough();
      fanout.attach(source);
      source.write(sampleTs); // on air with a cached GOP; then no more data flows
      await waitFor(() => fanout.stats().cacheReady, 2000);

      const client = await httpViewer(url);
      await client.firstByteMs;
      expect(fanout.viewerCount).toBe(1);
      client.req.destroy();
      const ms = await waitFor(() => fanout.viewerCount === 0, 1000, 1);
      expect(left.map((l) => l.reason)).toEqual(['closed']);
      console.info(`[fanout] client disconnect noticed after ${ms.toFixed(1)} ms`);
      expect(ms).toBeLessThan(300);
    } finally {
      server.close();
      fanout.close();
    }
  });
});

function* chunked(buf: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function writeTemp(name: string, data: Buffer): Promise<string> {
  const file = path.join(dir, name);
  writeFileSync(file, data);
  return file;
}
