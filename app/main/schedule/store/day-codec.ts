/**
 * The compact stored form of a day's events, and back. Pure: the decoder is given
 * the asset facts it needs.
 */
import { eventId } from '../builder/event-id.ts';
import type { BuiltBlock, EventKind, PlaylogEvent, ScheduleCard } from '../types.ts';
import type { AssetInfo } from './library.ts';

const EVENT_KINDS: readonly EventKind[] = ['program', 'commercial', 'promo', 'station_id', 'bumper', 'filler', 'pad'];

const EVENT_CODE: Record<EventKind, number> = { program: 0, commercial: 1, promo: 2, station_id: 3, bumper: 4, filler: 5, pad: 6 };

/**
 * A day's events as compact JSON: the event count of each block (n), titles of
 * assetless events (t), then four numbers per event (e): duration, kind, asset id
 * (or -1 - title index), in-point. Events are contiguous within a block, so starts
 * follow from the block start; ids from channel and start; titles, paths and
 * streams of assets from the library rows (assets are never deleted, only retired).
 * Generated cards (the sign-off's bars and cards) ride with their title: `k` holds
 * the card of each title, present only in days that have one.
 */
export function encodeDayEvents(blocks: BuiltBlock[]): string {
  const titles: string[] = [];
  const cards: Array<ScheduleCard | null> = [];
  const keys: string[] = [];
  const counts: number[] = [];
  const flat: number[] = [];
  for (const b of blocks) {
    counts.push(b.events.length);
    for (const e of b.events) {
      let ref: number;
      if (e.assetId === null) {
        const key = e.card ? `${e.title}\u0000${JSON.stringify(e.card)}` : e.title;
        let ti = keys.indexOf(key);
        if (ti < 0) {
          keys.push(key);
          cards.push(e.card ?? null);
          ti = titles.push(e.title) - 1;
        }
        ref = -1 - ti;
      } else ref = e.assetId;
      flat.push(e.durationMs, EVENT_CODE[e.kind], ref, e.inPointMs);
    }
  }
  return JSON.stringify({ v: 3, t: titles, n: counts, e: flat, ...(cards.some((c) => c !== null) ? { k: cards } : {}) });
}

/** Fill `blocks` with the events of `text`; false when the text is not a day of these blocks. */
export function decodeDayEvents(channelNumber: number, blocks: BuiltBlock[], text: string, asset: (id: number) => AssetInfo): boolean {
  let doc: { v: number; t: string[]; n: number[]; e: number[]; k?: Array<ScheduleCard | null> };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch {
    return false;
  }
  if (doc.v !== 3 || !Array.isArray(doc.n) || doc.n.length !== blocks.length) return false;
  let p = 0;
  blocks.forEach((block, i) => {
    const events: PlaylogEvent[] = [];
    let startMs = block.entry.startMs;
    const count = doc.n[i] ?? 0;
    for (let k = 0; k < count; k++, p += 4) {
      const dur = doc.e[p] as number;
      const ref = doc.e[p + 2] as number;
      const a = ref >= 0 ? asset(ref) : null;
      const card = ref < 0 ? doc.k?.[-1 - ref] : null;
      const ev: PlaylogEvent = {
        id: eventId(channelNumber, startMs),
        channelNumber,
        startMs,
        endMs: startMs + dur,
        kind: EVENT_KINDS[doc.e[p + 1] as number] ?? 'pad',
        assetId: ref >= 0 ? ref : null,
        title: a ? a.title : (doc.t[-1 - ref] ?? ''),
        inPointMs: doc.e[p + 3] as number,
        durationMs: dur,
        path: a ? a.path : null,
        hasVideo: a ? a.hasVideo : false,
        hasAudio: a ? a.hasAudio : false,
      };
      if (card) ev.card = card;
      if (a?.gainDb) ev.gainDb = a.gainDb;
      if (a?.rating) ev.rating = a.rating;
      events.push(ev);
      startMs += dur;
    }
    block.events = events;
  });
  return true;
}
