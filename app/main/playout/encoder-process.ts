/**
 * The channel's encoder: one ffmpeg reading raw frames on stdin and raw samples on fd 3,
 * writing MPEG-TS on stdout. It is a FrameSink: the pacer writes frames, the encoder
 * neither knows nor cares which producer made them.
 */
import type { Readable, Writable } from 'node:stream';
import type { MasterClock } from '../clock/master-clock.ts';
import type { OutputProfile } from '../runtime/producer/output-profile.ts';
import { buildEncoderArgs, type EncoderArgsOptions } from './encoder-args.ts';
import { OwnedProcess, describeExit, type PlayoutLogger, type ProcessExit } from './ffmpeg-process.ts';
import type { FrameSink, OutputFrame } from './frame-sink.ts';

export interface EncoderProcessOptions {
  binary: string;
  profile: OutputProfile;
  clock: MasterClock;
  log: PlayoutLogger;
  preset?: EncoderArgsOptions['preset'];
  /** Output timestamps start here (s): a restarted encoder continues the channel's clock. */
  tsOffsetSeconds?: number;
  /** An encoder that takes no input for this long is treated as dead. */
  stallTimeoutMs: number;
  onData: (chunk: Buffer) => void;
}

export class EncoderProcess implements FrameSink {
  readonly proc: OwnedProcess;
  /** Resolves with the exit; the owner decides whether to restart. */
  readonly exited: Promise<ProcessExit>;
  /** Resolves on the first output bytes; rejects if the process ends first. */
  readonly firstBytes: Promise<void>;
  private readonly video: Writable | null;
  private readonly audio: Writable | null;
  private readonly tail: string[] = [];
  private stalled: string | null = null;

  constructor(private readonly opts: EncoderProcessOptions) {
    const args = buildEncoderArgs(opts.profile, { preset: opts.preset, tsOffsetSeconds: opts.tsOffsetSeconds });
    this.proc = new OwnedProcess(opts.binary, args, {
      source: 'encoder',
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
      log: (line) => {
        this.tail.push(line.text);
        if (this.tail.length > 4) this.tail.shift();
        opts.log(line);
      },
    });
    this.exited = this.proc.exited;
    this.video = this.proc.stream(0) as Writable | null;
    this.audio = this.proc.stream(3) as Writable | null;
    const stdout = this.proc.stream(1) as Readable | null;
    this.firstBytes = new Promise<void>((resolve, reject) => {
      stdout?.on('data', (chunk: Buffer) => {
        resolve();
        opts.onData(chunk);
      });
      void this.exited.then((exit) => reject(new Error(this.describe(exit))));
    });
    // Observed by the owner when it cares; never an unhandled rejection.
    this.firstBytes.catch(() => {});
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get accepting(): boolean {
    return this.proc.alive && !this.stalled && !!this.video && !this.video.destroyed && !!this.audio && !this.audio.destroyed;
  }

  /** Why it ended, with ffmpeg's last lines. */
  describe(exit: ProcessExit): string {
    const why = this.stalled ?? `encoder ended (${describeExit(exit)})`;
    return this.tail.length ? `${why}: ${this.tail.slice(-2).join(' | ')}` : why;
  }

  async write(_n: number, frame: OutputFrame): Promise<void> {
    const v = this.video;
    const a = this.audio;
    if (!this.accepting || !v || !a) return;
    const vOk = v.write(frame.video);
    const aOk = a.write(frame.audio);
    if (!vOk) await this.drain(v);
    if (!aOk) await this.drain(a);
  }

  kill(): Promise<ProcessExit> {
    return this.proc.kill();
  }

  private drain(s: Writable): Promise<void> {
    if (!s.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const since = this.opts.clock.monotonicMs();
      const done = () => {
        s.off('drain', done);
        s.off('close', done);
        clearInterval(poll);
        resolve();
      };
      s.once('drain', done);
      s.once('close', done);
      const poll = setInterval(() => {
        if (!this.proc.alive) done();
        // An encoder that stops reading (stuck exiting while one input thread waits on the
        // other pipe) would hang the channel: end it, and let its exit be handled.
        else if (this.opts.clock.monotonicMs() - since > this.opts.stallTimeoutMs) {
          this.stalled = `encoder stalled: not reading input for ${this.opts.stallTimeoutMs} ms`;
          done();
          void this.proc.kill(true);
        }
      }, 50);
      poll.unref?.();
    });
  }
}
