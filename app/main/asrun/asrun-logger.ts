/**
 * AsRunLogger: proof of what aired. It listens to each channel's air evidence (what the
 * output carried, frame by frame), keeps one recorder per channel, and writes the changed
 * entries to the store in batches on a timer, never on the tune-in or frame path.
 */
import type { MasterClock } from '../clock/master-clock.ts';
import type { Logger } from '../logger.ts';
import type { AirEvidence } from '../runtime/air-evidence.ts';
import type { ScheduleReader } from '../runtime/schedule-reader.ts';
import { AsRunRecorder, type AsRunRecord } from './asrun-recorder.ts';
import type { AsRunStore } from './asrun-store.ts';

export interface AsRunLoggerOptions {
  store: AsRunStore;
  schedule: ScheduleReader;
  clock: MasterClock;
  logger: Logger;
  /** How often changed entries are written (ms). */
  flushEveryMs?: number;
}

/** Unwritten changes beyond this many (a disk that stays full) are dropped, oldest first, and counted. */
const MAX_PENDING = 10_000;

export class AsRunLogger {
  private readonly recorders = new Map<number, AsRunRecorder>();
  private readonly dirty = new Set<AsRunRecord>();
  private readonly stopTimer: () => void;
  private failing = false;
  /** Changes that could not be kept (the database refused them for too long). */
  lost = 0;

  constructor(private readonly opts: AsRunLoggerOptions) {
    const closed = opts.store.closeInterrupted();
    if (closed > 0) opts.logger.warn({ entries: closed }, 'as-run: closed entries the last run left open as interrupted');
    this.stopTimer = opts.clock.every(opts.flushEveryMs ?? 1000, () => this.flush());
  }

  /** Evidence from channel `channel`'s output. Cheap: the write happens on the next flush. */
  record(channel: number, e: AirEvidence): void {
    let r = this.recorders.get(channel);
    if (!r) {
      r = new AsRunRecorder(channel, (id, at) => this.planned(channel, id, at), (rec) => this.mark(rec));
      this.recorders.set(channel, r);
    }
    r.record(e);
  }

  /** Write what changed now (also run by the timer). */
  flush(): void {
    const open: AsRunRecord[] = [];
    for (const r of this.recorders.values()) {
      const cur = r.current();
      if (cur) open.push(cur);
    }
    if (this.dirty.size === 0 && open.length === 0) return;
    const batch = new Set([...this.dirty, ...open]);
    const now = this.opts.clock.nowMs();
    try {
      this.opts.store.write(batch, now, (rec) => this.recorders.get(rec.channel)?.framesFor(now - rec.actualStartMs) ?? 0);
      for (const rec of batch) this.dirty.delete(rec);
      if (this.failing) this.opts.logger.info('as-run: writing again');
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.opts.logger.error({ err: (err as Error).message }, 'as-run: cannot write to the database; entries are kept in memory and retried (free disk space if it is full)');
      this.failing = true;
      while (this.dirty.size > MAX_PENDING) {
        const first = this.dirty.values().next().value as AsRunRecord;
        this.dirty.delete(first);
        this.lost++;
      }
    }
  }

  /** Stop the timer and write what is left (open entries stay open: the station closes them as it stops). */
  stop(): void {
    this.stopTimer();
    this.flush();
  }

  private mark(rec: AsRunRecord): void {
    this.dirty.add(rec);
  }

  private planned(channel: number, eventId: string, stationMs: number) {
    // A segment's first frame is the one whose span holds the event's start: its label may be a little before it.
    return this.opts.schedule.playlog(channel, stationMs - 1, stationMs + 100).find((e) => e.id === eventId) ?? null;
  }
}
