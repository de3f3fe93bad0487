/**
 * Daypart restrictions end to end: a station file with rating and tag limits, a real
 * SQLite library with ratings and genres, the service's build, its guide and its report.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/master-clock.ts';
import { toLocal } from '../clock/zoned-time.ts';
import { ratingLevel } from './ratings.ts';
import { ScheduleService } from './schedule-service.ts';
import { exportStation, importStation, parseStation, StationFileError } from './station-file.ts';
import { sqlite } from './store.ts';
import { LibraryWriter, openTestDb, type TestDb } from './test-fixtures.ts';

const MIN = 60_000;
const DAY = 24 * 3_600_000;
const open: TestDb[] = [];
afterEach(() => {
  while (open.length) open.pop()?.close();
});

/** Night Shift episodes alternate TV-PG and TV-MA; movies are R; cartoons are genre Kids and unrated. */
function library(t: TestDb): Map<number, { rating: string | null; series: string | null; episode: number | null }> {
  const lib = new LibraryWriter(t.db);
  const facts = new Map<number, { rating: string | null; series: string | null; episode: number | null }>();
  const set = sqlite(t.db).prepare('UPDATE assets SET rating = ?, genre = ? WHERE id = ?');
  const add = (collection: string, spec: Parameters<LibraryWriter['add']>[1], rating: string | null, genre: string | null = null): void => {
    const id = lib.add(collection, spec);
    set.run(rating, genre, id);
    facts.set(id, { rating, series: spec.series ?? null, episode: spec.episode ?? null });
  };
  for (let e = 1; e <= 8; e++) add('shows/Night Shift', { title: `Shift ${e}`, durationMs: 22 * MIN, series: 'Night Shift', season: 1, episode: e }, e % 2 ? 'TV-PG' : 'TV-MA');
  for (let e = 1; e <= 4; e++) add('shows/Toons', { title: `Toon ${e}`, durationMs: 11 * MIN, series: 'Toons', season: 1, episode: e }, null, 'Animation; Kids');
  for (let m = 1; m <= 3; m++) add('movies', { title: `Movie ${m}`, durationMs: 95 * MIN }, 'R');
  for (let k = 0; k < 8; k++) add('commercials', { title: `Ad ${k}`, kind: 'commercial', durationMs: 30_000 }, null);
  add('filler', { title: 'Music', kind: 'filler', durationMs: 240_000 }, null);
  return facts;
}

const STATION = `
version: 1
channels:
  - number: 3
    name: Three
    timezone: America/New_York
    zones:
      - { name: Kids, start: "06:00", end: "09:00", play: series, tags: [kids], sources: [{ collection: "shows/*" }] }
      - { name: Family, start: "09:00", end: "20:00", play: series, maxRating: TV-PG, sources: [{ collection: "shows/Night Shift" }] }
      - { name: Early movie, start: "20:00", end: "22:00", play: movies, maxRating: PG-13, sources: [{ collection: movies }] }
      - { name: Late, start: "22:00", end: "06:00", play: series, sources: [{ collection: "shows/Night Shift" }] }
    pools:
      commercials: [{ collection: commercials }]
      filler: [{ collection: filler }]
`;

describe('daypart restrictions', () => {
  it('never air a program its zone keeps out, keep series order, and the report names the empty zone', async () => {
    const t = openTestDb();
    open.push(t);
    const facts = library(t);
    const clock = new ManualClock('2026-06-04T16:00:00Z');
    importStation(t.db, clock, STATION);
    const svc = new ScheduleService({ db: t.db, clock });
    const summary = await svc.buildHorizon({ days: 3 });
    const now = clock.nowMs();
    const epg = svc.epg(3, now, now + 3 * DAY);
    const hour = (ms: number): number => toLocal(ms, 'America/New_York').hour;
    const programs = epg.filter((e) => e.kind === 'program');
    const at = (from: number, to: number) => programs.filter((e) => hour(e.startMs) >= from && hour(e.startMs) < to).map((e) => facts.get(e.assetId as number));
    // Kids: only what is tagged (or has the genre) kids.
    expect(at(6, 9).length).toBeGreaterThan(10);
    expect(at(6, 9).every((a) => a?.series === 'Toons')).toBe(true);
    // Family: TV-PG and below; the series goes on in order, skipping the TV-MA episodes.
    const family = at(9, 20);
    expect(family.length).toBeGreaterThan(20);
    expect(family.every((a) => (ratingLevel(a?.rating) ?? 0) <= (ratingLevel('TV-PG') as number))).toBe(true);
    // Back to back within the zone, each episode is the next TV-PG one (1, 3, 5, 7, 1 …).
    let pairs = 0;
    programs.forEach((cur, i) => {
      const prev = programs[i - 1];
      const family = (ms: number): boolean => hour(ms) >= 9 && hour(ms) < 20;
      if (!prev || prev.endMs !== cur.startMs || !family(prev.startMs) || !family(cur.startMs)) return;
      expect(facts.get(cur.assetId as number)?.episode).toBe(((facts.get(prev.assetId as number)?.episode as number) + 1) % 8 + 1);
      pairs++;
    });
    expect(pairs).toBeGreaterThan(20);
    // Late night: the TV-MA episodes air.
    expect(at(22, 24).some((a) => a?.rating === 'TV-MA')).toBe(true);
    // Early movie: every movie is R, over PG-13: filler airs and the report says why.
    expect(at(20, 22)).toEqual([]);
    const gap = epg.find((e) => hour(e.startMs) === 20);
    expect(gap?.kind).toBe('filler');
    const issue = svc.report(3).find((i) => i.code === 'nothing_eligible');
    expect(issue?.message).toBe("zone 'Early movie' (20:00–22:00) has 3 ready programs but none rated PG-13 or below (unrated allowed); its time airs filler or a slate");
    expect(summary.channels[0]?.issues.some((i) => i.code === 'nothing_eligible')).toBe(true);
  });

  it('the station file checks ratings and round-trips restrictions', () => {
    const t = openTestDb();
    open.push(t);
    library(t);
    const clock = new ManualClock('2026-06-04T16:00:00Z');
    expect(() => parseStation(STATION.replace('maxRating: TV-PG', 'maxRating: TV-PGG'))).toThrow(StationFileError);
    try {
      parseStation(STATION.replace('maxRating: TV-PG', 'maxRating: TV-PGG'));
    } catch (err) {
      expect((err as StationFileError).problems[0]).toMatch(/^channels\[0\]\.zones\[1\]\.maxRating: expected one of TV-Y, .*TV-MA/);
    }
    importStation(t.db, clock, STATION.replace('maxRating: PG-13,', 'maxRating: PG-13, allowUnrated: false,'));
    const zones = exportStation(t.db).channels[0]?.zones ?? [];
    expect(zones.map((z) => [z.name, z.maxRating, z.allowUnrated, z.tags])).toEqual([
      ['Kids', undefined, undefined, ['kids']],
      ['Family', 'TV-PG', undefined, undefined],
      ['Early movie', 'PG-13', false, undefined],
      ['Late', undefined, undefined, undefined],
    ]);
  });
});
