/**
 * A disposable decoder for one segment: one ffmpeg writing raw frames to fd 3 and
 * raw samples to fd 4. This class buffers both streams, hands them out by count,
 * and applies backpressure so memory stays bounded.
 *
 * Backpressure pauses BOTH pipes only when BOTH have enough buffered, and resumes
 * both as soon as either runs low. ffmpeg writes the two outputs from one thread,
 * so pausing one pipe while the consumer waits on the other would deadlock.
 */
import type { Readable } from 'node:stream';
import { DECODER_AUDIO_FD, DECODER_VIDEO_FD } from './decoder-args.ts';
import { OwnedProcess, describeExit, exitedCleanly, type LogSource, type PlayoutLogger } from './ffmpeg-process.ts';

export interface SegmentDecoderOptions {
  binary: string;
  args: string[];
  video: boolean;
  audio: boolean;
  frameBytes: number;
  /** Average audio bytes per video frame, to express the audio buffer in frames. */
  audioBytesPerFrame: number;
  /** Pause reading once this many frames (and their audio) are buffered. */
  highWaterFrames: number;
  source: LogSource;
  eventId: string;
  log: PlayoutLogger;
  /** Called whenever data arrives or a stream/process ends. */
  onActivity: () => void;
}

export class SegmentDecoder {
  readonly proc: OwnedProcess;
  readonly hasVideo: boolean;
  readonly hasAudio: boolean;
  private readonly opts: SegmentDecoderOptions;
  private readonly videoIn: Readable | null;
  private readonly audioIn: Readable | null;

  private frames: Buffer[] = [];
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private audioChunks: Buffer[] = [];
  private audioBytes = 0;

  /** Index (within the segment) of the next frame this decoder hands out. */
  videoIndex = 0;
  /** Byte position (within the segment) of the next audio byte handed out. */
  audioPos = 0;

  videoEnded: boolean;
  audioEnded: boolean;
  private paused = false;
  private unlimited = false;
  private killedByOwner = false;
  private lastLogLine = '';

