/** Library tables: where media comes from and what RetroVue knows about each file. */
import { sql } from 'drizzle-orm';
import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { AssetKind, AssetState } from '../../../shared/types.ts';

export const sources = sqliteTable('sources', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  /** 'local' today; 'plex' and 'jellyfin' fit the same row with their settings in `config`. */
  type: text('type', { enum: ['local', 'plex', 'jellyfin'] }).notNull().default('local'),
  path: text('path').notNull(),
  config: text('config', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
  createdAtMs: integer('created_at_ms').notNull(),
  lastScanAtMs: integer('last_scan_at_ms'),
});

export const collections = sqliteTable(
  'collections',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** Folder relative to the source root ('' for files at the root). */
    relPath: text('rel_path').notNull(),
  },
  (t) => [uniqueIndex('collections_source_path').on(t.sourceId, t.relPath)],
);

export interface VideoStreamInfo {
  codec: string;
  width: number;
  height: number;
  fps: number;
}
export interface AudioStreamInfo {
  codec: string;
  channels: number;
  sampleRate: number;
}
export interface Chapter {
  startMs: number;
  endMs: number;
  title: string | null;
}

export const assets = sqliteTable(
  'assets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id, { onDelete: 'cascade' }),
    collectionId: integer('collection_id')
      .notNull()
      .references(() => collections.id, { onDelete: 'cascade' }),
    path: text('path').notNull(),
    relPath: text('rel_path').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    mtimeMs: integer('mtime_ms').notNull(),
    state: text('state').$type<AssetState>().notNull().default('new'),
    /** Why the asset is not ready (probe failure, file gone), for the operator. */
    stateReason: text('state_reason'),
    kind: text('kind').$type<AssetKind>().notNull().default('program'),
    /** True once an operator set the kind by hand; scans then leave it alone. */
    kindLocked: integer('kind_locked', { mode: 'boolean' }).notNull().default(false),
    title: text('title').notNull(),
    series: text('series'),
    season: integer('season'),
    episode: integer('episode'),
    /** Guide metadata from the file's tags (and the year from its name, e.g. "Title (1987)"). */
    description: text('description'),
    /** Genres as tagged, e.g. "Comedy; Kids". */
    genre: text('genre'),
    year: integer('year'),
    /** From NFO files beside the media: the certification ("TV-14", "PG-13"), first aired (YYYY-MM-DD), the runtime they list. */
    rating: text('rating'),
    aired: text('aired'),
    listedRuntimeMs: integer('listed_runtime_ms'),
    /** Tags from NFO files (<tag>), for zones that require them. */
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    /** Which NFO files (and versions) the metadata came from; a change re-reads them. Null: none. */
    nfoSig: text('nfo_sig'),
    durationMs: integer('duration_ms'),
    container: text('container'),
    video: text('video', { mode: 'json' }).$type<VideoStreamInfo | null>(),
    audio: text('audio', { mode: 'json' }).$type<AudioStreamInfo | null>(),
    chapters: text('chapters', { mode: 'json' }).$type<Chapter[]>().notNull().default(sql`'[]'`),
    /**
     * Candidate break points (ms) found by black + silence detection, for programs
     * without chapters; null until analysed, [] when it found none.
     */
    detectedBreaks: text('detected_breaks', { mode: 'json' }).$type<number[] | null>(),
    /** EBU R128 integrated loudness (LUFS) and true peak (dBTP) of the sound; null for silence. */
    loudnessLufs: real('loudness_lufs'),
    truePeakDbtp: real('true_peak_dbtp'),
    /** When the loudness was measured; null: not yet (new, changed, or scanned before measuring existed). */
    loudnessAtMs: integer('loudness_at_ms'),
    bitRate: real('bit_rate'),
    probedAtMs: integer('probed_at_ms'),
    createdAtMs: integer('created_at_ms').notNull(),
    updatedAtMs: integer('updated_at_ms').notNull(),
  },
  (t) => [
    uniqueIndex('assets_path').on(t.path),
    index('assets_collection').on(t.collectionId),
    index('assets_state_kind').on(t.state, t.kind),
  ],
);
