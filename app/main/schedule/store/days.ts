/**
 * Built days: the day rows (state after, report, the compact events), their guide
 * blocks, and the playlog rows of the next hours.
 */
import type { Db } from '../../db/database.ts';
import type { BuiltBlock, BuiltDay, EpgEntry, EventKind, PlanIssue, PlaylogEvent, ScheduleState } from '../types.ts';
import { emptyState } from '../types.ts';
import type { ChannelRow } from './channels.ts';
import { decodeDayEvents, encodeDayEvents } from './day-codec.ts';
import { assetLookup, type AssetInfo } from './library.ts';
import { sqlite, stmt } from './statements.ts';

export interface DayRow {
  id: number;
  channelId: number;
  broadcastDate: string;
  startMs: number;
  endMs: number;
  firstMs: number;
  lastMs: number;
  inputHash: string;
  contentHash: string;
  stateAfter: string;
  report: string;
}

const DAY_COLUMNS = `id, channel_id AS channelId, broadcast_date AS broadcastDate, start_ms AS startMs, end_ms AS endMs,
  first_ms AS firstMs, last_ms AS lastMs, input_hash AS inputHash, content_hash AS contentHash, state_after AS stateAfter, report`;

export function loadDays(db: Db, channelId: number): DayRow[] {
  return stmt(db, `SELECT ${DAY_COLUMNS} FROM schedule_days WHERE channel_id = ? ORDER BY broadcast_date`).all(channelId) as DayRow[];
}

export function parseState(day: DayRow | null): ScheduleState {
  if (!day) return emptyState();
  try {
    return JSON.parse(day.stateAfter) as ScheduleState;
  } catch {
    return emptyState();
  }
}

export function dayIssues(day: DayRow): PlanIssue[] {
  try {
    return JSON.parse(day.report) as PlanIssue[];
  } catch {
    return [];
  }
}

interface BlockRowLite {
  startMs: number;
  endMs: number;
  kind: EventKind;
  title: string;
  subtitle: string | null;
  season: number | null;
  episode: number | null;
  assetId: number | null;
  zone: string | null;
  cursorKey: string | null;
}

interface EventRowLite {
  id: string;
  startMs: number;
  endMs: number;
  kind: EventKind;
  assetId: number | null;
  title: string;
  inPointMs: number;
  durationMs: number;
  path: string | null;
  hasVideo: number;
  hasAudio: number;
}

/** Blocks with their events, from rows of one channel in time order. */
function assemble(channelNumber: number, blockRows: BlockRowLite[], eventRows: EventRowLite[]): BuiltBlock[] {
  const blocks: BuiltBlock[] = [];
  let e = 0;
  for (const b of blockRows) {
    const entry: EpgEntry = {
      startMs: b.startMs,
      endMs: b.endMs,
      title: b.title,
      subtitle: b.subtitle,
      season: b.season,
      episode: b.episode,
      kind: b.kind,
      assetId: b.assetId,
    };
    const events: PlaylogEvent[] = [];
    while (e < eventRows.length && (eventRows[e] as EventRowLite).startMs < b.startMs) e++;
    while (e < eventRows.length && (eventRows[e] as EventRowLite).startMs < b.endMs) {
      const r = eventRows[e++] as EventRowLite;
      events.push({
        id: r.id,
        channelNumber,
        startMs: r.startMs,
        endMs: r.endMs,
        kind: r.kind,
        assetId: r.assetId,
        title: r.title,
        inPointMs: r.inPointMs,
        durationMs: r.durationMs,
        path: r.path,
        hasVideo: Boolean(r.hasVideo),
        hasAudio: Boolean(r.hasAudio),
      });
    }
    blocks.push({ entry, zone: b.zone, cursorKey: b.cursorKey, events });
  }
  return blocks;
}

const BLOCK_COLUMNS = `start_ms AS startMs, end_ms AS endMs, kind, title, subtitle, season, episode, asset_id AS assetId, zone, cursor_key AS cursorKey`;
const EVENT_COLUMNS = `id, start_ms AS startMs, end_ms AS endMs, kind, asset_id AS assetId, title, in_point_ms AS inPointMs,
  duration_ms AS durationMs, path, has_video AS hasVideo, has_audio AS hasAudio`;

/** A stored day's blocks with all their events. */
export function loadDayBlocks(db: Db, channelNumber: number, dayId: number, asset: (id: number) => AssetInfo = assetLookup(db)): BuiltBlock[] {
  const rows = stmt(db, `SELECT ${BLOCK_COLUMNS} FROM schedule_blocks WHERE day_id = ? ORDER BY start_ms`).all(dayId) as BlockRowLite[];
  const blocks = assemble(channelNumber, rows, []);
  const blob = stmt(db, `SELECT events FROM schedule_days WHERE id = ?`).get(dayId) as { events: string | null } | undefined;
  if (blob?.events && decodeDayEvents(channelNumber, blocks, blob.events, asset)) return blocks;
  // Days stored without the compact form: the playlog rows are what there is.
  const events = stmt(db, `SELECT ${EVENT_COLUMNS} FROM playlog_events WHERE day_id = ? ORDER BY start_ms`).all(dayId) as EventRowLite[];
  return assemble(channelNumber, rows, events);
}

