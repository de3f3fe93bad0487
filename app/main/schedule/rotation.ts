/**
 * Rotation: a pool's items ordered least-played, then longest-waiting, first.
 * Built once per day from the play history, then kept current by moving an item
 * to the back when it airs, so choosing from the front costs O(k), not O(pool).
 */
import { mix } from './prng.ts';

export type PlayStat = [number, number];

export class Rotation {
  private order: number[];
  /** Current index in `order` of each member; older copies in `order` are stale. */
  private readonly pos = new Map<number, number>();
  private head = 0;

  constructor(ids: readonly number[], stats: Map<number, PlayStat>, seed: number) {
    const key = (id: number): PlayStat => stats.get(id) ?? [0, -Infinity];
    this.order = [...new Set(ids)].sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      if (ka[0] !== kb[0]) return ka[0] - kb[0];
      if (ka[1] !== kb[1]) return ka[1] < kb[1] ? -1 : 1;
      return mix(seed, a) - mix(seed, b) || a - b;
    });
    this.order.forEach((id, i) => this.pos.set(id, i));
  }

  get size(): number {
    return this.pos.size;
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

  /** Up to `k` members from the front that satisfy `ok`, in rotation order. */
  front(k: number, ok: (id: number) => boolean): number[] {
    const out: number[] = [];
    const { order, pos } = this;
    // Skip the stale prefix once, so later calls start at a live item.
    while (this.head < order.length && pos.get(order[this.head] as number) !== this.head) this.head++;
    for (let i = this.head; i < order.length && out.length < k; i++) {
      const id = order[i] as number;
      if (pos.get(id) === i && ok(id)) out.push(id);
    }
    return out;
  }
}
