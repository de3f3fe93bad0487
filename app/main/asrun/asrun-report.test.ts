/**
 * Reading the as-run log by broadcast day, on a real SQLite file: an airing across the
 * 06:00 boundary is one row, listed under both days; the report counts only time on air.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.ts';
import type { PlaylogEvent } from '../schedule/types.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';
import type { AsRunRecord } from './asrun-recorder.ts';
import { asRunDay, broadcastDayOf, discrepancyReport, toCsv, type ChannelDay } from './asrun-report.ts';
import { AsRunStore } from './asrun-store.ts';

const NY: ChannelDay = { number: 3, timezone: 'America/New_York', broadcastDayStart: '06:00' };
const at = (iso: string) => Date.parse(iso);

function rec(r: Partial<AsRunRecord> & Pick<AsRunRecord, 'kind' | 'title' | 'actualStartMs' | 'actualEndMs'>): AsRunRecord {
  return { channel: 3, eventId: null, assetId: null, producer: 'asset', plannedStartMs: null, plannedEndMs: null, inPointMs: 0, frames: 0, deviation: null, status: 'closed', ...r };
}

describe('as-run by broadcast day', () => {
  const tmp = makeTempDir('retrovue-asrun-report-');
  const db = openDatabase(path.join(tmp.dir, 'retrovue.db'));
  afterAll(() => {
    db.close();
    tmp.cleanup();
  });

  it('a 05:00–07:00 movie is one airing reported under both broadcast days', () => {
    const store = new AsRunStore(db.db);
    const start = at('2026-12-02T05:00:00-05:00');
    const end = at('2026-12-02T07:00:00-05:00');
    store.write([
      rec({ kind: 'on-air', title: 'On the air', actualStartMs: start, actualEndMs: start }),
      rec({ kind: 'program', title: 'The Late Late Movie', eventId: 'm1', plannedStartMs: start, plannedEndMs: end, actualStartMs: start, actualEndMs: end, frames: 216_000 }),
      rec({ kind: 'off-air', title: 'Off the air (no viewers)', actualStartMs: end, actualEndMs: end }),
    ], end, () => 0);
    expect(broadcastDayOf(NY, start)).toBe('2026-12-01');
    expect(broadcastDayOf(NY, end - 1)).toBe('2026-12-02');
    const day1 = asRunDay(store, [NY], '2026-12-01');
    const day2 = asRunDay(store, [NY], '2026-12-02');
    const movie1 = day1.find((e) => e.eventId === 'm1')!;
    const movie2 = day2.find((e) => e.eventId === 'm1')!;
    expect(movie1.id).toBe(movie2.id);
    expect(movie1.broadcastDay).toBe('2026-12-01');
    expect(movie2.broadcastDay).toBe('2026-12-02');
    expect(movie1.actualStart).toBe('2026-12-02T05:00:00.000-05:00');
    expect(day1.map((e) => e.kind)).toEqual(['on-air', 'program']);
    expect(day2.map((e) => e.kind)).toEqual(['program', 'off-air']);

    const planned: PlaylogEvent[] = [{ id: 'm1', channelNumber: 3, startMs: start, endMs: end, kind: 'program', assetId: 1, title: 'The Late Late Movie', inPointMs: 0, durationMs: end - start, path: null, hasVideo: true, hasAudio: true }];
    const r1 = discrepancyReport(store.overlapping(at('2026-12-01T06:00:00-05:00'), at('2026-12-02T06:00:00-05:00'), 3), planned, NY, '2026-12-01', end);
    expect(r1.onAirMs).toBe(3600_000);
    expect(r1.kinds).toEqual([{ kind: 'program', plannedCount: 1, plannedMs: 3600_000, airedCount: 1, airedMs: 3600_000, deviations: 0 }]);
    expect(r1.missed).toEqual([]);
  });

  it('CSV quotes text and defuses cells a spreadsheet would run as formulas', () => {
    const store = new AsRunStore(db.db);
    const t = at('2026-12-03T12:00:00Z');
    store.write([rec({ kind: 'commercial', title: '=HYPERLINK("x"), "quoted", and, commas', actualStartMs: t, actualEndMs: t + 30_000 })], t, () => 0);
    const csv = toCsv(asRunDay(store, [NY], '2026-12-03'));
    expect(csv).toContain(`"'=HYPERLINK(""x""), ""quoted"", and, commas"`);
  });
});
