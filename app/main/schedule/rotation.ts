/**
 * Rotation: a pool's items, longest-waiting first (never aired first of all, in
 * seeded order). Airing an item moves it to the back, so the order at any moment
 * equals a fresh sort by last-aired time: a rotation rebuilt from stored play
 * history is identical to one kept running, and choosing from the front is O(k).
 */
import { mix } from './prng.ts';
import type { PlayStat } from './types.ts';

export type { PlayStat };

/** How far down a rotation a query looks for eligible items before giving up. */
const MAX_SCAN = 96;

export class Rotation {
  /** Members by local index, and the reverse. */
  private readonly ids: number[];
  private readonly local = new Map<number, number>();
  /** Local indices in rotation order; entries whose `pos` differs are stale copies. */
  private order: number[];
  private readonly pos: Int32Array;
  private head = 0;
  private readonly scratch: number[] = [];

  constructor(ids: readonly number[], stats: Map<number, PlayStat>, seed: number) {
    this.ids = [...new Set(ids)];
    const n = this.ids.length;
    const last = new Float64Array(n);
    const tie = new Float64Array(n);
    this.ids.forEach((id, i) => {
      this.local.set(id, i);
      last[i] = stats.get(id)?.[1] ?? -Infinity;
      tie[i] = mix(seed, id) * 65536 + (id % 65536);
    });
    this.order = this.ids.map((_, i) => i);
    this.order.sort((a, b) => {
      const la = last[a] as number;
      const lb = last[b] as number;
      if (la !== lb) return la < lb ? -1 : 1;
      return (tie[a] as number) - (tie[b] as number);
    });
    this.pos = new Int32Array(n);
    this.order.forEach((l, i) => (this.pos[l] = i));
  }

  get size(): number {
    return this.ids.length;
  }

  /** `k`, but at most half the pool (at least one): the longest-waiting half. */
  window(k: number): number {
    return Math.min(k, Math.max(1, Math.ceil(this.ids.length / 2)));
  }

  has(id: number): boolean {
    return this.local.has(id);
  }

  /** The item aired: it goes to the back. */
  touch(id: number): void {
    const l = this.local.get(id);
    if (l === undefined) return;
    this.order.push(l);
    this.pos[l] = this.order.length - 1;
    if (this.order.length > 4 * this.ids.length + 64) this.compact();
  }

  private compact(): void {
    const live: number[] = [];
    for (let i = this.head; i < this.order.length; i++) {
      const l = this.order[i] as number;
      if (this.pos[l] === i) live.push(l);
    }
    this.order = live;
    this.head = 0;
    live.forEach((l, i) => (this.pos[l] = i));
  }

  /**
   * Up to `k` members from the front that satisfy `ok`, in rotation order, looking
   * at most MAX_SCAN members deep. The array is reused by the next call.
   */
  front(k: number, ok: (id: number) => boolean): number[] {
    const out = this.scratch;
    out.length = 0;
    const { order, pos, ids } = this;
    // Skip the stale prefix once, so later calls start at a live item.
    while (this.head < order.length && pos[order[this.head] as number] !== this.head) this.head++;
    let scanned = 0;
    for (let i = this.head; i < order.length && out.length < k && scanned < MAX_SCAN; i++) {
      const l = order[i] as number;
      if (pos[l] !== i) continue;
      scanned++;
      const id = ids[l] as number;
      if (ok(id)) out.push(id);
    }
    return out;
  }
}
