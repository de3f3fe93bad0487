/**
 * What a channel's output actually carried, as it happened on screen: the evidence the
 * as-run log and monitoring are built from. Frames are output frame indices and station
 * times are those frames' labels, so an entry's length is counted, not guessed.
 */
import type { ProducerKind } from '../../shared/types.ts';

export interface AirMark {
  /** Output frame index (0 = the first frame of this time on air). */
  frame: number;
  /** Station time of that frame (ms). */
  stationMs: number;
  /** Frames padded or held because a source was late, up to this point of this time on air. */
  paddedFrames: number;
}

export type AirEvidence =
  | (AirMark & { type: 'on-air'; kind: ProducerKind; detail: string | null; fpsNum: number; fpsDen: number })
  | (AirMark & { type: 'segment'; kind: ProducerKind; eventId: string; title: string })
  | (AirMark & { type: 'cut'; kind: ProducerKind; detail: string | null })
  | (AirMark & { type: 'off-air'; reason: string })
  | (AirMark & { type: 'media-fault'; eventId: string; title: string; file: string; reason: string })
  | (AirMark & { type: 'decoder-restart'; eventId: string; title: string; reason: string })
  | (AirMark & { type: 'encoder-restart'; reason: string; attempt: number });
