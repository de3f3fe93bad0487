/**
 * Persistence of plans and built days. Reads turn rows into the plain inputs of
 * the pure builder; writes store built days with their blocks and events. Bulk
 * paths use prepared statements directly: a 14-day build writes ~10^5 events.
 */
import type Database from 'better-sqlite3';
import { eventId } from './builder.ts';
import type { Db } from '../db/database.ts';
import { LoopTimeline } from './loop.ts';
import { reanchorLoop, type LoopAnchor, type LoopItem } from './loop-anchor.ts';
import { playOrder } from './resolve.ts';
import type {
  BuiltBlock,
  BuiltDay,
  ChannelPlan,
  EpgEntry,
  EventKind,
  GridMinutes,
  LibraryAsset,
  PlanIssue,
  PlaylogEvent,
  PoolItemPlan,
  PoolRole,
  ScheduleState,
  ZoneContentType,
} from './types.ts';
import { DEFAULT_BREAK_RULES, emptyState, POOL_ROLES } from './types.ts';

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

const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** The better-sqlite3 handle under a drizzle database (drizzle() attaches it as $client). */
export function sqlite(db: Db): Database.Database {
  const client = (db as unknown as { $client?: Database.Database }).$client;
  if (!client || typeof client.prepare !== 'function') throw new Error('ScheduleService needs a drizzle better-sqlite3 database');
  return client;
}

