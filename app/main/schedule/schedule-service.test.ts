import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../clock/master-clock.ts';
import { ScheduleService } from './schedule-service.ts';
import { importStation } from './station-file.ts';
import { sqlite } from './store.ts';
import { LibraryWriter, openTestDb, type TestDb } from './test-fixtures.ts';
import type { PlaylogEvent } from './types.ts';

const MIN = 60_000;
const HOUR = 3_600_000;

const open: TestDb[] = [];
afterEach(() => {
  while (open.length) open.pop()?.close();
});

type State = 'new' | 'enriching' | 'ready' | 'retired';

/** A small library; `stateOf(i)` decides each asset's lifecycle state. */
function seedLibrary(t: TestDb, stateOf: (i: number) => State = () => 'ready'): void {
  const lib = new LibraryWriter(t.db);
  let i = 0;
  for (let e = 1; e <= 10; e++) {
    lib.add('shows/Space Patrol', { title: `Patrol ${e}`, durationMs: 22 * MIN + e * 1000, series: 'Space Patrol', season: 1, episode: e, chapters: [0, 9 * MIN], state: stateOf(i++) });
  }
  for (let e = 1; e <= 6; e++) lib.add('shows/Late Show', { title: `Late ${e}`, durationMs: 44 * MIN, series: 'Late Show', season: 2, episode: e, state: stateOf(i++) });
  for (let m = 1; m <= 5; m++) lib.add('movies', { title: `Movie ${m}`, durationMs: 95 * MIN + m * 6 * MIN, state: stateOf(i++) });
  [15, 30, 30, 60, 30, 15, 20, 30, 45, 30, 30, 60, 15, 30].forEach((s, k) => lib.add('commercials', { title: `Ad ${k}`, kind: 'commercial', durationMs: s * 1000, state: stateOf(i++) }));
  for (let k = 0; k < 3; k++) lib.add('promos', { title: `Promo ${k}`, kind: 'promo', durationMs: 20_000, state: stateOf(i++) });
  for (let k = 0; k < 3; k++) lib.add('ids', { title: `ID ${k}`, kind: 'station_id', durationMs: 10_000, state: stateOf(i++) });
  for (let k = 0; k < 4; k++) lib.add('bumpers', { title: `Bumper ${k}`, kind: 'bumper', durationMs: 5_000, state: stateOf(i++) });
  lib.add('filler', { title: 'Music', kind: 'filler', durationMs: 240_000, state: 'ready' });
}

const POOLS = `
    pools:
      commercials: [{ collection: commercials }]
      promos: [{ collection: promos }]
      ids: [{ collection: ids }]
      bumpers: { pre: [{ collection: bumpers }], post: [{ collection: bumpers }] }
      filler: [{ collection: filler }]`;

function station(seed = 1, dayContent = 'series', daySource = 'shows/Space Patrol'): string {
  return `
version: 1
channels:
  - number: 4
    name: RetroVue Four
    timezone: America/New_York
    seed: ${seed}
    zones:
      - { name: Day, start: "06:00", end: "20:00", play: ${dayContent}, sources: [{ collection: "${daySource}" }] }
      - { name: Late, start: "20:00", end: "23:00", play: series, sources: [{ collection: "shows/Late Show" }] }
      - { name: Movies, start: "23:00", end: "06:00", play: movies, sources: [{ collection: movies }] }
${POOLS}
  - number: 9
    name: Loop Nine
    timezone: UTC
    loop: { collection: movies, epoch: "2026-01-01T00:00:00Z" }
`;
}

function setup(start = '2026-03-06T15:17:00Z', stateOf?: (i: number) => State): { t: TestDb; clock: ManualClock; svc: ScheduleService } {
  const t = openTestDb();
  open.push(t);
  seedLibrary(t, stateOf);
  const clock = new ManualClock(start);
  importStation(t.db, clock, station());
  return { t, clock, svc: new ScheduleService({ db: t.db, clock }) };
}