/** Every stored block of a channel in days that end after `fromMs`, in time order. */
export function loadChannelBlocks(db: Db, channel: ChannelRow, fromMs: number): BuiltBlock[] {
  const days = stmt(db, `SELECT id FROM schedule_days WHERE channel_id = ? AND last_ms > ? ORDER BY broadcast_date`).all(channel.id, fromMs) as Array<{ id: number }>;
  const asset = assetLookup(db);
  return days.flatMap((d) => loadDayBlocks(db, channel.number, d.id, asset));
}

const INSERT_EVENT = `INSERT OR IGNORE INTO playlog_events
  (id, day_id, channel_id, start_ms, end_ms, kind, asset_id, title, in_point_ms, duration_ms, path, has_video, has_audio)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

function insertEvents(db: Db, dayId: number, channelId: number, blocks: BuiltBlock[], fromMs: number, untilMs: number): number {
  const ins = stmt(db, INSERT_EVENT);
  let n = 0;
  for (const b of blocks) {
    if (b.entry.startMs >= untilMs) break;
    if (b.entry.endMs <= fromMs) continue;
    for (const ev of b.events) {
      if (ev.startMs < fromMs) continue;
      ins.run(ev.id, dayId, channelId, ev.startMs, ev.endMs, ev.kind, ev.assetId, ev.title, ev.inPointMs, ev.durationMs, ev.path, ev.hasVideo ? 1 : 0, ev.hasAudio ? 1 : 0);
      n++;
    }
  }
  return n;
}

/**
 * Store a built day: the day with all its events (compact), its guide blocks, and
 * playlog rows for the blocks that start before `playlogUntilMs` (rolled forward
 * later). Later days of the channel are dropped in the same transaction: they were
 * built on the old version of this one.
 */
export function saveDay(db: Db, channelId: number, day: BuiltDay, inputHash: string, builtAtMs: number, playlogUntilMs: number): number {
  const client = sqlite(db);
  const delDays = stmt(db, `DELETE FROM schedule_days WHERE channel_id = ? AND broadcast_date >= ?`);
  const insDay = stmt(
    db,
    `INSERT INTO schedule_days (channel_id, broadcast_date, start_ms, end_ms, first_ms, last_ms, input_hash, content_hash, state_after, report, events, built_at_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insBlock = stmt(
    db,
    `INSERT INTO schedule_blocks (day_id, channel_id, start_ms, end_ms, kind, title, subtitle, season, episode, asset_id, zone, cursor_key)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let dayId = 0;
  client.transaction(() => {
    delDays.run(channelId, day.broadcastDate);
    const info = insDay.run(
      channelId,
      day.broadcastDate,
      day.startMs,
      day.endMs,
      day.firstMs,
      day.lastMs,
      inputHash,
      day.contentHash,
      JSON.stringify(day.stateAfter),
      JSON.stringify(day.issues),
      encodeDayEvents(day.blocks),
      builtAtMs,
    );
    dayId = Number(info.lastInsertRowid);
    for (const b of day.blocks) {
      const e = b.entry;
      insBlock.run(dayId, channelId, e.startMs, e.endMs, e.kind, e.title, e.subtitle, e.season, e.episode, e.assetId, b.zone, b.cursorKey);
    }
    insertEvents(db, dayId, channelId, day.blocks, -Infinity, playlogUntilMs);
  })();
  return dayId;
}

/** Roll the stored playlog of a kept day forward to `untilMs` (idempotent). */
export function persistPlaylog(db: Db, channelId: number, dayId: number, blocks: BuiltBlock[], untilMs: number): number {
  const row = stmt(db, `SELECT MAX(end_ms) AS until FROM playlog_events WHERE day_id = ?`).get(dayId) as { until: number | null };
  const from = row.until ?? -Infinity;
  if (from >= untilMs) return 0;
  let n = 0;
  sqlite(db).transaction(() => {
    n = insertEvents(db, dayId, channelId, blocks, from, untilMs);
  })();
  return n;
}

/** Record that a kept day was checked against new inputs (its content stands). */
export function markDayInputs(db: Db, dayId: number, inputHash: string): void {
  stmt(db, `UPDATE schedule_days SET input_hash = ? WHERE id = ?`).run(inputHash, dayId);
}

export function deleteDaysBefore(db: Db, channelId: number, beforeMs: number): number {
  return stmt(db, `DELETE FROM schedule_days WHERE channel_id = ? AND last_ms < ?`).run(channelId, beforeMs).changes;
}

export function deleteAllDays(db: Db, channelId: number): void {
  stmt(db, `DELETE FROM schedule_days WHERE channel_id = ?`).run(channelId);
}
