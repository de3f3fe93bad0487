/**
 * The Producer contract. Producers render the plan they are given; they never
 * query the schedule or the library (enforced by lint). Only the ChannelManager
 * creates and drives them.
 */
import type { EmergencyStyle, EventKind } from '../../../shared/types.ts';
import type { FrameSource } from '../../playout/frame-source.ts';
import type { GeneratorSpec } from '../../playout/generator-args.ts';

/** Where a segment's pictures and sound come from. */
export type SegmentSource =
  | {
      type: 'file';
      path: string;
      /** Position in the file where this segment starts (ms). */
      inPointMs: number;
      hasVideo: boolean;
      hasAudio: boolean;
      /** Gain (dB) to the channel's loudness target, applied at decode. */
      gainDb?: number;
    }
  /** Black and silence (pad to a boundary). */
  | { type: 'black' }
  /** A still slate of the channel's own format with a caption (errors, off-air). */
  | { type: 'slate'; caption: string }
  /** Pictures and sound RetroVue draws itself (alert cards, bars, the guide). */
  | { type: 'generated'; spec: GeneratorSpec };

export type OverlayCorner = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';

/**
 * Branding drawn over a segment's pictures (the ChannelManager decides them; producers
 * pass them through; the engine composes them). Times are ms from the segment's start.
 */
export type SegmentOverlay =
  /** The channel's logo bug, for the whole segment. */
  | { kind: 'logo'; image: string; corner: OverlayCorner; opacity: number; heightPct: number; marginPct: number }
  /** The programme's rating ("TV-PG") in a corner. */
  | { kind: 'rating'; text: string; corner: OverlayCorner; fromMs: number; untilMs: number }
  /** A lower third ("Next: Night Detective at 8:30"). */
  | { kind: 'lower-third'; text: string; fromMs: number; untilMs: number }
  /** A text crawl along the foot of the picture; `sinceMs` (station time) keeps its scroll continuous across segments. */
  | { kind: 'crawl'; text: string; fromMs: number; untilMs: number; sinceMs: number };

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
  /** Branding over the pictures (file sources with video only). */
  overlays?: SegmentOverlay[];
}

/** The operator's alert, as the EmergencyProducer renders it. */
export interface AlertPlan {
  message: string;
  style: EmergencyStyle;
  /** Station time the emergency began (the attention signal plays from here). */
  sinceMs: number;
  stationName: string;
}

/** One channel's listings for the guide channel. */
export interface GuideListing {
  number: number;
  name: string;
  /** What is on now and next, in order. */
  items: { startMs: number; endMs: number; title: string }[];
}

export interface GuidePlan {
  stationName: string;
  timezone: string;
  listings: GuideListing[];
}

export type SlateStyle = 'maintenance' | 'testpattern' | 'countdown';

export interface SlatePlan {
  style: SlateStyle;
  heading?: string;
  text?: string;
  /** For a countdown: station time it counts down to. */
  targetMs?: number;
}

/** What the ChannelManager asks a producer to render. */
export type ProducerPlan =
  | { kind: 'asset'; segments: PlayoutSegment[] }
  | { kind: 'emergency'; alert: AlertPlan; segments: PlayoutSegment[] }
  | { kind: 'guide'; guide: GuidePlan }
  | { kind: 'slate'; slate: SlatePlan };

export type ProducerKind = ProducerPlan['kind'];

/**
 * A Producer is a frame-and-sample source for a plan: it feeds the channel's output
 * (which owns the encoder) and never owns an encoder itself.
 */
export interface Producer extends FrameSource {
  readonly id: string;
  readonly kind: ProducerKind;
  /** Append further contiguous segments (asset and crawl producers; others ignore them). */
  enqueue(segments: PlayoutSegment[]): void;
  /** Station time up to which segments are queued. */
  queuedUntilMs(): number;
}
