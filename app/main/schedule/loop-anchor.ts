/**
 * Keeps a looping channel continuous when its collection changes. A loop is placed in
 * time by an anchor: an epoch and the items (ids and durations, in play order) it was
 * computed over. When the ready items change (a scan adds, changes or retires a file),
 * the loop is re-anchored at that moment so what is on air continues at the same point;
 * if it vanished, the next surviving item starts then. Pure.
 */
export interface LoopItem {
  id: number;
  durationMs: number;
}

export interface LoopAnchor {
  epochMs: number;
  items: LoopItem[];
}

function sameItems(a: LoopItem[], b: LoopItem[]): boolean {
  return a.length === b.length && a.every((x, i) => x.id === b[i]?.id && x.durationMs === b[i]?.durationMs);
}

function cycleOf(items: LoopItem[]): number {
  return items.reduce((s, x) => s + x.durationMs, 0);
}

/** Index and offset of the item on air at `atMs` under `anchor`, or null for an empty loop. */
export function loopPosition(anchor: LoopAnchor, atMs: number): { index: number; offsetMs: number } | null {
  const cycle = cycleOf(anchor.items);
  if (cycle <= 0) return null;
  let pos = (((atMs - anchor.epochMs) % cycle) + cycle) % cycle;
  for (let i = 0; i < anchor.items.length; i++) {
    const d = (anchor.items[i] as LoopItem).durationMs;
    if (pos < d) return { index: i, offsetMs: pos };
    pos -= d;
  }
  return { index: anchor.items.length - 1, offsetMs: 0 };
}

/**
 * The anchor to use from `atMs` on, given the items now ready. Unchanged items keep the
 * anchor as it is (same inputs, same timeline).
 */
export function reanchorLoop(previous: LoopAnchor, items: LoopItem[], atMs: number): LoopAnchor {
  if (sameItems(previous.items, items)) return previous;
  if (items.length === 0 || cycleOf(items) <= 0) return { epochMs: previous.epochMs, items };
  const was = loopPosition(previous, atMs);
  if (!was) return { epochMs: previous.epochMs, items };
  const startOf = (j: number): number => items.slice(0, j).reduce((s, x) => s + x.durationMs, 0);
  const onAir = previous.items[was.index] as LoopItem;
  const same = items.findIndex((x) => x.id === onAir.id);
  if (same >= 0 && was.offsetMs < (items[same] as LoopItem).durationMs) {
    // The item on air stays on air, at the same point.
    return { epochMs: atMs - was.offsetMs - startOf(same), items };
  }
  // It is gone (or now shorter than where we are): the next item that survives starts now.
  for (let k = 1; k <= previous.items.length; k++) {
    const next = previous.items[(was.index + k) % previous.items.length] as LoopItem;
    const j = items.findIndex((x) => x.id === next.id);
    if (j >= 0) return { epochMs: atMs - startOf(j), items };
  }
  return { epochMs: atMs, items };
}
