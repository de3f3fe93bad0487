import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loopPosition, reanchorLoop, type LoopAnchor, type LoopItem } from './loop-anchor.ts';

const items = (...ds: [number, number][]): LoopItem[] => ds.map(([id, durationMs]) => ({ id, durationMs }));

describe('re-anchoring a loop when its collection changes', () => {
  const before: LoopAnchor = { epochMs: 0, items: items([1, 1000], [2, 2000], [3, 3000]) };

  it('keeps the anchor when nothing changed', () => {
    expect(reanchorLoop(before, items([1, 1000], [2, 2000], [3, 3000]), 123_456)).toBe(before);
  });

  it('an added item does not move what is on air', () => {
    const at = 6000 * 7 + 1500; // item 2, 500 ms in
    const after = reanchorLoop(before, items([1, 1000], [4, 500], [2, 2000], [3, 3000]), at);
    expect(loopPosition(after, at)).toEqual({ index: 2, offsetMs: 500 });
    // And then the loop runs on in the new order: item 3 follows, then 1, then the new 4.
    expect(loopPosition(after, at + 1500)).toEqual({ index: 3, offsetMs: 0 });
    expect(loopPosition(after, at + 1500 + 3000 + 1000)).toEqual({ index: 1, offsetMs: 0 });
  });

  it('if the item on air is gone, the next surviving item starts at that moment', () => {
    const at = 1500; // item 2 on air
    const after = reanchorLoop(before, items([1, 1000], [3, 3000]), at);
    expect(loopPosition(after, at)).toEqual({ index: 1, offsetMs: 0 });
  });

  it('an empty collection keeps no position', () => {
    expect(loopPosition(reanchorLoop(before, [], 10), 10)).toBeNull();
  });

  it('property: whatever changes, an item that survives continues at the same offset', () => {
    const list = fc.uniqueArray(fc.record({ id: fc.integer({ min: 1, max: 50 }), durationMs: fc.integer({ min: 1, max: 10_000 }) }), { selector: (x) => x.id, minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(list, list, fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 1e10 }), (a, b, epochMs, at) => {
        const prev = { epochMs, items: a };
        const was = loopPosition(prev, at)!;
        const onAir = a[was.index]!;
        const next = reanchorLoop(prev, b, at);
        const now = loopPosition(next, at)!;
        const kept = b.find((x) => x.id === onAir.id);
        if (kept && was.offsetMs < kept.durationMs) {
          expect(b[now.index]!.id).toBe(onAir.id);
          expect(now.offsetMs).toBe(was.offsetMs);
        } else {
          expect(now.offsetMs).toBe(0);
        }
      }),
    );
  });
});
