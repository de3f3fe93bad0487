/**
 * Scheduling tables: what a channel may air (plan, zones, break pools) and what it
 * was built to air (days, EPG blocks, playlog events). Built rows are the source of
 * stability: once persisted, the on-air and locked parts are never rebuilt.
 */
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { EventKind } from '../../../shared/types.ts';
import { channels } from './channels.ts';
import { assets, collections } from './library.ts';

/** One plan per channel; grid, day start and timezone stay on the channel row. */
export const schedulePlans = sqliteTable('schedule_plans', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  channelId: integer('channel_id')
    .notNull()
    .unique()
    .references(() => channels.id, { onDelete: 'cascade' }),
  name: text('name').notNull().default('default'),
  /** Seed for every pseudo-random choice, so rebuilds are reproducible. */
  seed: integer('seed').notNull().default(1),
  breaksPerHour: integer('breaks_per_hour').notNull().default(4),
  breakMarginMs: integer('break_margin_ms').notNull().default(120_000),
  minBreakMs: integer('min_break_ms').notNull().default(30_000),
  spotCooldownMs: integer('spot_cooldown_ms').notNull().default(3_600_000),
  maxPromosPerBreak: integer('max_promos_per_break').notNull().default(1),
  /** Local "HH:MM" the channel signs off and signs on again; both null: on the air all night. */
  signOffAt: text('sign_off_at'),
  signOffUntil: text('sign_off_until'),
  updatedAtMs: integer('updated_at_ms').notNull(),
});

export type ZoneContentType = 'series' | 'random' | 'movies' | 'asset';

export const scheduleZones = sqliteTable(
  'schedule_zones',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    planId: integer('plan_id')
      .notNull()
      .references(() => schedulePlans.id, { onDelete: 'cascade' }),
    /** Declaration order; breaks priority ties deterministically. */
    position: integer('position').notNull(),
    name: text('name').notNull(),
    /** Local "HH:MM"; end may be "24:00". start == end means the whole broadcast day. */
    startLocal: text('start_local').notNull(),
    endLocal: text('end_local').notNull(),
    /** Weekdays of the broadcast day (0 = Sunday); empty = every day. */
    days: text('days', { mode: 'json' }).$type<number[]>().notNull(),
    /** Inclusive broadcast-date range "YYYY-MM-DD", either end optional. */
    dateFrom: text('date_from'),
    dateTo: text('date_to'),
    priority: integer('priority').notNull().default(0),
    contentType: text('content_type').$type<ZoneContentType>().notNull(),
    /** Mid-program breaks for programs without chapter markers; null = plan default. */
    midBreaks: integer('mid_breaks'),
    /** Daypart restriction: programs rated above this never air in the zone (null: any rating). */
    maxRating: text('max_rating'),
    /** Daypart restriction: programs need at least one of these tags or genres (empty: any). */
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    /** Whether programs without a rating may air where maxRating is set. */
    allowUnrated: integer('allow_unrated', { mode: 'boolean' }).notNull().default(true),
  },
  (t) => [index('schedule_zones_plan').on(t.planId)],
);

/** What a zone draws from: collections (optionally one series in it) or single assets. */
export const scheduleZoneItems = sqliteTable(
  'schedule_zone_items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    zoneId: integer('zone_id')
      .notNull()
      .references(() => scheduleZones.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    collectionId: integer('collection_id').references(() => collections.id, { onDelete: 'set null' }),
    assetId: integer('asset_id').references(() => assets.id, { onDelete: 'set null' }),
    series: text('series'),
  },
  (t) => [index('schedule_zone_items_zone').on(t.zoneId)],
);

export type PoolRole = 'commercial' | 'promo' | 'station_id' | 'bumper_pre' | 'bumper_post' | 'filler';

/** Break content pools per channel. */
export const schedulePoolItems = sqliteTable(
  'schedule_pool_items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    channelId: integer('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    role: text('role').$type<PoolRole>().notNull(),
    position: integer('position').notNull(),
    collectionId: integer('collection_id').references(() => collections.id, { onDelete: 'set null' }),
    assetId: integer('asset_id').references(() => assets.id, { onDelete: 'set null' }),
    /** Per-spot cooldown override; null = plan default. */
    cooldownMs: integer('cooldown_ms'),
  },
  (t) => [index('schedule_pool_items_channel').on(t.channelId)],
);

/** A built broadcast day (the ScheduleDay). */
export const scheduleDays = sqliteTable(
  'schedule_days',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    channelId: integer('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    /** Local date the broadcast day starts on, "YYYY-MM-DD". */
    broadcastDate: text('broadcast_date').notNull(),
    /** Nominal bounds (broadcast-day start to next start; 23 or 25 h across DST). */
    startMs: integer('start_ms').notNull(),
    endMs: integer('end_ms').notNull(),
    /** Actual span: starts after yesterday's carry-over, ends after today's. */
    firstMs: integer('first_ms').notNull(),
    lastMs: integer('last_ms').notNull(),
    /** Hash of everything the build read (plan, library, prior day). */
    inputHash: text('input_hash').notNull(),
    /** Hash of what was built (blocks and events). */
    contentHash: text('content_hash').notNull(),
    /** Cursor state after the day (series positions, play counts), JSON. */
    stateAfter: text('state_after').notNull(),
    report: text('report', { mode: 'json' }).$type<unknown[]>().notNull(),
    /**
     * Every event of the day, compact JSON (see schedule/store.ts): the whole day can
     * be read back exactly. playlog_events holds the next hours as rows.
     */
    events: text('events'),
    builtAtMs: integer('built_at_ms').notNull(),
  },
  (t) => [uniqueIndex('schedule_days_channel_date').on(t.channelId, t.broadcastDate)],
);

/** EPG entries: one per program slot (or gap) of a day. */
export const scheduleBlocks = sqliteTable(
  'schedule_blocks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    dayId: integer('day_id')
      .notNull()
      .references(() => scheduleDays.id, { onDelete: 'cascade' }),
    channelId: integer('channel_id').notNull(),
    startMs: integer('start_ms').notNull(),
    endMs: integer('end_ms').notNull(),
    kind: text('kind').$type<EventKind>().notNull(),
    title: text('title').notNull(),
    subtitle: text('subtitle'),
    season: integer('season'),
    episode: integer('episode'),
    assetId: integer('asset_id'),
    zone: text('zone'),
    /** Series cursor this block advanced, so a partial rebuild can replay state. */
    cursorKey: text('cursor_key'),
  },
  (t) => [index('schedule_blocks_channel_start').on(t.channelId, t.startMs), index('schedule_blocks_day').on(t.dayId)],
);

/** The playlog: exact events with absolute times. Asset ids are historical, no FK. */
export const playlogEvents = sqliteTable(
  'playlog_events',
  {
    id: text('id').primaryKey(),
    dayId: integer('day_id')
      .notNull()
      .references(() => scheduleDays.id, { onDelete: 'cascade' }),
    channelId: integer('channel_id').notNull(),
    startMs: integer('start_ms').notNull(),
    endMs: integer('end_ms').notNull(),
    kind: text('kind').$type<EventKind>().notNull(),
    assetId: integer('asset_id'),
    title: text('title').notNull(),
    inPointMs: integer('in_point_ms').notNull(),
    durationMs: integer('duration_ms').notNull(),
    path: text('path'),
    hasVideo: integer('has_video', { mode: 'boolean' }).notNull(),
    hasAudio: integer('has_audio', { mode: 'boolean' }).notNull(),
  },
  (t) => [index('playlog_events_channel_start').on(t.channelId, t.startMs), index('playlog_events_day').on(t.dayId)],
);
