/**
 * Opens the station database: one SQLite file, WAL, foreign keys on, committed
 * drizzle migrations applied on open. Refuses clearly a database that is locked
 * or was written by a newer RetroVue.
 */
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync, statfsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema/index.ts';

export type Db = BetterSQLite3Database<typeof schema>;

export interface StationDatabase {
  db: Db;
  sqlite: Database.Database;
  file: string;
  close(): void;
}

export class DatabaseError extends Error {}

/** Migrations live beside this module in source, and are copied beside the bundle in builds. */
export function migrationsFolder(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const candidate of [path.join(here, 'migrations'), path.join(here, 'db', 'migrations')]) {
    if (existsSync(path.join(candidate, 'meta', '_journal.json'))) return candidate;
  }
  throw new DatabaseError(`Database migrations are missing next to ${here}; reinstall RetroVue.`);
}

function knownMigrationCount(folder: string): number {
  const journal = JSON.parse(readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
  return journal.entries.length;
}

/**
 * Electron loads native modules built for its own ABI; a separate build of
 * better-sqlite3 is kept for it (see scripts/electron-native.mjs), while Node uses
 * the default one. One checkout serves both.
 */
function nativeBinding(): string | undefined {
  if (process.env.RETROVUE_SQLITE_BINDING) return process.env.RETROVUE_SQLITE_BINDING;
  if (!process.versions.electron) return undefined;
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const candidate = path.join(root, 'node_modules', '.retrovue-electron', `electron-${process.versions.electron}`, 'better_sqlite3.node');
  return existsSync(candidate) ? candidate : undefined;
}

export function openDatabase(file: string, options: { readonly?: boolean } = {}): StationDatabase {
  if (file !== ':memory:') {
    const dir = path.dirname(file);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new DatabaseError(`Cannot create the data directory ${dir}: ${(err as Error).message}. Choose another --data directory.`);
    }
    // SQLite says only "unable to open database file"; say which folder and why.
    if (!options.readonly && !writable(dir)) {
      throw new DatabaseError(`The data directory ${dir} is read-only; RetroVue keeps its database there. Make it writable or choose another --data directory.`);
    }
    // An empty file is not a new station: something truncated it, and opening it would start over silently.
    if (existsSync(file) && statSync(file).size === 0) {
      throw new DatabaseError(`${file} is empty (0 bytes), so it holds no station. Restore it from a backup, or delete it to start a new station.`);
    }
  }
  let sqlite: Database.Database;
  try {
    sqlite = new Database(file, { readonly: options.readonly ?? false, nativeBinding: nativeBinding(), timeout: Number(process.env.RETROVUE_DB_TIMEOUT_MS ?? 5000) });
  } catch (err) {
    if (diskFull(file)) throw new DatabaseError(DISK_FULL);
    throw new DatabaseError(`Cannot open database ${file}: ${(err as Error).message}. Check the path and its permissions.`);
  }
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('synchronous = NORMAL');
    const folder = migrationsFolder();
    const known = knownMigrationCount(folder);
    const version = sqlite.pragma('user_version', { simple: true }) as number;
    if (version > known) {
      throw new DatabaseError(
        `Database ${file} was written by a newer RetroVue (schema ${version}, this version knows ${known}). Upgrade RetroVue or use another --data directory.`,
      );
    }
    const db = drizzle(sqlite, { schema });
    if (!options.readonly && version < known) {
      migrate(db, { migrationsFolder: folder });
      sqlite.pragma(`user_version = ${known}`);
    }
    return { db, sqlite, file, close: () => sqlite.close() };
  } catch (err) {
    sqlite.close();
    if (err instanceof DatabaseError) throw err;
    const message = (err as Error).message;
    if (/database is locked|SQLITE_BUSY/i.test(message)) {
      throw new DatabaseError(`Database ${file} is locked by another process. Stop the other RetroVue (or wait for it) and try again.`);
    }
    if (/file is not a database|SQLITE_NOTADB|malformed/i.test(message)) {
      throw new DatabaseError(`${file} is not a RetroVue database or is damaged (${message}). Move it aside or choose another --data directory.`);
    }
    if (diskFull(file)) throw new DatabaseError(DISK_FULL);
    throw new DatabaseError(`Cannot open database ${file}: ${message}`);
  }
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** What a full disk means for the user, whichever SQLite error it surfaced as. */
export const DISK_FULL = 'the disk holding the data directory is full; nothing was saved. Free some space and try again.';

/** True when the file system holding `file` has no space left (SQLite reports that as I/O errors too). */
export function diskFull(file: string): boolean {
  if (file === ':memory:') return false;
  try {
    const s = statfsSync(path.dirname(file));
    return s.bavail * s.bsize < 64 * 1024;
  } catch {
    return false;
  }
}
