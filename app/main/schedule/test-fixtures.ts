/**
 * Shared fixtures for schedule tests and benches: a real SQLite file in a temp dir
 * with migrations applied, and quick ways to fill the library tables.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, type Db, type StationDatabase } from '../db/database.ts';
import { sqlite } from './store.ts';
import type { Chapter } from '../db/schema/library.ts';

export interface TestDb {
  db: Db;
  database: StationDatabase;
  dir: string;
  close(): void;
}

export function openTestDb(): TestDb {
  const dir = mkdtempSync(path.join(tmpdir(), 'retrovue-schedule-'));
  const database = openDatabase(path.join(dir, 'station.db'));
  return {
    db: database.db,
    database,
    dir,
    close() {
      database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface AssetSpec {
  title?: string;
  durationMs: number;
  kind?: string;
  state?: 'new' | 'enriching' | 'ready' | 'retired';
  series?: string | null;
  season?: number | null;
  episode?: number | null;
  /** Chapter start positions (ms). */
  chapters?: number[];
}

/** Inserts sources, collections and assets with plain statements; returns collection ids by name. */
export class LibraryWriter {
  private sourceId: number;
  private readonly collectionIds = new Map<string, number>();
  private n = 0;

  constructor(
    private readonly db: Db,
    sourceName = 'test',
  ) {
    const client = sqlite(db);
    const existing = client.prepare('SELECT id FROM sources WHERE name = ?').get(sourceName) as { id: number } | undefined;
    this.sourceId =
      existing?.id ??
      Number(client.prepare(`INSERT INTO sources (name, type, path, created_at_ms) VALUES (?, 'local', ?, 0)`).run(sourceName, `/media/${sourceName}`).lastInsertRowid);
  }

  collection(name: string): number {
    let id = this.collectionIds.get(name);
    if (id === undefined) {
      const client = sqlite(this.db);
      id = Number(client.prepare('INSERT INTO collections (source_id, name, rel_path) VALUES (?, ?, ?)').run(this.sourceId, name, name).lastInsertRowid);
      this.collectionIds.set(name, id);
    }
    return id;
  }

  add(collection: string, spec: AssetSpec): number {
    const cid = this.collection(collection);
    const i = ++this.n;
    const rel = `${collection}/${String(i).padStart(5, '0')} ${spec.title ?? 'item'}.mp4`;
    const chapters: Chapter[] = (spec.chapters ?? []).map((c, k, all) => ({ startMs: c, endMs: all[k + 1] ?? spec.durationMs, title: null }));
    const info = sqlite(this.db)
      .prepare(
        `INSERT INTO assets (source_id, collection_id, path, rel_path, size_bytes, mtime_ms, state, kind, title, series, season, episode,
                             duration_ms, video, audio, chapters, created_at_ms, updated_at_ms)
         VALUES (?, ?, ?, ?, 1, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0)`,
      )
      .run(
        this.sourceId,
        cid,
        `/media/${rel}`,
        rel,
        spec.state ?? 'ready',
        spec.kind ?? 'program',
        spec.title ?? `item ${i}`,
        spec.series ?? null,
        spec.season ?? null,
        spec.episode ?? null,
        spec.durationMs,
        JSON.stringify({ codec: 'h264', width: 1280, height: 720, fps: 29.97 }),
        JSON.stringify({ codec: 'aac', channels: 2, sampleRate: 48000 }),
        JSON.stringify(chapters),
      );
    return Number(info.lastInsertRowid);
  }
}