  constructor(opts: SegmentDecoderOptions) {
    this.opts = opts;
    this.hasVideo = opts.video;
    this.hasAudio = opts.audio;
    this.videoEnded = !opts.video;
    this.audioEnded = !opts.audio;
    const stdio: ('pipe' | 'ignore')[] = ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'];
    this.proc = new OwnedProcess(opts.binary, opts.args, {
      source: opts.source,
      eventId: opts.eventId,
      stdio,
      // Nothing to flush: a short grace, then SIGKILL.
      killGraceMs: 300,
      log: (line) => {
        this.lastLogLine = line.text;
        opts.log(line);
      },
    });
    this.videoIn = opts.video ? (this.proc.stream(DECODER_VIDEO_FD) as Readable | null) : null;
    this.audioIn = opts.audio ? (this.proc.stream(DECODER_AUDIO_FD) as Readable | null) : null;

    if (this.videoIn) {
      this.videoIn.on('data', (chunk: Buffer) => this.onVideo(chunk));
      this.videoIn.once('end', () => this.endVideo());
      this.videoIn.once('close', () => this.endVideo());
    } else this.videoEnded = true;
    if (this.audioIn) {
      this.audioIn.on('data', (chunk: Buffer) => this.onAudio(chunk));
      this.audioIn.once('end', () => this.endAudio());
      this.audioIn.once('close', () => this.endAudio());
    } else this.audioEnded = true;
    void this.proc.exited.then(() => opts.onActivity());
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get alive(): boolean {
    return this.proc.alive;
  }

  /** Every stream has ended and the process has been reaped. */
  get done(): boolean {
    return this.videoEnded && this.audioEnded && this.proc.exitStatus !== null;
  }

  /** Why the decoder failed, once it has exited unsuccessfully (null while running or on success). */
  get failure(): string | null {
    const exit = this.proc.exitStatus;
    if (!exit || exitedCleanly(exit) || this.killedByOwner) return null;
    const why = describeExit(exit);
    return this.lastLogLine ? `${why}: ${this.lastLogLine}` : why;
  }

  framesAvailable(): number {
    return this.frames.length;
  }

  audioAvailable(): number {
    return this.audioBytes;
  }

  takeFrame(): Buffer | undefined {
    const f = this.frames.shift();
    if (f) {
      this.videoIndex++;
      this.updateFlow();
    }
    return f;
  }

  /** Drop buffered frames until the next one handed out has segment index `k`. */
  skipFramesTo(k: number): void {
    while (this.videoIndex < k && this.frames.length > 0) {
      this.frames.shift();
      this.videoIndex++;
    }
    this.updateFlow();
  }

  /** Take up to `bytes` of audio (fewer if that is all there is). */
  takeAudio(bytes: number): Buffer {
    const out = this.readAudio(Math.min(bytes, this.audioBytes), true);
    this.updateFlow();
    return out;
  }

  /** Drop buffered audio until the byte position reaches `pos`. */
  skipAudioTo(pos: number): void {
    const n = Math.min(Math.max(0, pos - this.audioPos), this.audioBytes);
    if (n > 0) this.readAudio(n, false);
    this.updateFlow();
  }

  /** Lift the buffer limit so the process can run to completion (used near the end of a segment). */
  setUnlimited(): void {
    if (this.unlimited) return;
    this.unlimited = true;
    this.updateFlow();
  }

  kill(): Promise<unknown> {
    if (this.proc.alive) this.killedByOwner = true;
    this.frames = [];
    this.partial = [];
    this.audioChunks = [];
    this.audioBytes = 0;
    return this.proc.kill();
  }

  private readAudio(n: number, keep: boolean): Buffer {
    const parts: Buffer[] = [];
    let left = n;
    while (left > 0) {
      const head = this.audioChunks[0];
      if (!head) break;
      if (head.length <= left) {
        if (keep) parts.push(head);
        this.audioChunks.shift();
        left -= head.length;
      } else {
        if (keep) parts.push(head.subarray(0, left));
        this.audioChunks[0] = head.subarray(left);
        left = 0;
      }
    }
    const taken = n - left;
    this.audioBytes -= taken;
    this.audioPos += taken;
    return keep ? Buffer.concat(parts, taken) : Buffer.alloc(0);
  }

  private onVideo(chunk: Buffer): void {
    const size = this.opts.frameBytes;
    let buf = chunk;
    while (buf.length > 0) {
      const need = size - this.partialBytes;
      if (buf.length < need) {
        this.partial.push(buf);
        this.partialBytes += buf.length;
        break;
      }
      this.partial.push(buf.subarray(0, need));
      this.frames.push(this.partial.length === 1 ? Buffer.from(this.partial[0]!) : Buffer.concat(this.partial, size));
      this.partial = [];
      this.partialBytes = 0;
      buf = buf.subarray(need);
    }
    this.updateFlow();
    this.opts.onActivity();
  }

  private onAudio(chunk: Buffer): void {
    this.audioChunks.push(chunk);
    this.audioBytes += chunk.length;
    this.updateFlow();
    this.opts.onActivity();
  }

  private endVideo(): void {
    if (this.videoEnded) return;
    this.videoEnded = true;
    // A trailing partial frame is useless; drop it.
    this.partial = [];
    this.partialBytes = 0;
    this.updateFlow();
    this.opts.onActivity();
  }

  private endAudio(): void {
    if (this.audioEnded) return;
    this.audioEnded = true;
    this.updateFlow();
    this.opts.onActivity();
  }

  private updateFlow(): void {
    const high = this.opts.highWaterFrames;
    const low = Math.max(1, Math.floor(high / 2));
    // An ended stream will not grow, so it must not hold the other one back.
    const v = this.videoEnded ? Infinity : this.frames.length;
    const a = this.audioEnded ? Infinity : this.audioBytes / Math.max(1, this.opts.audioBytesPerFrame);
    const level = Math.min(v, a);
    if (!this.paused && !this.unlimited && level >= high) {
      this.paused = true;
      this.videoIn?.pause();
      this.audioIn?.pause();
    } else if (this.paused && (this.unlimited || level < low)) {
      this.paused = false;
      this.videoIn?.resume();
      this.audioIn?.resume();
    }
  }
}
