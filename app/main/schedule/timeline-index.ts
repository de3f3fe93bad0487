/**
 * In-memory index of a schedule channel's built timeline: events and guide entries
 * sorted by start, found by binary search. Keeps "what is on now" off the database.
 */
import type { BuiltBlock, EpgEntry, OnAir, PlaylogEvent } from './types.ts';

/** Last index whose start is <= t, or -1. */
function floorIndex(starts: Float64Array, t: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  if (hi < 0 || (starts[0] as number) > t) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function rangeOf<T extends { startMs: number; endMs: number }>(items: T[], starts: Float64Array, fromMs: number, toMs: number, limit = Infinity): T[] {
  const out: T[] = [];
  let i = Math.max(0, floorIndex(starts, fromMs));
  for (; i < items.length && out.length < limit; i++) {
    const it = items[i] as T;
    if (it.startMs >= toMs) break;
    if (it.endMs > fromMs) out.push(it);
  }
  return out;
}

export class TimelineIndex {
  readonly events: PlaylogEvent[];
  readonly entries: EpgEntry[];
  private readonly eventStarts: Float64Array;
  private readonly entryStarts: Float64Array;

  constructor(blocks: BuiltBlock[]) {
    const sorted = [...blocks].sort((a, b) => a.entry.startMs - b.entry.startMs);
    this.entries = [];
    this.events = [];
    for (const b of sorted) {
      this.entries.push(b.entry);
      for (const e of b.events) this.events.push(e);
    }
    this.eventStarts = new Float64Array(this.events.length);
    for (let i = 0; i < this.events.length; i++) this.eventStarts[i] = (this.events[i] as PlaylogEvent).startMs;
    this.entryStarts = new Float64Array(this.entries.length);
    for (let i = 0; i < this.entries.length; i++) this.entryStarts[i] = (this.entries[i] as EpgEntry).startMs;
  }

  get fromMs(): number | null {
    return this.events[0]?.startMs ?? null;
  }

  get untilMs(): number | null {
    return this.events[this.events.length - 1]?.endMs ?? null;
  }

  onAir(atMs: number): OnAir | null {
    const i = floorIndex(this.eventStarts, atMs);
    const event = this.events[i];
    if (!event || event.endMs <= atMs) return null;
    return { event, offsetMs: atMs - event.startMs };
  }

  playlog(fromMs: number, toMs: number, limit?: number): PlaylogEvent[] {
    return rangeOf(this.events, this.eventStarts, fromMs, toMs, limit);
  }

  epg(fromMs: number, toMs: number): EpgEntry[] {
    return rangeOf(this.entries, this.entryStarts, fromMs, toMs);
  }
}
