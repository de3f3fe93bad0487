/** Channels: identity and how their timeline is planned. Runtime state (viewers, producer) is not stored. */
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { ChannelMode } from '../../../shared/types.ts';
import { collections } from './library.ts';

export const channels = sqliteTable('channels', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  uuid: text('uuid').notNull().unique(),
  number: integer('number').notNull().unique(),
  name: text('name').notNull(),
  timezone: text('timezone').notNull(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  mode: text('mode').$type<ChannelMode>().notNull().default('normal'),
  /** 'loop': play a collection in order from an epoch, forever. 'schedule': the ScheduleService's playlog. 'guide': the TV-guide channel (listings, no schedule). */
  planKind: text('plan_kind', { enum: ['loop', 'schedule', 'guide'] }).notNull().default('loop'),
  loopCollectionId: integer('loop_collection_id').references(() => collections.id, { onDelete: 'set null' }),
  loopEpochMs: integer('loop_epoch_ms'),
  /** The items (ids, durations) the loop's epoch was anchored over; see schedule/loop-anchor.ts. */
  loopItems: text('loop_items'),
  gridMinutes: integer('grid_minutes').notNull().default(30),
  /** Local time the broadcast day starts, "HH:MM". */
  broadcastDayStart: text('broadcast_day_start').notNull().default('06:00'),
  /** How IPTV clients show the channel (station file): logo URL or file, group (M3U group-title), guide language. */
  logo: text('logo'),
  groupName: text('group_name'),
  language: text('language'),
  /** The channel's output profile from the station file (JSON OutputSpec); null = the station's default. */
  outputProfile: text('output_profile'),
  /** On-screen branding from the station file (JSON BrandingDoc, station's merged with the channel's); null = none. */
  branding: text('branding'),
  createdAtMs: integer('created_at_ms').notNull(),
});
