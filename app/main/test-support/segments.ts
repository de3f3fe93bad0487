/** Playout segments for tests. */
import type { PlayoutSegment, SegmentSource } from '../runtime/producer/producer.ts';

/** A whole-file source with video and audio, unless told otherwise. */
export const fileSource = (p: string, extra: Partial<Extract<SegmentSource, { type: 'file' }>> = {}): SegmentSource => ({
  type: 'file',
  path: p,
  inPointMs: 0,
  hasVideo: true,
  hasAudio: true,
  ...extra,
});

/** A program segment (unless told otherwise) titled after its event id. */
export const segment = (eventId: string, startMs: number, endMs: number, source: SegmentSource, extra: Partial<PlayoutSegment> = {}): PlayoutSegment => ({
  eventId,
  kind: 'program',
  title: eventId,
  startMs,
  endMs,
  source,
  ...extra,
});
