/**
 * Where as-run entries are kept: the station's SQLite file. Writes are batched and run in
 * one transaction off the frame path; a failed write (a full disk) keeps the batch for the
 * next try and says so. After a crash, entries left open are closed as "interrupted" at
 * the last time they were seen on air.
 */
import { and, asc, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { asRun } from '../db/schema/index.ts';
import type { AsRunRecord } from './asrun-recorder.ts';

export type AsRunRow = typeof asRun.$inferSelect;

export class AsRunStore {
  constructor(private readonly db: Db) {}

  /** Close what a crash left open; returns how many entries were closed. */
  closeInterrupted(): number {
    return this.db.transaction((tx) =>
      tx.update(asRun)
        .set({ status: 'interrupted', actualEndMs: sql`${asRun.seenMs}`, deviation: sql`coalesce(${asRun.deviation} || '; ', '') || 'interrupted: the station stopped without closing the entry'` })
        .where(eq(asRun.status, 'open'))
        .run().changes,
    );
  }

  /**
   * Write changed records in one transaction; open records also get `seenMs` and a frame
   * count estimate (`openFrames`). Throws on failure; nothing of the batch is kept then.
   */
  write(records: Iterable<AsRunRecord>, seenMs: number, openFrames: (r: AsRunRecord) => number): void {
    const list = [...records];
    const ids = this.db.transaction((tx) =>
      list.map((r) => {
        const frames = r.status === 'open' ? openFrames(r) : r.frames;
        const values = {
          channel: r.channel, eventId: r.eventId, assetId: r.assetId, title: r.title, kind: r.kind, producer: r.producer,
          plannedStartMs: r.plannedStartMs, plannedEndMs: r.plannedEndMs, actualStartMs: r.actualStartMs, actualEndMs: r.actualEndMs,
          seenMs: r.status === 'open' ? seenMs : (r.actualEndMs ?? seenMs), inPointMs: r.inPointMs, frames, deviation: r.deviation, status: r.status,
        };
        if (r.rowId === undefined) return Number(tx.insert(asRun).values(values).run().lastInsertRowid);
        tx.update(asRun).set(values).where(eq(asRun.id, r.rowId)).run();
        return r.rowId;
      }),
    );
    // Only once the transaction committed do the records know their rows.
    list.forEach((r, i) => (r.rowId = ids[i]));
  }

  /** Entries of `channel` (or every channel) on air at any time in [fromMs, toMs), oldest first. */
  overlapping(fromMs: number, toMs: number, channel?: number): AsRunRow[] {
    const during = and(lt(asRun.actualStartMs, toMs), or(isNull(asRun.actualEndMs), gt(asRun.actualEndMs, fromMs), and(eq(asRun.actualEndMs, asRun.actualStartMs), eq(asRun.actualStartMs, fromMs))));
    const where = channel === undefined ? during : and(eq(asRun.channel, channel), during);
    return this.db.select().from(asRun).where(where).orderBy(asc(asRun.channel), asc(asRun.actualStartMs), asc(asRun.id)).all();
  }
}
