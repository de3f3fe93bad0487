/** Channel rows as the schedule reads them, and a loop channel's anchored timeline. */
import type { Db } from '../../db/database.ts';
import { LoopTimeline } from '../loop.ts';
import { reanchorLoop, type LoopAnchor, type LoopItem } from '../loop-anchor.ts';
import { playOrder } from '../resolve.ts';
import type { GridMinutes, LibraryAsset } from '../types.ts';
import { stmt } from './statements.ts';

export interface ChannelRow {
  id: number;
  number: number;
  name: string;
  timezone: string;
  enabled: boolean;
  planKind: 'loop' | 'schedule' | 'guide';
  loopCollectionId: number | null;
  loopEpochMs: number | null;
  /** JSON LoopItem[] the epoch was anchored over (null until first anchored). */
  loopItems: string | null;
  gridMinutes: number;
  broadcastDayStart: string;
  createdAtMs: number;
}

export function gridOf(n: number): GridMinutes {
  return n === 15 || n === 60 ? n : 30;
}

export function loadChannels(db: Db): ChannelRow[] {
  const rows = stmt(
    db,
    `SELECT id, number, name, timezone, enabled, plan_kind AS planKind, loop_collection_id AS loopCollectionId,
            loop_epoch_ms AS loopEpochMs, loop_items AS loopItems, grid_minutes AS gridMinutes, broadcast_day_start AS broadcastDayStart,
            created_at_ms AS createdAtMs
       FROM channels ORDER BY number`,
  ).all() as Array<Omit<ChannelRow, 'enabled'> & { enabled: number }>;
  return rows.map((r) => ({ ...r, enabled: Boolean(r.enabled) }));
}

/**
 * A loop channel's timeline over its ready items. When those items differ from the ones
 * its epoch was anchored over, it is re-anchored at `nowMs` (and stored), so what is on
 * air continues through a rescan, a restart or a rebuild.
 */
export function loopTimeline(db: Db, channel: ChannelRow, library: LibraryAsset[], nowMs: number): LoopTimeline {
  const items = channel.loopCollectionId === null ? [] : library.filter((a) => a.collectionId === channel.loopCollectionId).sort(playOrder);
  const current: LoopItem[] = items.map((a) => ({ id: a.id, durationMs: a.durationMs }));
  const epochMs = channel.loopEpochMs ?? channel.createdAtMs;
  const stored: LoopAnchor | null = channel.loopItems ? { epochMs, items: JSON.parse(channel.loopItems) as LoopItem[] } : null;
  const anchor = stored ? reanchorLoop(stored, current, nowMs) : { epochMs, items: current };
  if (anchor !== stored) {
    stmt(db, 'UPDATE channels SET loop_epoch_ms = ?, loop_items = ? WHERE id = ?').run(anchor.epochMs, JSON.stringify(anchor.items), channel.id);
    channel.loopEpochMs = anchor.epochMs;
    channel.loopItems = JSON.stringify(anchor.items);
  }
  return new LoopTimeline(channel.number, anchor.epochMs, items);
}
