/**
 * The Producer contract. Producers render the plan they are given; they never
 * query the schedule or the library (enforced by lint). Only the ChannelManager
 * creates and drives them.
 */
import type { Readable } from 'node:stream';
import type { EventKind, ProducerStatus } from '../../../shared/types.ts';
import type { OutputProfile } from './output-profile.ts';

/** Where a segment's pictures and sound come from. */
export type SegmentSource =
  | {
      type: 'file';
      path: string;
      /** Position in the file where this segment starts (ms). */
      inPointMs: number;
      hasVideo: boolean;
      hasAudio: boolean;
    }
  /** Black and silence (pad to a boundary). */
  | { type: 'black' }
  /** A still slate of the channel's own format with a caption (errors, off-air). */
  | { type: 'slate'; caption: string };

/** One item of a playout plan, placed at absolute station time. */
export interface PlayoutSegment {
  /** Stable id of the playlog event this renders (for as-run and diagnostics). */
  eventId: string;
  kind: EventKind;
  title: string;
  /** Absolute station time (epoch ms) at which the segment starts and ends on air. */
  startMs: number;
  endMs: number;
  source: SegmentSource;
}

export interface PlayoutPlan {
  channelNumber: number;
  profile: OutputProfile;
  /** Contiguous, ordered segments; the first covers the start time. */
  segments: PlayoutSegment[];
}

export interface ProducerHealth {
  status: ProducerStatus;
  /** Human-readable reason when degraded or in error. */
  detail?: string;
}

export interface ProducerState extends ProducerHealth {
  producerId: string;
  kind: 'asset' | 'emergency' | 'guide' | 'slate';
  startedAtMs: number | null;
  /** eventId of the segment currently being emitted. */
  currentEventId: string | null;
  /** Station time up to which segments are queued. */
  queuedUntilMs: number;
  /** Live OS process ids this producer owns (for ownership checks and benchmarks). */
  pids: number[];
}

export interface Producer {
  readonly id: string;
  /**
   * Begin output so that the first frame emitted is what the plan says is on at
   * `stationTimeMs` (joining mid-segment at the right offset). Resolves once output
   * bytes are flowing; rejects (and leaves nothing running) if it cannot start.
   */
  start(plan: PlayoutPlan, stationTimeMs: number): Promise<void>;
  /** Append further contiguous segments (the ChannelManager keeps the queue topped up). */
  enqueue(segments: PlayoutSegment[]): void;
  /** Stop output and end every process it owns. Idempotent. */
  stop(): Promise<void>;
  health(): ProducerHealth;
  getState(): ProducerState;
  /** The MPEG-TS byte stream viewers attach to (through the fanout). */
  readonly output: Readable;
  /** Emitted status changes and errors, for the ChannelManager. */
  on(event: 'status', listener: (health: ProducerHealth) => void): this;
}
