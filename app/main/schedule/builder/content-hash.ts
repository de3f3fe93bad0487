/** The content hash of a built day: what decides whether a rebuilt day differs from the stored one. */
import { createHash } from 'node:crypto';
import type { BuiltBlock, EventKind } from '../types.ts';

/** Distinct for every EventKind, without a keyed lookup in the hot loop. */
function kindCode(kind: EventKind): number {
  return kind.charCodeAt(0) * 16 + kind.length;
}

/**
 * Hash of what a day airs: every block and event as numbers (titles and paths
 * follow from asset ids, which the plan hash covers), plus series cursors.
 */
export function contentHash(blocks: BuiltBlock[]): string {
  let n = 0;
  for (const b of blocks) n += 5 + b.events.length * 5;
  const buf = new Float64Array(n);
  let i = 0;
  const keys: string[] = [];
  for (const b of blocks) {
    const e = b.entry;
    buf[i++] = -1;
    buf[i++] = e.startMs;
    buf[i++] = e.endMs;
    buf[i++] = kindCode(e.kind);
    buf[i++] = e.assetId ?? -1;
    if (b.cursorKey) keys.push(b.cursorKey);
    for (const ev of b.events) {
      buf[i++] = ev.startMs;
      buf[i++] = ev.endMs;
      buf[i++] = kindCode(ev.kind);
      buf[i++] = ev.assetId ?? -1;
      buf[i++] = ev.inPointMs;
    }
  }
  return createHash('sha256').update(new Uint8Array(buf.buffer)).update(keys.join('|')).digest('hex');
}