function stmt(db: Db, sql: string): Database.Statement {
  const client = sqlite(db);
  let cache = statements.get(client);
  if (!cache) statements.set(client, (cache = new Map()));
  let s = cache.get(sql);
  if (!s) cache.set(sql, (s = client.prepare(sql)));
  return s;
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

interface AssetRowLite {
  id: number;
  collectionId: number;
  kind: string;
  title: string;
  series: string | null;
  season: number | null;
  episode: number | null;
  durationMs: number;
  chapters: string | null;
  path: string;
  relPath: string;
  hasVideo: number;
  hasAudio: number;
}

/** Ready assets with a known duration: the only things that may ever be scheduled. */
export function loadLibrary(db: Db): LibraryAsset[] {
  const rows = stmt(
    db,
    `SELECT id, collection_id AS collectionId, kind, title, series, season, episode, duration_ms AS durationMs, chapters,
            path, rel_path AS relPath,
            (video IS NOT NULL AND video <> 'null') AS hasVideo, (audio IS NOT NULL AND audio <> 'null') AS hasAudio
       FROM assets WHERE state = 'ready' AND duration_ms > 0 ORDER BY id`,
  ).all() as AssetRowLite[];
  return rows.map((r) => {
    let chapters: number[] = [];
    try {
      const parsed = JSON.parse(r.chapters ?? '[]') as Array<{ startMs?: number }>;
      if (Array.isArray(parsed)) chapters = parsed.map((c) => Math.round(Number(c.startMs))).filter((n) => Number.isFinite(n) && n > 0);
    } catch {
      chapters = [];
    }
    chapters.sort((a, b) => a - b);
    return {
      id: r.id,
      collectionId: r.collectionId,
      kind: r.kind,
      title: r.title,
      series: r.series,
      season: r.season,
      episode: r.episode,
      // Whole milliseconds keep every sum of durations exact.
      durationMs: Math.round(r.durationMs),
      chapters,
      path: r.path,
      relPath: r.relPath,
      hasVideo: Boolean(r.hasVideo),
      hasAudio: Boolean(r.hasAudio),
    };
  });
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

interface PlanRowLite {
  id: number;
  seed: number;
  breaksPerHour: number;
  breakMarginMs: number;
  minBreakMs: number;
  spotCooldownMs: number;
  maxPromosPerBreak: number;
}

/** A channel's plan as builder input, or null when it has none. */
export function loadPlan(db: Db, channel: ChannelRow): ChannelPlan | null {
  const p = stmt(
    db,
    `SELECT id, seed, breaks_per_hour AS breaksPerHour, break_margin_ms AS breakMarginMs, min_break_ms AS minBreakMs,
            spot_cooldown_ms AS spotCooldownMs, max_promos_per_break AS maxPromosPerBreak
       FROM schedule_plans WHERE channel_id = ?`,
  ).get(channel.id) as PlanRowLite | undefined;
  if (!p) return null;
  const zones = stmt(
    db,
    `SELECT id, name, start_local AS start, end_local AS "end", days, date_from AS dateFrom, date_to AS dateTo, priority,
            content_type AS content, mid_breaks AS midBreaks
       FROM schedule_zones WHERE plan_id = ? ORDER BY position, id`,
  ).all(p.id) as Array<{
    id: number;
    name: string;
    start: string;
    end: string;
    days: string;
    dateFrom: string | null;
    dateTo: string | null;
    priority: number;
    content: ZoneContentType;
    midBreaks: number | null;
  }>;
  const items = stmt(
    db,
    `SELECT i.zone_id AS zoneId, i.collection_id AS collectionId, i.asset_id AS assetId, i.series
       FROM schedule_zone_items i JOIN schedule_zones z ON z.id = i.zone_id
      WHERE z.plan_id = ? ORDER BY i.zone_id, i.position, i.id`,
  ).all(p.id) as Array<{ zoneId: number; collectionId: number | null; assetId: number | null; series: string | null }>;
  const pools = Object.fromEntries(POOL_ROLES.map((r) => [r, [] as PoolItemPlan[]])) as Record<PoolRole, PoolItemPlan[]>;
  const poolRows = stmt(
    db,
    `SELECT role, collection_id AS collectionId, asset_id AS assetId, cooldown_ms AS cooldownMs
       FROM schedule_pool_items WHERE channel_id = ? ORDER BY role, position, id`,
  ).all(channel.id) as Array<{ role: PoolRole; collectionId: number | null; assetId: number | null; cooldownMs: number | null }>;
  for (const r of poolRows) pools[r.role]?.push({ collectionId: r.collectionId, assetId: r.assetId, cooldownMs: r.cooldownMs });
  return {
    channelNumber: channel.number,
    timezone: channel.timezone,
    gridMinutes: gridOf(channel.gridMinutes),
    broadcastDayStart: channel.broadcastDayStart,
    seed: p.seed,
    breaks: {
      breaksPerHour: p.breaksPerHour ?? DEFAULT_BREAK_RULES.breaksPerHour,
      marginMs: p.breakMarginMs ?? DEFAULT_BREAK_RULES.marginMs,
      minBreakMs: p.minBreakMs ?? DEFAULT_BREAK_RULES.minBreakMs,
      spotCooldownMs: p.spotCooldownMs ?? DEFAULT_BREAK_RULES.spotCooldownMs,
      maxPromosPerBreak: p.maxPromosPerBreak ?? DEFAULT_BREAK_RULES.maxPromosPerBreak,
    },
    zones: zones.map((z) => ({
      name: z.name,
      start: z.start,
      end: z.end,
      days: JSON.parse(z.days) as number[],
      dateFrom: z.dateFrom,
      dateTo: z.dateTo,
      priority: z.priority,
      content: z.content,
      midBreaks: z.midBreaks,
      sources: items.filter((i) => i.zoneId === z.id).map((i) => ({ collectionId: i.collectionId, assetId: i.assetId, series: i.series })),
    })),
    pools,
  };
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

const EVENT_KINDS: readonly EventKind[] = ['program', 'commercial', 'promo', 'station_id', 'bumper', 'filler', 'pad'];

/**
 * A day's events as compact JSON: the event count of each block (n), titles of
 * assetless events (t), then four numbers per event (e): duration, kind, asset id
 * (or -1 - title index), in-point. Events are contiguous within a block, so starts
 * follow from the block start; ids from channel and start; titles, paths and
 * streams of assets from the library rows (assets are never deleted, only retired).
 */
export function encodeDayEvents(blocks: BuiltBlock[]): string {
  const titles: string[] = [];
  const counts: number[] = [];
  const flat: number[] = [];
  for (const b of blocks) {
    counts.push(b.events.length);
    for (const e of b.events) {
      let ref: number;
      if (e.assetId === null) {
        let ti = titles.indexOf(e.title);
        if (ti < 0) ti = titles.push(e.title) - 1;
        ref = -1 - ti;
      } else ref = e.assetId;
      flat.push(e.durationMs, EVENT_CODE[e.kind], ref, e.inPointMs);
    }
  }
  return JSON.stringify({ v: 3, t: titles, n: counts, e: flat });
}

const EVENT_CODE: Record<EventKind, number> = { program: 0, commercial: 1, promo: 2, station_id: 3, bumper: 4, filler: 5, pad: 6 };

export interface AssetInfo {
  title: string;
  path: string | null;
  hasVideo: boolean;
  hasAudio: boolean;
}

/** Asset rows by id, as events need them; cached for one load. */
export function assetLookup(db: Db): (id: number) => AssetInfo {
  const cache = new Map<number, AssetInfo>();
  const q = stmt(
    db,
    `SELECT title, path, (video IS NOT NULL AND video <> 'null') AS hasVideo, (audio IS NOT NULL AND audio <> 'null') AS hasAudio FROM assets WHERE id = ?`,
  );
  return (id) => {
    let a = cache.get(id);
    if (!a) {
      const r = q.get(id) as { title: string; path: string; hasVideo: number; hasAudio: number } | undefined;
      a = r ? { title: r.title, path: r.path, hasVideo: Boolean(r.hasVideo), hasAudio: Boolean(r.hasAudio) } : { title: `asset ${id}`, path: null, hasVideo: false, hasAudio: false };
      cache.set(id, a);
    }
    return a;
  };
}

function decodeDayEvents(channelNumber: number, blocks: BuiltBlock[], text: string, asset: (id: number) => AssetInfo): boolean {
  let doc: { v: number; t: string[]; n: number[]; e: number[] };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch {
    return false;
  }
  if (doc.v !== 3 || !Array.isArray(doc.n) || doc.n.length !== blocks.length) return false;
  let p = 0;
  blocks.forEach((block, i) => {
    const events: PlaylogEvent[] = [];
    let startMs = block.entry.startMs;
    const count = doc.n[i] ?? 0;
    for (let k = 0; k < count; k++, p += 4) {
      const dur = doc.e[p] as number;
      const ref = doc.e[p + 2] as number;
      const a = ref >= 0 ? asset(ref) : null;
      events.push({
        id: eventId(channelNumber, startMs),
        channelNumber,
        startMs,
        endMs: startMs + dur,
        kind: EVENT_KINDS[doc.e[p + 1] as number] ?? 'pad',
        assetId: ref >= 0 ? ref : null,
        title: a ? a.title : (doc.t[-1 - ref] ?? ''),
        inPointMs: doc.e[p + 3] as number,
        durationMs: dur,
        path: a ? a.path : null,
        hasVideo: a ? a.hasVideo : false,
        hasAudio: a ? a.hasAudio : false,
      });
      startMs += dur;
    }
    block.events = events;
  });
  return true;
}

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
