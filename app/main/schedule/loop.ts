/**
 * The simple 'loop' plan: a collection's ready assets in order from an epoch,
 * forever. What is on at T is modular arithmetic over the cycle, so nothing needs
 * building or storing.
 */
import { realEpisodeTitle } from '../library/program-info.ts';
import { loopEventId } from './builder/event-id.ts';
import type { EpgEntry, LibraryAsset, OnAir, PlaylogEvent } from './types.ts';

export class LoopTimeline {
  /** Start of each item within the cycle. */
  private readonly starts: number[] = [];
  readonly cycleMs: number;

  constructor(
    readonly channelNumber: number,
    readonly epochMs: number,
    /** Ready assets in play order. */
    readonly items: LibraryAsset[],
  ) {
    let acc = 0;
    for (const a of items) {
      this.starts.push(acc);
      acc += a.durationMs;
    }
    this.cycleMs = acc;
  }

  get empty(): boolean {
    return this.cycleMs <= 0;
  }

  /** Index of the item playing `pos` ms into the cycle. */
  private indexAt(pos: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private eventFor(cycle: number, i: number): PlaylogEvent {
    const a = this.items[i] as LibraryAsset;
    const startMs = this.epochMs + cycle * this.cycleMs + (this.starts[i] as number);
    const ev: PlaylogEvent = {
      id: loopEventId(this.channelNumber, startMs),
      channelNumber: this.channelNumber,
      startMs,
      endMs: startMs + a.durationMs,
      kind: 'program',
      assetId: a.id,
      title: a.title,
      inPointMs: 0,
      durationMs: a.durationMs,
      path: a.path,
      hasVideo: a.hasVideo,
      hasAudio: a.hasAudio,
    };
    if (a.gainDb) ev.gainDb = a.gainDb;
    if (a.rating) ev.rating = a.rating;
    return ev;
  }

  onAir(atMs: number): OnAir | null {
    if (this.empty) return null;
    const rel = atMs - this.epochMs;
    const cycle = Math.floor(rel / this.cycleMs);
    const i = this.indexAt(rel - cycle * this.cycleMs);
    const event = this.eventFor(cycle, i);
    return { event, offsetMs: atMs - event.startMs };
  }

  /** Events overlapping [fromMs, toMs). */
  events(fromMs: number, toMs: number, limit = Infinity): PlaylogEvent[] {
    const out: PlaylogEvent[] = [];
    if (this.empty || toMs <= fromMs) return out;
    const rel = fromMs - this.epochMs;
    let cycle = Math.floor(rel / this.cycleMs);
    let i = this.indexAt(rel - cycle * this.cycleMs);
    for (;;) {
      const ev = this.eventFor(cycle, i);
      if (ev.startMs >= toMs || out.length >= limit) break;
      out.push(ev);
      i++;
      if (i >= this.items.length) {
        i = 0;
        cycle++;
      }
    }
    return out;
  }

  epg(fromMs: number, toMs: number): EpgEntry[] {
    return this.events(fromMs, toMs).map((ev) => {
      const a = this.items.find((x) => x.id === ev.assetId);
      return {
        startMs: ev.startMs,
        endMs: ev.endMs,
        title: a?.series ?? ev.title,
        subtitle: a ? realEpisodeTitle(a) : null,
        season: a?.season ?? null,
        episode: a?.episode ?? null,
        kind: 'program' as const,
        assetId: ev.assetId,
      };
    });
  }
}
