/**
 * Where the ProgramDirector keeps its mode and the log of switches. The director sees
 * only the DirectorStore interface (tests give it the in-memory one); the station gives
 * it the SQLite one, so a restart comes back in the mode it was in. Every SQLite write
 * is `.run()` inside a transaction: a full disk throws, it never drops a switch silently.
 */
import { desc, sql } from 'drizzle-orm';
import type { ChannelMode, EmergencyStyle, ModeChangeDto } from '../../shared/types.ts';
import type { Db } from '../db/database.ts';
import { directorState, modeChanges, operatorCrawl } from '../db/schema/index.ts';
import type { OperatorCrawl } from './channel-manager.ts';

/** The station's mode, as the director holds and stores it (station time in ms). */
export interface DirectorState {
  mode: ChannelMode;
  message: string | null;
  style: EmergencyStyle | null;
  /** The channel numbers in scope; null = every channel. */
  channels: number[] | null;
  sinceMs: number;
  by: string;
  reason: string | null;
}

/** One switch asked for, with its outcome (the DTO's fields, at station time in ms). */
export type ModeChange = Omit<ModeChangeDto, 'id' | 'at'> & { atMs: number };

export type ModeChangeRecord = ModeChange & { id: number };

/** The operator's crawl, as the director holds and stores it. */
export interface StoredCrawl {
  crawl: OperatorCrawl;
  /** The channel numbers it runs on; null = every channel. */
  channels: number[] | null;
  by: string;
}

export interface DirectorStore {
  /** The stored state, or null when the station has never switched. */
  load(): DirectorState | null;
  /** A switch succeeded: the new state and its log entry, together or not at all. */
  save(state: DirectorState, change: ModeChange): void;
  /** A switch failed (or changed nothing): its log entry only. */
  record(change: ModeChange): void;
  /** The latest `limit` log entries, newest first. */
  history(limit: number): ModeChangeRecord[];
  /** The operator's crawl, or null. */
  loadCrawl(): StoredCrawl | null;
  /** Keep the operator's crawl (null: none runs). */
  saveCrawl(crawl: StoredCrawl | null): void;
}

/** For tests and stations without a database: forgets everything at exit. */
export function memoryDirectorStore(): DirectorStore {
  let state: DirectorState | null = null;
  let crawl: StoredCrawl | null = null;
  const log: ModeChangeRecord[] = [];
  const clone = <T>(v: T): T => structuredClone(v);
  return {
    load: () => clone(state),
    save(next, change) {
      state = clone(next);
      log.push({ ...clone(change), id: log.length + 1 });
    },
    record: (change) => void log.push({ ...clone(change), id: log.length + 1 }),
    history: (limit) => clone(log.slice(-limit).reverse()),
    loadCrawl: () => clone(crawl),
    saveCrawl: (next) => void (crawl = clone(next)),
  };
}

export class SqliteDirectorStore implements DirectorStore {
  constructor(private readonly db: Db) {}

  load(): DirectorState | null {
    const row = this.db.select().from(directorState).where(sql`${directorState.id} = 1`).get();
    if (!row) return null;
    const { id: _id, ...state } = row;
    return state;
  }

  save(state: DirectorState, change: ModeChange): void {
    this.db.transaction((tx) => {
      tx.insert(directorState).values({ id: 1, ...state }).onConflictDoUpdate({ target: directorState.id, set: state }).run();
      tx.insert(modeChanges).values(change).run();
    });
  }

  record(change: ModeChange): void {
    this.db.insert(modeChanges).values(change).run();
  }

  history(limit: number): ModeChangeRecord[] {
    return this.db.select().from(modeChanges).orderBy(desc(modeChanges.id)).limit(limit).all();
  }

  loadCrawl(): StoredCrawl | null {
    const row = this.db.select().from(operatorCrawl).where(sql`${operatorCrawl.id} = 1`).get();
    if (!row) return null;
    return { crawl: { id: row.crawlId, text: row.text, sinceMs: row.sinceMs, untilMs: row.untilMs }, channels: row.channels, by: row.by };
  }

  saveCrawl(next: StoredCrawl | null): void {
    this.db.transaction((tx) => {
      tx.delete(operatorCrawl).run();
      if (next) {
        const { crawl: c, channels, by } = next;
        tx.insert(operatorCrawl).values({ id: 1, crawlId: c.id, text: c.text, channels, sinceMs: c.sinceMs, untilMs: c.untilMs, by }).run();
      }
    });
  }
}
