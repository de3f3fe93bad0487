/** Turns playlog events (schedule data) into playout segments (what a producer renders). Pure. */
import type { PlaylogEvent } from '../schedule/types.ts';
import type { PlayoutSegment, SegmentSource } from './producer/producer.ts';

export function segmentFromEvent(e: PlaylogEvent): PlayoutSegment {
  let source: SegmentSource;
  // A card the schedule asks for (the sign-off's bars and cards): drawn by a generator.
  if (e.card) source = { type: 'generated', spec: e.card.kind === 'bars' ? { kind: 'bars' } : { kind: 'slate', heading: e.card.heading, textFile: null, tone: false } };
  else if (e.kind === 'pad' || (!e.path && e.assetId === null)) source = { type: 'black' };
  else if (!e.path) source = { type: 'slate', caption: `${e.title} is not available` };
  else source = { type: 'file', path: e.path, inPointMs: e.inPointMs, hasVideo: e.hasVideo, hasAudio: e.hasAudio, ...(e.gainDb ? { gainDb: e.gainDb } : {}) };
  return { eventId: e.id, kind: e.kind, title: e.title, startMs: e.startMs, endMs: e.endMs, source };
}

/** Segments from `fromMs` on: the first may start before it (joined mid-event). */
export function segmentsFrom(events: PlaylogEvent[], fromMs: number): PlayoutSegment[] {
  return events.filter((e) => e.endMs > fromMs).sort((a, b) => a.startMs - b.startMs).map(segmentFromEvent);
}
