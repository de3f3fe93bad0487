/**
 * The ProgramDirector's mode, kept so a restarted station comes back in the mode it was
 * in (an emergency stays on air across a restart), and the log of every switch asked for.
 */
import { sql } from 'drizzle-orm';
import { check, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { ChannelMode, EmergencyStyle } from '../../../shared/types.ts';

/** One row (id 1): the mode the station is in now. No row = normal, never switched. */
export const directorState = sqliteTable(
  'director_state',
  {
    id: integer('id').primaryKey(),
    mode: text('mode').$type<ChannelMode>().notNull(),
    message: text('message'),
    style: text('style').$type<EmergencyStyle>(),
    /** The channel numbers in scope; null = every channel. */
    channels: text('channels', { mode: 'json' }).$type<number[]>(),
    sinceMs: integer('since_ms').notNull(),
    by: text('by').notNull(),
    reason: text('reason'),
  },
  (t) => [check('director_state_single_row', sql`${t.id} = 1`)],
);

/** Every switch asked for, successful or not (who, when in station time, why, outcome). */
export const modeChanges = sqliteTable('mode_changes', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  atMs: integer('at_ms').notNull(),
  by: text('by').notNull(),
  reason: text('reason'),
  mode: text('mode').$type<ChannelMode>().notNull(),
  message: text('message'),
  style: text('style').$type<EmergencyStyle>(),
  channels: text('channels', { mode: 'json' }).$type<number[]>(),
  ok: integer('ok', { mode: 'boolean' }).notNull(),
  /** Why it failed: which channel, and what it said. */
  error: text('error'),
});

/**
 * One row (id 1): the crawl the operator started, so a restarted station brings it back
 * until it runs out. No row = no operator crawl.
 */
export const operatorCrawl = sqliteTable(
  'operator_crawl',
  {
    id: integer('id').primaryKey(),
    crawlId: text('crawl_id').notNull(),
    text: text('text').notNull(),
    /** The channel numbers it runs on; null = every channel. */
    channels: text('channels', { mode: 'json' }).$type<number[]>(),
    sinceMs: integer('since_ms').notNull(),
    /** Null: until the operator ends it. */
    untilMs: integer('until_ms'),
    by: text('by').notNull(),
  },
  (t) => [check('operator_crawl_single_row', sql`${t.id} = 1`)],
);
