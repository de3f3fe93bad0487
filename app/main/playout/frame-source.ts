/**
 * What feeds a channel's output: a producer's frames and samples. The output owns the
 * timeline and the pacing; a source only answers "frame n, please" and says when it is
 * ready. Swapping sources is a cut at a frame boundary; the encoder never notices.
 */
import type { MasterClock } from '../clock/master-clock.ts';
import type { FfmpegBinaries } from '../media/ffmpeg-binaries.ts';
import type { OutputProfile } from '../runtime/producer/output-profile.ts';
import type { PlayoutLogger } from './ffmpeg-process.ts';
import type { FrameTimeline } from './frame-timeline.ts';
import type { OutputFrame } from './frame-sink.ts';

/** Emitted through the context for every process a source starts. */
export interface ProcessSpawn {
  role: 'encoder' | 'decoder' | 'slate' | 'generator';
  pid: number | undefined;
  /** The segment a decoder serves. */
  eventId?: string;
}

/** A segment reaching the screen. */
export interface SegmentAiring {
  eventId: string;
  title: string;
  /** Output frame index at which the segment starts airing. */
  frame: number;
}

/** A decoder that died mid-segment and was restarted at the current position. */
export interface DecoderRestart {
  eventId: string;
  title: string;
  reason: string;
}

/** Media that could not be played: the slot airs the error slate instead. */
export interface MediaFault {
  eventId: string;
  title: string;
  path: string;
  reason: string;
}

/** What the output lends a source while it feeds it. */
export interface SourceContext {
  profile: OutputProfile;
  timeline: FrameTimeline;
  clock: MasterClock;
  binaries: FfmpegBinaries;
  log: PlayoutLogger;
  /** Real-time monotonic instant at which frame n is on screen. */
  frameDue(n: number): number;
  /** Wake the pacer (data arrived, a process ended). */
  wake(): void;
  /** Run `fire` when frame n is on screen (what viewers see is announced when they see it). */
  atFrame(n: number, fire: () => void): void;
  /** Raise (detail) or clear (null) a named health condition from frame n on. */
  condition(key: string, detail: string | null, n: number): void;
  spawned(p: ProcessSpawn): void;
  segment(s: SegmentAiring): void;
  mediaFault(f: MediaFault): void;
  decoderRestarted(r: DecoderRestart): void;
  /** The picture last written to the output (held over a late start). */
  lastVideo(): Buffer | null;
  /** A black frame and silence of the profile's size. */
  black: Buffer;
  silence(n: number): Buffer;
}

export interface FrameSource {
  /** Bind to an output: frames from `fromFrame` on. Called once. */
  attach(ctx: SourceContext, fromFrame: number): void;
  /** True when frame n can be given without padding (decides when a cut lands). */
  ready(n: number): boolean;
  /** What frame n still waits for, in a few words (said when a cut times out). */
  waitingFor?(n: number): string;
  /** Housekeeping before frame n: retire finished work, start the next decoder ahead. */
  prepare(n: number, nowMono: number): void;
  /** Frame n, or null to wait for it; when `late`, pad rather than wait. */
  frame(n: number, late: boolean): OutputFrame | null;
  /** Why this source cannot air (a generator that failed to start); null while fine. */
  failure(): string | null;
  /** eventId of what this source is putting out (diagnostics). */
  pids(): number[];
  /** End every process this source owns; resolves once they have exited. */
  stop(): Promise<void>;
}
