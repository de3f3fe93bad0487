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
  private order: number[];
  /** Current index in `order` of each member; older copies in `order` are stale. */
  private readonly pos = new Map<number, number>();
  private head = 0;
  private readonly scratch: number[] = [];

  constructor(ids: readonly number[], stats: Map<number, PlayStat>, seed: number) {
    const unique = [...new Set(ids)];
    const last = new Float64Array(unique.length);
    const tie = new Float64Array(unique.length);
    unique.forEach((id, i) => {
      last[i] = stats.get(id)?.[1] ?? -Infinity;
      tie[i] = mix(seed, id) * 65536 + (id % 65536);
    });
    const idx = unique.map((_, i) => i);
    idx.sort((a, b) => {
      const la = last[a] as number;
      const lb = last[b] as number;
      if (la !== lb) return la < lb ? -1 : 1;
      return (tie[a] as number) - (tie[b] as number);
    });
    this.order = idx.map((i) => unique[i] as number);
    this.order.forEach((id, i) => this.pos.set(id, i));
  }

  get size(): number {
    return this.pos.size;
  }

  /** `k`, but at most half the pool (at least one): the longest-waiting half. */
  window(k: number): number {
    return Math.min(k, Math.max(1, Math.ceil(this.pos.size / 2)));
  }

  has(id: number): boolean {
    return this.pos.has(id);
  }

  /** The item aired: it goes to the back. */
  touch(id: number): void {
    if (!this.pos.has(id)) return;
    this.order.push(id);
    this.pos.set(id, this.order.length - 1);
    if (this.order.length > 4 * this.pos.size + 64) this.compact();
  }

  private compact(): void {
    const live: number[] = [];
    for (let i = this.head; i < this.order.length; i++) {
      const id = this.order[i] as number;
      if (this.pos.get(id) === i) live.push(id);
    }
    this.order = live;
    this.head = 0;
    live.forEach((id, i) => this.pos.set(id, i));
  }

  /**
   * Up to `k` members from the front that satisfy `ok`, in rotation order, looking
   * at most MAX_SCAN members deep. The array is reused by the next call.
   */
  front(k: number, ok: (id: number) => boolean): number[] {
    const out = this.scratch;
    out.length = 0;
    const { order, pos } = this;
    // Skip the stale prefix once, so later calls start at a live item.
    while (this.head < order.length && pos.get(order[this.head] as number) !== this.head) this.head++;
    let scanned = 0;
    for (let i = this.head; i < order.length && out.length < k && scanned < MAX_SCAN; i++) {
      const id = order[i] as number;
      if (pos.get(id) !== i) continue;
      scanned++;
      if (ok(id)) out.push(id);
    }
    return out;
  }
}
