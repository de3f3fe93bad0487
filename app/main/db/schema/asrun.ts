/**
 * The as-run log: what the output actually carried, from playout evidence (first and
 * last frame), not from the plan. One row per airing; an airing that crosses the
 * broadcast-day boundary stays one row and is reported under both days.
 */
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const asRun = sqliteTable(
  'as_run',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    channel: integer('channel').notNull(),
    /** Planned playlog event id; null for what was not planned (emergency, guide, slate, on/off air). */
    eventId: text('event_id'),
    assetId: integer('asset_id'),
    title: text('title').notNull(),
    /** The event kind, or emergency / guide / slate / on-air / off-air. */
    kind: text('kind').notNull(),
    producer: text('producer'),
    plannedStartMs: integer('planned_start_ms'),
    plannedEndMs: integer('planned_end_ms'),
    actualStartMs: integer('actual_start_ms').notNull(),
    /** Null while on air. */
    actualEndMs: integer('actual_end_ms'),
    /** Last time the station saw this entry on air (closes it as interrupted after a crash). */
    seenMs: integer('seen_ms').notNull(),
    inPointMs: integer('in_point_ms').notNull().default(0),
    frames: integer('frames').notNull().default(0),
    deviation: text('deviation'),
    status: text('status').$type<'open' | 'closed' | 'interrupted'>().notNull(),
  },
  (t) => [index('as_run_channel_start').on(t.channel, t.actualStartMs), index('as_run_status').on(t.status)],
);
