/**
 * The overnight sign-off, 02:00–06:00: what airs (ID, closing card, bars and tone,
 * black, the sign-on sequence ending on the dot), how it is stored and read back,
 * how the guide (EPG, XMLTV) shows it, and what the playout engine is asked to draw.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/master-clock.ts';
import { toLocal } from '../clock/zoned-time.ts';
import { buildXmltv } from '../http/xmltv.ts';
import { segmentFromEvent } from '../runtime/playout-plan.ts';
import { ScheduleService } from './schedule-service.ts';
import { exportStation, importStation, parseStation, StationFileError } from './station-file.ts';
import { LibraryWriter, openTestDb, type TestDb } from './test-fixtures.ts';
import type { EpgEntry, PlaylogEvent } from './types.ts';

const MIN = 60_000;
const DAY = 24 * 3_600_000;
const TZ = 'America/New_York';
const open: TestDb[] = [];
afterEach(() => {
  while (open.length) open.pop()?.close();
});

function station(ids: boolean, signOff = '{ at: "02:00", until: "06:00" }'): string {
  return `
version: 1
channels:
  - number: 5
    name: Night & Day
    timezone: ${TZ}
    signOff: ${signOff}
    zones:
      - { name: Shows, start: "06:00", end: "23:00", play: series, sources: [{ collection: shows }] }
      - { name: Late movie, start: "23:00", end: "06:00", play: movies, sources: [{ collection: movies }] }
    pools:
      commercials: [{ collection: commercials }]
${ids ? '      ids: [{ collection: ids }]' : ''}
      filler: [{ collection: filler }]
`;
}

async function build(ids: boolean): Promise<{ t: TestDb; svc: ScheduleService; now: number }> {
  const t = openTestDb();
  open.push(t);
  const lib = new LibraryWriter(t.db);
  for (let e = 1; e <= 6; e++) lib.add('shows', { title: `Ep ${e}`, durationMs: 22 * MIN, series: 'Show', season: 1, episode: e });
  // 100 minutes: the 23:00 movie runs to 01:00, and the 01:00 one on past 02:00.
  for (let m = 1; m <= 2; m++) lib.add('movies', { title: `Movie ${m}`, durationMs: 100 * MIN });
  for (let k = 0; k < 10; k++) lib.add('commercials', { kind: 'commercial', durationMs: 30_000 });
  for (let k = 0; k < 2; k++) lib.add('ids', { title: `ID ${k}`, kind: 'station_id', durationMs: 8_000 });
  lib.add('filler', { kind: 'filler', durationMs: 240_000 });
  const clock = new ManualClock('2026-06-04T16:00:00Z');
  importStation(t.db, clock, station(ids));
  const svc = new ScheduleService({ db: t.db, clock });
  await svc.buildHorizon({ days: 3 });
  return { t, svc, now: clock.nowMs() };
}

const local = (ms: number): string => {
  const l = toLocal(ms, TZ);
  return `${String(l.hour).padStart(2, '0')}:${String(l.minute).padStart(2, '0')}:${String(l.second).padStart(2, '0')}`;
};

describe('sign-off and the overnight', () => {
  it('airs ID, closing card, bars, black, then the sign-on sequence ending at 06:00 on the dot', async () => {
    const { svc, now } = await build(true);
    const epg = svc.epg(5, now, now + 2 * DAY);
    const night = epg.find((e) => e.kind === 'pad') as EpgEntry;
    expect(night.title).toBe('Off the air');
    // The sign-off waits for the programme on air: the 01:00 movie ends at 03:00.
    const before = epg[epg.indexOf(night) - 1] as EpgEntry;
    expect(before.kind).toBe('program');
    expect(before.endMs).toBe(night.startMs);
    expect(local(night.startMs)).toBe('03:00:00');
    expect(local(night.endMs)).toBe('06:00:00');
    // Programmes resume at 06:00 on the grid.
    expect(epg.find((e) => e.startMs === night.endMs)?.kind).toBe('program');
    const events = svc.playlog(5, night.startMs, night.endMs);
    const seq = events.map((e) => [e.kind, e.title, e.durationMs / 1000, e.card?.kind ?? null]);
    const blackMs = night.endMs - night.startMs - (8 + 60 + 300 + 60 + 20 + 8) * 1000;
    expect(seq).toEqual([
      ['station_id', expect.stringMatching(/^ID /), 8, null],
      ['pad', 'This concludes our broadcast day', 60, 'card'],
      ['pad', 'SMPTE bars', 300, 'bars'],
      ['pad', 'Off the air', blackMs / 1000, null],
      ['pad', 'SMPTE bars', 60, 'bars'],
      ['pad', 'Good morning: our broadcast day begins', 20, 'card'],
      ['station_id', expect.stringMatching(/^ID /), 8, null],
    ]);
    // Two different IDs open and close the night.
    expect(events[0]?.assetId).not.toBe(events[6]?.assetId);
    // The playout engine is told what to draw: SMPTE bars with tone, a still card, black.
    const segs = events.map(segmentFromEvent).map((s) => s.source);
    expect(segs[1]).toEqual({ type: 'generated', spec: { kind: 'slate', heading: 'This concludes our broadcast day', textFile: null, tone: false } });
    expect(segs[2]).toEqual({ type: 'generated', spec: { kind: 'bars' } });
    expect(segs[3]).toEqual({ type: 'black' });
    expect(segs[0]?.type).toBe('file');
  });

  it('is stored and read back with its cards; the guide and XMLTV show it', async () => {
    const { t, svc, now } = await build(false);
    const fresh = new ScheduleService({ db: t.db, clock: new ManualClock(now) });
    const built = svc.playlog(5, now, now + 2 * DAY);
    expect(fresh.playlog(5, now, now + 2 * DAY)).toEqual(built);
    // Without an ID pool, the channel's name on a card identifies the station.
    const ids = built.filter((e: PlaylogEvent) => e.title === 'Station identification');
    expect(ids.length).toBeGreaterThan(1);
    expect(ids[0]?.card).toEqual({ kind: 'card', heading: 'Night & Day' });
    const entries = svc.epg(5, now, now + DAY);
    const xml = buildXmltv('http://tv', [{ number: 5, name: 'Night & Day', timezone: TZ, entries }]);
    expect(xml).toMatch(/<programme start="\d{8}030000 -0400" stop="\d{8}060000 -0400" channel="5.retrovue">\n\s+<title lang="en">Off the air<\/title>\n\s+<category lang="en">Off air<\/category>/);
  });

  it('the station file checks and round-trips it', () => {
    expect(() => parseStation(station(true, '{ at: "02:00", until: "02:00" }'))).toThrow(StationFileError);
    try {
      parseStation(station(true, '{ at: "2am", until: "06:00" }'));
    } catch (err) {
      expect((err as StationFileError).problems).toContain('channels[0].signOff.at: expected HH:MM');
    }
    const t = openTestDb();
    open.push(t);
    const lib = new LibraryWriter(t.db);
    for (const c of ['shows', 'movies', 'commercials', 'ids', 'filler']) lib.collection(c);
    importStation(t.db, new ManualClock('2026-06-04T16:00:00Z'), station(true));
    expect(exportStation(t.db).channels[0]?.signOff).toEqual({ at: '02:00', until: '06:00' });
  });

  it('a night that runs past the broadcast-day start signs on in the next day', async () => {
    const t = openTestDb();
    open.push(t);
    const lib = new LibraryWriter(t.db);
    for (let e = 1; e <= 6; e++) lib.add('shows', { title: `Ep ${e}`, durationMs: 22 * MIN, series: 'Show', season: 1, episode: e });
    lib.add('filler', { kind: 'filler', durationMs: 240_000 });
    lib.collection('movies');
    lib.collection('commercials');
    lib.collection('ids');
    const clock = new ManualClock('2026-06-04T16:00:00Z');
    importStation(t.db, clock, station(false, '{ at: "03:00", until: "07:00" }'));
    const svc = new ScheduleService({ db: t.db, clock });
    await svc.buildHorizon({ days: 3 });
    const epg = svc.epg(5, clock.nowMs(), clock.nowMs() + 2 * DAY).filter((e) => e.kind === 'pad');
    // Off the air across 06:00 (two guide entries, one per broadcast day), on at 07:00.
    expect(epg.slice(0, 2).map((e) => `${local(e.startMs)}–${local(e.endMs)} ${e.title}`)).toEqual(['03:00:00–06:00:00 Off the air', '06:00:00–07:00:00 Off the air']);
    const [first, second] = epg.map((e) => svc.playlog(5, e.startMs, e.endMs).map((x) => x.title));
    // The sign-off sequence opens the first; the sign-on sequence closes the second.
    expect(first).toEqual(['Station identification', 'This concludes our broadcast day', 'SMPTE bars', 'Off the air']);
    expect(second).toEqual(['Off the air', 'SMPTE bars', 'Good morning: our broadcast day begins', 'Station identification']);
  });
});