function comparable(events: PlaylogEvent[]): unknown[] {
  return events.map((e) => ({ ...e }));
}

describe('ScheduleService', () => {
  it('builds at least 3 days of EPG ahead and answers what is on now, with the offset', async () => {
    const { clock, svc } = setup();
    const summary = await svc.buildHorizon();
    const ch = summary.channels.find((c) => c.channelNumber === 4);
    expect(ch?.built.length).toBeGreaterThanOrEqual(4);
    const now = clock.nowMs();
    expect(svc.horizon(4).untilMs).toBeGreaterThanOrEqual(now + 3 * 24 * HOUR);
    const on = svc.onAir(4, now);
    expect(on).not.toBeNull();
    expect(on?.event.startMs).toBeLessThanOrEqual(now);
    expect(on?.event.endMs).toBeGreaterThan(now);
    expect(on?.offsetMs).toBe(now - (on?.event.startMs as number));
    // upcoming starts with the event on air and runs contiguously.
    const next = svc.upcoming(4, now, 3 * HOUR);
    expect(next[0]?.id).toBe(on?.event.id);
    for (let i = 1; i < next.length; i++) expect(next[i]?.startMs).toBe(next[i - 1]?.endMs);
    expect(next[next.length - 1]?.endMs).toBeGreaterThanOrEqual(now + 3 * HOUR);
    // EPG entries for a day, programs on the half hour.
    const epg = svc.epg(4, now, now + 24 * HOUR);
    expect(epg.length).toBeGreaterThan(20);
    for (const e of epg) if (e.kind === 'program') expect((e.startMs / MIN) % 30).toBe(0);
    expect(epg.some((e) => e.title === 'Space Patrol' && e.season === 1 && e.episode !== null)).toBe(true);
  });

  // Its speed is measured by bench/schedule.bench.ts; here, that it is right at any instant.
  it('"what is on now" answers the event covering any instant, and the offset into it', async () => {
    const { clock, svc } = setup();
    await svc.buildHorizon();
    const now = clock.nowMs();
    for (let i = 0; i < 20_000; i++) {
      const t = now + i * 7_919;
      const on = svc.onAir(4, t);
      if (!on) continue;
      expect(on.event.startMs).toBeLessThanOrEqual(t);
      expect(on.event.endMs).toBeGreaterThan(t);
      expect(on.offsetMs).toBe(t - on.event.startMs);
    }
    expect(svc.onAir(4, now + 3_600_000)).not.toBeNull();
  });

  it('loop channels answer through the same interface: modular arithmetic over the cycle', async () => {
    const { svc } = setup();
    await svc.buildHorizon();
    const epoch = Date.parse('2026-01-01T00:00:00Z');
    const movies = svc.playlog(9, epoch, epoch + 1);
    expect(movies).toHaveLength(1);
    const first = movies[0] as PlaylogEvent;
    expect(first.startMs).toBe(epoch);
    const cycle = svc.playlog(9, epoch, epoch + 24 * HOUR);
    const cycleMs = cycle.slice(0, 5).reduce((s, e) => s + e.durationMs, 0);
    // One cycle later the same asset is on at the same offset.
    const at = epoch + 1234567;
    const a = svc.onAir(9, at);
    const b = svc.onAir(9, at + 3 * cycleMs);
    expect(b?.event.assetId).toBe(a?.event.assetId);
    expect(b?.offsetMs).toBe(a?.offsetMs);
    const up = svc.upcoming(9, at, 6 * HOUR);
    for (let i = 1; i < up.length; i++) expect(up[i]?.startMs).toBe(up[i - 1]?.endMs);
    expect(svc.channelInfo(9)?.planKind).toBe('loop');
  });

  it('a restart reads the same timeline back; a rebuild keeps every stored day', async () => {
    const { t, clock, svc } = setup();
    await svc.buildHorizon();
    const now = clock.nowMs();
    const before = svc.playlog(4, now - HOUR, now + 3 * 24 * HOUR);
    // A new process: reads come from the stored playlog before any build.
    const fresh = new ScheduleService({ db: t.db, clock });
    expect(fresh.onAir(4, now)).toEqual(svc.onAir(4, now));
    expect(comparable(fresh.playlog(4, now, now + 3 * HOUR))).toEqual(comparable(svc.playlog(4, now, now + 3 * HOUR)));
    const summary = await fresh.buildHorizon();
    const ch = summary.channels.find((c) => c.channelNumber === 4);
    expect(ch?.built).toEqual([]);
    expect(comparable(fresh.playlog(4, now - HOUR, now + 3 * 24 * HOUR))).toEqual(comparable(before));
  });

  it('only ready assets are ever scheduled', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom<State>('new', 'enriching', 'ready', 'ready', 'ready', 'retired'), { minLength: 60, maxLength: 60 }), async (states) => {
        const { t, clock, svc } = setup('2026-06-10T12:00:00Z', (i) => states[i] ?? 'ready');
        await svc.buildHorizon({ days: 2 });
        const ready = new Set(
          (sqlite(t.db).prepare(`SELECT id FROM assets WHERE state = 'ready'`).all() as Array<{ id: number }>).map((r) => r.id),
        );
        const now = clock.nowMs();
        for (const ch of [4, 9]) {
          for (const e of svc.playlog(ch, now - 12 * HOUR, now + 48 * HOUR)) if (e.assetId !== null) expect(ready.has(e.assetId)).toBe(true);
          for (const e of svc.epg(ch, now - 12 * HOUR, now + 48 * HOUR)) if (e.assetId !== null) expect(ready.has(e.assetId)).toBe(true);
        }
        t.close();
        open.splice(open.indexOf(t), 1);
      }),
      { numRuns: 8 },
    );
  });

  it('is deterministic: two stations with the same inputs store identical day hashes', async () => {
    const a = setup();
    const b = setup();
    await a.svc.buildHorizon({ days: 5 });
    await b.svc.buildHorizon({ days: 5 });
    const hashes = (t: TestDb): unknown[] =>
      sqlite(t.db).prepare(`SELECT broadcast_date, content_hash, input_hash FROM schedule_days ORDER BY channel_id, broadcast_date`).all();
    expect(hashes(a.t).length).toBeGreaterThanOrEqual(5);
    expect(hashes(a.t)).toEqual(hashes(b.t));
  });

  it('a plan edit never changes what is on air or in the locked window; it shows after it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 40 * 60 }),
        fc.integer({ min: 2, max: 99 }),
        fc.constantFrom('series', 'random', 'movies'),
        async (minutesLater, seed, content) => {
          const { t, clock, svc } = setup();
          await svc.buildHorizon();
          clock.advance(minutesLater * MIN);
          const now = clock.nowMs();
          const lockUntil = now + svc.lockWindowMs;
          const source = content === 'movies' ? 'movies' : 'shows/Late Show';
          const locked = (s: ScheduleService): unknown[] => comparable(s.playlog(4, now, lockUntil).filter((e) => e.startMs < lockUntil));
          const before = locked(svc);
          const beforeAll = comparable(svc.playlog(4, now, now + 3 * 24 * HOUR));
          importStation(t.db, clock, station(seed, content, source));
          // Through the running service, and through a restarted one.
          await svc.buildHorizon();
          expect(locked(svc)).toEqual(before);
          const restarted = new ScheduleService({ db: t.db, clock });
          await restarted.buildHorizon();
          expect(locked(restarted)).toEqual(before);
          // The edit takes effect after the window: the day zone now airs other programs.
          const after = comparable(svc.playlog(4, now, now + 3 * 24 * HOUR));
          expect(after).not.toEqual(beforeAll);
          const lateEpg = svc.epg(4, lockUntil + 24 * HOUR, lockUntil + 48 * HOUR);
          expect(lateEpg.some((e) => e.title === 'Space Patrol')).toBe(false);
          // Still contiguous across the seam.
          const all = svc.playlog(4, now, now + 3 * 24 * HOUR);
          for (let i = 1; i < all.length; i++) expect(all[i]?.startMs).toBe(all[i - 1]?.endMs);
          t.close();
          open.splice(open.indexOf(t), 1);
        },
      ),
      { numRuns: 6 },
    );
  });

  it('rolls the horizon forward on the clock, in the background', async () => {
    const { clock, svc } = setup();
    await svc.start();
    const firstUntil = svc.horizon(4).untilMs as number;
    clock.advance(26 * HOUR);
    await vi.waitFor(() => expect(svc.horizon(4).untilMs).toBeGreaterThan(firstUntil + 20 * HOUR), { timeout: 20_000, interval: 50 });
    expect(svc.horizon(4).untilMs).toBeGreaterThanOrEqual(clock.nowMs() + 3 * 24 * HOUR);
    expect(svc.onAir(4, clock.nowMs())).not.toBeNull();
    svc.stop();
  });

  it('a retired asset leaves the schedule after the locked window', async () => {
    const { t, clock, svc } = setup();
    await svc.buildHorizon();
    const now = clock.nowMs();
    const lockUntil = now + svc.lockWindowMs;
    const later = svc.playlog(4, lockUntil + HOUR, now + 3 * 24 * HOUR);
    const victim = later.find((e) => e.kind === 'commercial')?.assetId as number;
    const lockedBefore = comparable(svc.playlog(4, now, lockUntil).filter((e) => e.startMs < lockUntil));
    sqlite(t.db).prepare(`UPDATE assets SET state = 'retired' WHERE id = ?`).run(victim);
    await svc.buildHorizon();
    expect(comparable(svc.playlog(4, now, lockUntil).filter((e) => e.startMs < lockUntil))).toEqual(lockedBefore);
    // Blocks that start after the window no longer use it.
    const blocksAfter = svc.epg(4, lockUntil, now + 3 * 24 * HOUR).filter((b) => b.startMs >= lockUntil);
    const firstFree = blocksAfter[0]?.startMs as number;
    expect(svc.playlog(4, firstFree, now + 3 * 24 * HOUR).some((e) => e.assetId === victim)).toBe(false);
  });

  it('schedules fractional probe durations in whole milliseconds', async () => {
    const { t, clock, svc } = setup();
    sqlite(t.db).prepare(`UPDATE assets SET duration_ms = duration_ms + 0.37`).run();
    await svc.buildHorizon({ days: 2 });
    const now = clock.nowMs();
    const events = svc.playlog(4, now, now + 24 * HOUR);
    for (const e of events) expect(Number.isInteger(e.startMs) && Number.isInteger(e.durationMs)).toBe(true);
    for (let i = 1; i < events.length; i++) expect(events[i]?.startMs).toBe(events[i - 1]?.endMs);
  });

  it('reports plan problems before they air', async () => {
    const { t, clock, svc } = setup();
    importStation(
      t.db,
      clock,
      `
channels:
  - number: 4
    name: Broken
    timezone: America/New_York
    zones:
      - { name: Morning, start: "06:00", end: "12:00", play: series, sources: [{ collection: "shows/Space Patrol" }] }
      - { name: Brunch, start: "11:00", end: "13:00", play: series, sources: [{ collection: "shows/Late Show" }] }
${POOLS}
`,
    );
    const summary = await svc.buildHorizon({ channelNumber: 4 });
    const issues = summary.channels[0]?.issues ?? [];
    expect(issues.some((i) => i.code === 'zone_overlap')).toBe(true);
    expect(issues.some((i) => i.code === 'gap' && /13:00–06:00/.test(i.message) && /filler/.test(i.message))).toBe(true);
    expect(svc.report(4).map((i) => i.code)).toEqual(expect.arrayContaining(['zone_overlap', 'gap']));
  });
});
