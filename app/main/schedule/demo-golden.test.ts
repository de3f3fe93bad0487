/**
 * The demo station's timeline, pinned: a hash of two days of playlog and guide at a
 * fixed clock, as the service builds them and as they read back from the database.
 * A change to the builder or the store that moves one event changes the hash; when
 * the change is meant, the test says the new hash and BUILDER_VERSION must be bumped.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/master-clock.ts';
import { toLocal } from '../clock/zoned-time.ts';
import { kindFromRelPath, parseFileName } from '../library/asset-kind.ts';
import { DEMO_LIBRARY } from '../media/demo-media.ts';
import { applyDemoStation, demoStationPath } from './demo.ts';
import { ScheduleService } from './schedule-service.ts';
import type { EpgEntry, PlaylogEvent } from './types.ts';
import { LibraryWriter, openTestDb, type TestDb } from './test-fixtures.ts';

const DAY = 24 * 3_600_000;
/** Pinned at BUILDER_VERSION 3, with channel 2 signing off 02:00–06:00. */
const PLAYLOG_SHA = '93eb50d34e8ac5e4d026356b64129aabcc556ecec0d4157f6e654d400bc4ea8c';
const EPG_SHA = 'ec5cc80d40fabbab7b38676b7fe4a2a62b27bc85e0660d42fd0e03481c5a602a';

const open: TestDb[] = [];
afterEach(() => {
  while (open.length) open.pop()?.close();
});

function sha(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/** The demo library as a scan stores it: titles, series and episodes from the file names. */
function demoDb(): TestDb {
  const t = openTestDb();
  open.push(t);
  const lib = new LibraryWriter(t.db, 'demo');
  for (const item of DEMO_LIBRARY) {
    const parsed = parseFileName(item.relPath);
    lib.add(path.posix.dirname(item.relPath), {
      title: parsed.title,
      durationMs: item.seconds * 1000,
      kind: kindFromRelPath(item.relPath),
      series: parsed.series,
      season: parsed.season,
      episode: parsed.episode,
      chapters: (item.chapters ?? []).map((s) => s * 1000),
    });
  }
  return t;
}

describe('the demo station timeline', () => {
  it('is the pinned one, built and read back from the database', async () => {
    const t = demoDb();
    const yaml = readFileSync(demoStationPath() as string, 'utf8').replaceAll('timezone: local', 'timezone: America/New_York');
    const clock = new ManualClock('2026-06-04T16:00:00Z');
    expect(applyDemoStation(t.db, clock, { yaml }).warnings).toEqual([]);
    const svc = new ScheduleService({ db: t.db, clock });
    await svc.buildHorizon({ days: 3 });
    const from = clock.nowMs();
    const read = (s: ScheduleService): { playlog: unknown[]; epg: unknown[] } => ({
      playlog: [1, 2].map((n) => s.playlog(n, from, from + 2 * DAY)),
      epg: [1, 2].map((n) => s.epg(n, from, from + 2 * DAY)),
    });
    const built = read(svc);
    expect(built.playlog.flat(2).length).toBeGreaterThan(1000);
    // A fresh service reads what the first one stored.
    const stored = read(new ScheduleService({ db: t.db, clock }));
    expect(sha(stored.playlog)).toBe(sha(built.playlog));
    expect(sha(stored.epg)).toBe(sha(built.epg));
    // The demo's episode files name no episode title: the guide stores none (never "Space Patrol S01E02").
    const subtitles = (built.epg as EpgEntry[][]).flat().map((e) => e.subtitle);
    expect(subtitles.filter((s) => s !== null)).toEqual([]);
    // Channel 2 is off the air overnight: from 02:00 (or the end of the movie then on) to 06:00 sharp.
    const nights = (built.epg[1] as EpgEntry[]).filter((e) => e.title === 'Off the air');
    expect(nights.length).toBeGreaterThanOrEqual(1);
    for (const n of nights) {
      const [from, to] = [n.startMs, n.endMs].map((ms) => toLocal(ms, 'America/New_York'));
      expect((from?.hour ?? 0) >= 2 && (from?.hour ?? 9) < 6).toBe(true);
      expect([to?.hour, to?.minute]).toEqual([6, 0]);
    }
    // The demo's breaks carry at most its maxPromos: 1.
    for (const events of built.playlog as PlaylogEvent[][]) {
      let promos = 0;
      for (const e of events) {
        promos = e.kind === 'program' ? 0 : promos + (e.kind === 'promo' ? 1 : 0);
        expect(promos).toBeLessThanOrEqual(1);
      }
    }
    expect({ playlog: sha(built.playlog), epg: sha(built.epg) }).toEqual({ playlog: PLAYLOG_SHA, epg: EPG_SHA });
  });
});
