import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildDay } from './builder.ts';
import { signOffWindows } from './builder/sign-off.ts';
import { eligible, KNOWN_RATINGS } from './ratings.ts';
import { LibraryIndex, resolvePlan, type ResolvedPlan } from './resolve.ts';
import { broadcastDateAt, DayFrame, formatHhMm, nextDate, parseDate, type LocalDate } from './time.ts';
import {
  DEFAULT_BREAK_RULES,
  emptyState,
  type BuiltBlock,
  type BuiltDay,
  type ChannelPlan,
  type GridMinutes,
  type LibraryAsset,
  type PoolItemPlan,
  type PoolRole,
  type ZonePlan,
} from './types.ts';

const MIN = 60_000;

// ------------------------------------------------------------------ fixtures

let nextId = 1;
function asset(collectionId: number, durationMs: number, extra: Partial<LibraryAsset> = {}): LibraryAsset {
  const id = nextId++;
  return {
    id,
    collectionId,
    kind: 'program',
    title: `asset ${id}`,
    series: null,
    season: null,
    episode: null,
    durationMs,
    chapters: [],
    path: `/media/${id}.mp4`,
    relPath: `${String(id).padStart(5, '0')}.mp4`,
    hasVideo: true,
    hasAudio: true,
    ...extra,
  };
}

const C = { series: 1, movies: 2, commercials: 3, promos: 4, ids: 5, bumpers: 6, filler: 7, series2: 8 };

function pools(over: Partial<Record<PoolRole, PoolItemPlan[]>> = {}): Record<PoolRole, PoolItemPlan[]> {
  return {
    commercial: [{ collectionId: C.commercials }],
    promo: [{ collectionId: C.promos }],
    station_id: [{ collectionId: C.ids }],
    bumper_pre: [{ collectionId: C.bumpers }],
    bumper_post: [{ collectionId: C.bumpers }],
    filler: [{ collectionId: C.filler }],
    ...over,
  };
}

function zone(over: Partial<ZonePlan> & Pick<ZonePlan, 'start' | 'end' | 'content' | 'sources'>): ZonePlan {
  return { name: `${over.start}-${over.end}`, days: [], dateFrom: null, dateTo: null, priority: 0, midBreaks: null, ...over };
}

function plan(over: Partial<ChannelPlan>): ChannelPlan {
  return {
    channelNumber: 7,
    timezone: 'America/New_York',
    gridMinutes: 30,
    broadcastDayStart: '06:00',
    seed: 42,
    breaks: DEFAULT_BREAK_RULES,
    zones: [],
    pools: pools(),
    ...over,
  };
}

function standardLibrary(): LibraryAsset[] {
  const lib: LibraryAsset[] = [];
  for (let e = 1; e <= 8; e++) lib.push(asset(C.series, 22 * MIN + e * 1000, { series: 'Space Patrol', season: 1, episode: e, title: `Episode ${e}` }));
  for (let m = 1; m <= 4; m++) lib.push(asset(C.movies, 100 * MIN + m * 7 * MIN, { title: `Movie ${m}` }));
  [15, 30, 30, 60, 30, 15, 20, 30, 45, 30, 30, 60].forEach((s) => lib.push(asset(C.commercials, s * 1000, { kind: 'commercial' })));
  for (let i = 0; i < 3; i++) lib.push(asset(C.promos, 20_000, { kind: 'promo' }));
  for (let i = 0; i < 3; i++) lib.push(asset(C.ids, 10_000, { kind: 'station_id' }));
  for (let i = 0; i < 4; i++) lib.push(asset(C.bumpers, 5_000, { kind: 'bumper' }));
  lib.push(asset(C.filler, 240_000, { kind: 'filler' }));
  return lib;
}

function frameOf(p: ResolvedPlan, date: LocalDate): DayFrame {
  return new DayFrame(p.plan.timezone, date, p.dayStartMinutes, p.gridMs);
}

/** Build `n` consecutive days, each from the state the previous one left. */
function buildDays(p: ResolvedPlan, first: LocalDate, n: number): BuiltDay[] {
  const out: BuiltDay[] = [];
  let state = emptyState();
  let date = first;
  for (let i = 0; i < n; i++) {
    const d = buildDay({ plan: p, frame: frameOf(p, date), state });
    out.push(d);
    state = d.stateAfter;
    date = nextDate(date);
  }
  return out;
}

// ------------------------------------------------------------------ invariants

function ok(cond: boolean, what: string): void {
  if (!cond) throw new Error(what);
}
function eq<T>(actual: T, expected: T, what: string): void {
  if (actual !== expected) throw new Error(`${what}: ${String(actual)} !== ${String(expected)}`);
}

function checkInvariants(p: ResolvedPlan, days: BuiltDay[], library: LibraryAsset[]): void {
  const known = new Map(library.map((a) => [a.id, a]));
  const margin = p.plan.breaks.marginMs;
  let prevEnd: number | null = null;
  for (const day of days) {
    const frame = frameOf(p, parseDate(day.broadcastDate) as LocalDate);
    // Each day starts where the previous one (or its carry-over) ended, and runs past its own end.
    if (prevEnd !== null) eq(day.firstMs, Math.max(prevEnd, day.startMs), 'day starts after the carry-over');
    ok(day.lastMs >= day.endMs, 'day ends at or after its end');
    let t = day.firstMs;
    for (const b of day.blocks) {
      // Playlog contiguous, no gap, no overlap; the block sums exactly to its boundary.
      eq(b.entry.startMs, t, 'block contiguous');
      ok(b.entry.endMs > b.entry.startMs, 'block not empty');
      let e = b.entry.startMs;
      for (const ev of b.events) {
        eq(ev.startMs, e, 'event contiguous');
        ok(ev.durationMs > 0, 'event not empty');
        eq(ev.endMs - ev.startMs, ev.durationMs, 'duration');
        e = ev.endMs;
        if (ev.assetId !== null) {
          const a = known.get(ev.assetId);
          ok(a !== undefined, `event uses unknown asset ${ev.assetId}`);
          ok(ev.inPointMs + ev.durationMs <= (a as LibraryAsset).durationMs, 'event within its file');
        } else eq(ev.kind, 'pad', 'only pads have no asset');
      }
      eq(e, b.entry.endMs, 'block filled exactly to its boundary');
      t = b.entry.endMs;
      if (b.entry.kind === 'program') {
        // Programs start and end on the local grid.
        ok(frame.isOnGrid(b.entry.startMs), `program at ${frame.localHhMm(b.entry.startMs)} off grid`);
        ok(frame.isOnGrid(b.entry.endMs), 'program ends on grid');
        const a = known.get(b.entry.assetId as number) as LibraryAsset;
        // Daypart restrictions: nothing airs in a zone that its rating or tags keep out.
        const owner = p.zones.find((z) => z.name === b.zone);
        ok(owner !== undefined, `program block of unknown zone ${b.zone}`);
        ok(eligible(a, (owner as ResolvedPlan['zones'][number]).restriction), `${a.rating ?? 'unrated'} [${(a.tags ?? []).join(',')}] program in zone ${b.zone}`);
        // Smallest whole number of blocks (DST shifts that are not whole blocks may add one).
        const blocks = Math.ceil(a.durationMs / p.gridMs);
        ok(b.entry.endMs - b.entry.startMs >= blocks * p.gridMs, 'slot holds the program');
        ok(b.entry.endMs - b.entry.startMs < (blocks + 1) * p.gridMs, 'smallest whole number of blocks');
        const parts = b.events.filter((x) => x.kind === 'program');
        eq(parts.reduce((s, x) => s + x.durationMs, 0), a.durationMs, 'the whole program airs');
        eq(parts[0]?.startMs, b.entry.startMs, 'program opens its slot');
        for (const part of parts.slice(1)) {
          // Never a break in the first or last minutes.
          ok(part.inPointMs >= Math.min(margin, a.durationMs), 'no break in the first minutes');
          ok(part.inPointMs <= a.durationMs - margin, 'no break in the last minutes');
        }
        for (const brk of breaksOf(b)) {
          const spots = brk.filter((x) => x.kind === 'commercial' || x.kind === 'promo').map((x) => x.assetId);
          eq(new Set(spots).size, spots.length, 'a spot aired twice in one break');
          const promos = brk.filter((x) => x.kind === 'promo').length;
          ok(promos <= p.plan.breaks.maxPromosPerBreak, `${promos} promos in a break (cap ${p.plan.breaks.maxPromosPerBreak})`);
        }
      }
    }
    eq(t, day.lastMs, 'blocks reach the day end');
    // Off the air: no programme starts in a sign-off window, and the channel signs on exactly on time.
    for (const w of signOffWindows(p, frame)) {
      for (const b of day.blocks) ok(!(b.entry.kind === 'program' && b.entry.startMs >= w.startMs && b.entry.startMs < w.endMs), `programme at ${frame.localHhMm(b.entry.startMs)} while off the air`);
      // A programme on air through the whole window (this day's, or carried over from the day before) keeps the channel on.
      const overran = day.firstMs >= w.endMs || day.blocks.some((b) => b.entry.kind === 'program' && b.entry.startMs < w.startMs && b.entry.endMs >= w.endMs);
      const night = day.blocks.find((b) => b.entry.title === 'Off the air' && b.entry.startMs >= w.startMs && b.entry.startMs < w.endMs);
      if (!overran) ok(night !== undefined && night.entry.endMs === w.endMs, `not off the air until ${frame.localHhMm(w.endMs)}`);
      // The night opens with the sign-off sequence and closes with the sign-on one (bars among them), as far as it holds them.
      if (night && w.opens && night.entry.endMs - night.entry.startMs >= 20 * MIN) ok(night.events.some((e) => e.card?.kind === 'bars'), 'no bars');
    }
    prevEnd = day.lastMs;
  }
}

/** The runs of non-program events between program parts. */
function breaksOf(b: BuiltBlock): BuiltBlock['events'][] {
  const out: BuiltBlock['events'][] = [];
  let cur: BuiltBlock['events'] = [];
  for (const ev of b.events) {
    if (ev.kind === 'program') {
      if (cur.length) out.push(cur);
      cur = [];
    } else cur.push(ev);
  }
  if (cur.length) out.push(cur);
  return out;
}

// ------------------------------------------------------------------ generators

const TIMEZONES = ['America/New_York', 'Europe/London', 'UTC', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/Los_Angeles'];

const arbLibrary = fc
  .record({
    series: fc.array(fc.record({ min: fc.integer({ min: 4, max: 75 }), chapters: fc.array(fc.integer({ min: 0, max: 75 * MIN }), { maxLength: 5 }) }), {
      minLength: 1,
      maxLength: 8,
    }),
    series2: fc.array(fc.integer({ min: 10, max: 50 }), { maxLength: 4 }),
    movies: fc.array(fc.integer({ min: 70, max: 190 }), { maxLength: 4 }),
    commercials: fc.array(fc.constantFrom(10, 15, 20, 30, 45, 60), { maxLength: 14 }),
    promos: fc.array(fc.integer({ min: 5, max: 40 }), { maxLength: 4 }),
    ids: fc.array(fc.integer({ min: 3, max: 15 }), { maxLength: 3 }),
    bumpers: fc.array(fc.integer({ min: 2, max: 8 }), { maxLength: 4 }),
    filler: fc.array(fc.integer({ min: 20, max: 400 }), { maxLength: 2 }),
    jitter: fc.integer({ min: 0, max: 999 }),
    ratings: fc.array(fc.option(fc.constantFrom(...KNOWN_RATINGS), { nil: null }), { minLength: 7, maxLength: 7 }),
  })
  .map((r) => {
    const lib: LibraryAsset[] = [];
    // Ratings and tags cycle over the programs, so restricted zones meet every case.
    let k = 0;
    const rated = (): Partial<LibraryAsset> => {
      const i = k++;
      return { rating: r.ratings[i % r.ratings.length] ?? null, tags: i % 3 === 0 ? ['kids'] : i % 3 === 1 ? ['drama', 'late'] : [] };
    };
    r.series.forEach((s, i) =>
      lib.push(asset(C.series, s.min * MIN + r.jitter * i, { series: 'Gen', season: 1, episode: i + 1, chapters: [...new Set(s.chapters)].sort((a, b) => a - b), ...rated() })),
    );
    r.series2.forEach((m, i) => lib.push(asset(C.series2, m * MIN + 333, { series: 'Other', season: 2, episode: i + 1, ...rated() })));
    r.movies.forEach((m) => lib.push(asset(C.movies, m * MIN + r.jitter, rated())));
    r.commercials.forEach((s) => lib.push(asset(C.commercials, s * 1000, { kind: 'commercial' })));
    r.promos.forEach((s) => lib.push(asset(C.promos, s * 1000 + r.jitter, { kind: 'promo' })));
    r.ids.forEach((s) => lib.push(asset(C.ids, s * 1000, { kind: 'station_id' })));
    r.bumpers.forEach((s) => lib.push(asset(C.bumpers, s * 1000, { kind: 'bumper' })));
    r.filler.forEach((s) => lib.push(asset(C.filler, s * 1000, { kind: 'filler' })));
    return lib;
  });

const arbHhMm = (grid: number, offGrid: boolean): fc.Arbitrary<string> =>
  fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => formatHhMm(h * 60 + (offGrid ? m : Math.floor(m / grid) * grid)));

const arbZone = (grid: number): fc.Arbitrary<ZonePlan> =>
  fc
    .record({
      start: fc.oneof({ weight: 4, arbitrary: arbHhMm(grid, false) }, { weight: 1, arbitrary: arbHhMm(grid, true) }),
      end: fc.oneof({ weight: 4, arbitrary: arbHhMm(grid, false) }, { weight: 1, arbitrary: arbHhMm(grid, true) }),
      days: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { maxLength: 7 }),
      priority: fc.integer({ min: 0, max: 2 }),
      content: fc.constantFrom('series', 'random', 'movies', 'asset', 'rotate'),
      midBreaks: fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }),
      maxRating: fc.option(fc.constantFrom(...KNOWN_RATINGS), { nil: undefined, freq: 3 }),
      allowUnrated: fc.option(fc.boolean(), { nil: undefined }),
      tags: fc.option(fc.constantFrom<string[]>(['kids'], ['late', 'family']), { nil: undefined, freq: 4 }),
    })
    .map((z) => {
      const sources =
        z.content === 'movies'
          ? [{ collectionId: C.movies }]
          : z.content === 'rotate'
            ? [{ collectionId: C.series }, { collectionId: C.series2 }]
            : z.content === 'asset'
              ? [{ assetId: 1 }]
              : [{ collectionId: C.series }];
      return zone({ ...z, content: z.content === 'rotate' ? 'series' : z.content, sources });
    });

const arbPlan = fc
  .record({
    tz: fc.constantFrom(...TIMEZONES),
    grid: fc.constantFrom<GridMinutes>(15, 30, 60),
    seed: fc.integer({ min: 0, max: 2 ** 31 }),
    breaksPerHour: fc.integer({ min: 0, max: 8 }),
    marginMin: fc.integer({ min: 0, max: 5 }),
    cooldownMin: fc.integer({ min: 0, max: 90 }),
    maxPromos: fc.integer({ min: 0, max: 3 }),
    signOff: fc.option(fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 3 })), { nil: null, freq: 2 }),
  })
  .chain((r) =>
    fc.record({
      r: fc.constant(r),
      dayStart: arbHhMm(r.grid, false),
      zones: fc.array(arbZone(r.grid), { maxLength: 4 }),
    }),
  )
  .map(({ r, dayStart, zones }) =>
    plan({
      timezone: r.tz,
      gridMinutes: r.grid,
      broadcastDayStart: dayStart,
      seed: r.seed,
      breaks: { ...DEFAULT_BREAK_RULES, breaksPerHour: r.breaksPerHour, marginMs: r.marginMin * MIN, spotCooldownMs: r.cooldownMin * MIN, maxPromosPerBreak: r.maxPromos },
      // Nights from 1 to 10 hours, some starting off the grid (the resolver snaps them).
      ...(r.signOff ? { signOff: { at: formatHhMm(r.signOff[0] * 60 + r.signOff[2] * 7), until: formatHhMm(((r.signOff[0] + r.signOff[1]) % 24) * 60), name: 'Gen' } } : {}),
      // Unique names: the invariants find a block's zone by name.
      zones: zones.map((z, i) => ({ ...z, name: `zone ${i}` })),
    }),
  );

/** Dates across 2026, with the DST transitions of the test zones over-weighted. */
const arbDate = fc.oneof(
  fc.integer({ min: 0, max: 364 }).map((d) => nextDate({ year: 2026, month: 1, day: 1 }, d)),
  fc.constantFrom('2026-03-07', '2026-03-08', '2026-03-28', '2026-03-29', '2026-04-04', '2026-10-03', '2026-10-24', '2026-10-25', '2026-10-31', '2026-11-01').map(
    (s) => parseDate(s) as LocalDate,
  ),
);

// ------------------------------------------------------------------ properties

describe('day builder properties', () => {
  it('keeps the playlog contiguous, fills every block exactly, starts programs on the grid, is deterministic', () => {
    fc.assert(
      fc.property(arbPlan, arbLibrary, arbDate, (p, library, date) => {
        const resolved = resolvePlan(p, new LibraryIndex(library));
        const days = buildDays(resolved, nextDate(date, -1), 3);
        checkInvariants(resolved, days, library);
        // Same inputs, same timeline: identical hashes on a second build.
        const again = buildDays(resolvePlan(p, new LibraryIndex(library)), nextDate(date, -1), 3);
        expect(again.map((d) => d.contentHash)).toEqual(days.map((d) => d.contentHash));
      }),
      { numRuns: 120 },
    );
  });

  it('carrying the working state from day to day equals restarting each day from the stored state', () => {
    fc.assert(
      fc.property(arbPlan, arbLibrary, arbDate, (p, library, date) => {
        const resolved = resolvePlan(p, new LibraryIndex(library));
        const stored = buildDays(resolved, date, 3);
        let live: ReturnType<typeof buildDay> | null = null;
        const carried: string[] = [];
        for (let i = 0; i < 3; i++) {
          live = buildDay({ plan: resolved, frame: frameOf(resolved, nextDate(date, i)), state: live?.stateAfter ?? emptyState(), live: live?.live });
          carried.push(live.contentHash);
        }
        expect(carried).toEqual(stored.map((d) => d.contentHash));
      }),
      { numRuns: 60 },
    );
  });

  it('rebuilding after a kept (locked) prefix reproduces the same day', () => {
    fc.assert(
      fc.property(arbPlan, arbLibrary, arbDate, fc.double({ min: 0, max: 1, noNaN: true }), (p, library, date, cut) => {
        const resolved = resolvePlan(p, new LibraryIndex(library));
        const [prev] = buildDays(resolved, nextDate(date, -1), 1) as [BuiltDay];
        const full = buildDay({ plan: resolved, frame: frameOf(resolved, date), state: prev.stateAfter });
        const keep = full.blocks.slice(0, Math.floor(full.blocks.length * cut));
        const resumed = buildDay({ plan: resolved, frame: frameOf(resolved, date), state: prev.stateAfter, kept: keep });
        expect(resumed.contentHash).toBe(full.contentHash);
        expect(resumed.stateAfter).toEqual(full.stateAfter);
      }),
      { numRuns: 60 },
    );
  });
});

// ------------------------------------------------------------------ DST and carry-over

describe('broadcast days across DST (America/New_York)', () => {
  const library = standardLibrary();
  const allDay = plan({
    zones: [
      zone({ name: 'Day', start: '06:00', end: '22:00', content: 'series', sources: [{ collectionId: C.series }] }),
      zone({ name: 'Night', start: '22:00', end: '06:00', content: 'movies', sources: [{ collectionId: C.movies }] }),
    ],
  });

  it.each([
    ['2026-03-07', '06:00', 23],
    ['2026-10-31', '06:00', 25],
    ['2026-03-08', '00:00', 23],
    ['2026-11-01', '00:00', 25],
  ])('broadcast day %s (day start %s) lasts %i hours, with no gap or overlap', (dateText, dayStart, hours) => {
    const resolved = resolvePlan({ ...allDay, broadcastDayStart: dayStart }, new LibraryIndex(library));
    const date = parseDate(dateText) as LocalDate;
    const days = buildDays(resolved, nextDate(date, -1), 3);
    const day = days[1] as BuiltDay;
    expect((day.endMs - day.startMs) / 3_600_000).toBe(hours);
    checkInvariants(resolved, days, library);
    // The guide covers the whole day without holes.
    const covered = day.blocks.reduce((s, b) => s + (b.entry.endMs - b.entry.startMs), 0);
    expect(covered).toBe(day.lastMs - day.firstMs);
  });

  it('zones are in local time on both sides of the change', () => {
    const resolved = resolvePlan(allDay, new LibraryIndex(library));
    for (const dateText of ['2026-03-07', '2026-10-31']) {
      const [day] = buildDays(resolved, parseDate(dateText) as LocalDate, 1) as [BuiltDay];
      const frame = frameOf(resolved, parseDate(dateText) as LocalDate);
      const firstMovie = day.blocks.find((b) => b.zone === 'Night') as BuiltBlock;
      expect(frame.localHhMm(firstMovie.entry.startMs)).toBe('22:00');
      const firstDay = day.blocks[0] as BuiltBlock;
      expect(frame.localHhMm(firstDay.entry.startMs)).toBe('06:00');
    }
  });
});

describe('carry-over across the broadcast-day start', () => {
  it('a 05:00 movie is not cut at 06:00 and the next day starts after it', () => {
    const library = standardLibrary();
    const p = plan({
      zones: [
        zone({ name: 'Day', start: '06:00', end: '05:00', content: 'series', sources: [{ collectionId: C.series }] }),
        zone({ name: 'Late movie', start: '05:00', end: '06:00', content: 'movies', sources: [{ collectionId: C.movies }] }),
      ],
    });
    const resolved = resolvePlan(p, new LibraryIndex(library));
    const date = parseDate('2026-05-01') as LocalDate;
    const [d1, d2] = buildDays(resolved, date, 2) as [BuiltDay, BuiltDay];
    const movie = d1.blocks[d1.blocks.length - 1] as BuiltBlock;
    const frame = frameOf(resolved, date);
    expect(movie.zone).toBe('Late movie');
    expect(frame.localHhMm(movie.entry.startMs)).toBe('05:00');
    expect(movie.entry.endMs).toBeGreaterThan(d1.endMs);
    expect(d1.lastMs).toBe(movie.entry.endMs);
    // Not cut: the whole movie airs inside its slot.
    const parts = movie.events.filter((e) => e.kind === 'program');
    expect(parts.reduce((s, e) => s + e.durationMs, 0)).toBe(library.find((a) => a.id === movie.entry.assetId)?.durationMs);
    expect(d2.firstMs).toBe(movie.entry.endMs);
    expect(d2.blocks[0]?.entry.startMs).toBe(movie.entry.endMs);
    const film = library.find((a) => a.id === movie.entry.assetId) as LibraryAsset;
    expect(d2.firstMs - movie.entry.startMs).toBe(Math.ceil(film.durationMs / (30 * MIN)) * 30 * MIN);
    expect(frame.localHhMm(d2.firstMs) > '06:00').toBe(true);
    checkInvariants(resolved, [d1, d2], library);
  });

  it('holds for generated plans whose last zone is a movie pool', () => {
    fc.assert(
      fc.property(arbLibrary, fc.integer({ min: 1, max: 5 }), fc.constantFrom(...TIMEZONES), arbDate, (library, hoursBefore, tz, date) => {
        const start = formatHhMm(((6 - hoursBefore + 24) % 24) * 60);
        const p = plan({
          timezone: tz,
          zones: [
            zone({ name: 'Day', start: '06:00', end: start, content: 'series', sources: [{ collectionId: C.series }] }),
            zone({ name: 'Movies', start, end: '06:00', content: 'movies', sources: [{ collectionId: C.movies }] }),
          ],
        });
        const resolved = resolvePlan(p, new LibraryIndex(library));
        const days = buildDays(resolved, date, 2);
        checkInvariants(resolved, days, library);
      }),
      { numRuns: 40 },
    );
  });
});

// ------------------------------------------------------------------ breaks

describe('series', () => {
  it('air in order and continue across days, rotating the series of a zone', () => {
    const library = [...standardLibrary()];
    for (let e = 1; e <= 3; e++) library.push(asset(C.series2, 20 * MIN, { series: 'Other', season: 1, episode: e }));
    const p = plan({
      zones: [
        zone({ name: 'Morning', start: '06:00', end: '09:00', content: 'series', sources: [{ collectionId: C.series }] }),
        zone({ name: 'Block', start: '09:00', end: '11:00', content: 'series', sources: [{ collectionId: C.series }, { collectionId: C.series2 }] }),
        zone({ name: 'Rest', start: '11:00', end: '06:00', content: 'movies', sources: [{ collectionId: C.movies }] }),
      ],
    });
    const resolved = resolvePlan(p, new LibraryIndex(library));
    const days = buildDays(resolved, parseDate('2026-06-01') as LocalDate, 3);
    const programs = days.flatMap((d) => d.blocks).filter((b) => b.entry.kind === 'program' && b.entry.title !== null);
    const main = programs.filter((b) => b.entry.title === 'Space Patrol').map((b) => b.entry.episode as number);
    expect(main.length).toBeGreaterThan(15);
    main.forEach((ep, i) => i > 0 && expect(ep).toBe(((main[i - 1] as number) % 8) + 1));
    const block = programs.filter((b) => b.zone === 'Block').map((b) => b.entry.title);
    block.forEach((t, i) => i > 0 && expect(t).not.toBe(block[i - 1]));
    const other = programs.filter((b) => b.entry.title === 'Other').map((b) => b.entry.episode as number);
    other.forEach((ep, i) => i > 0 && expect(ep).toBe(((other[i - 1] as number) % 3) + 1));
  });
});

describe('break anatomy', () => {
  const library = standardLibrary();
  const episodes = library.filter((a) => a.collectionId === C.series);
  const base = plan({ zones: [zone({ name: 'Day', start: '06:00', end: '06:00', content: 'series', sources: [{ collectionId: C.series }] })] });

  function firstBlock(p: ChannelPlan, lib = library): BuiltBlock {
    const resolved = resolvePlan(p, new LibraryIndex(lib));
    const [day] = buildDays(resolved, parseDate('2026-06-01') as LocalDate, 1) as [BuiltDay];
    return day.blocks[0] as BuiltBlock;
  }

  it('a 22-minute episode takes one 30-minute block: part, break, part, break', () => {
    const b = firstBlock(base);
    const ep = episodes[0] as LibraryAsset;
    expect(b.entry.endMs - b.entry.startMs).toBe(30 * MIN);
    const kinds = b.events.map((e) => e.kind);
    expect(kinds.filter((k) => k === 'program')).toHaveLength(2);
    const brks = breaksOf(b);
    expect(brks).toHaveLength(2);
    for (const brk of brks) {
      // pre-break bumper → commercials/promos → post-break bumper
      expect(brk[0]?.kind).toBe('bumper');
      const lastBumper = brk.map((e) => e.kind).lastIndexOf('bumper');
      expect(lastBumper).toBeGreaterThan(0);
      const middle = brk.slice(1, lastBumper).map((e) => e.kind);
      expect(middle.length).toBeGreaterThan(0);
      expect(middle.every((k) => ['commercial', 'promo', 'station_id', 'filler', 'pad'].includes(k))).toBe(true);
      // Promos follow the commercials.
      const firstPromo = middle.indexOf('promo');
      if (firstPromo >= 0) expect(middle.slice(firstPromo).includes('commercial')).toBe(false);
    }
    // The leftover (30 min − episode) is divided evenly between the two breaks.
    const leftover = 30 * MIN - ep.durationMs;
    const lens = brks.map((brk) => brk.reduce((s, e) => s + e.durationMs, 0));
    expect(lens.reduce((a, c) => a + c, 0)).toBe(leftover);
    expect(Math.abs((lens[0] as number) - (lens[1] as number))).toBeLessThanOrEqual(1);
    // The mid break sits halfway through the episode.
    const second = b.events.filter((e) => e.kind === 'program')[1];
    expect(second?.inPointMs).toBe(Math.round(ep.durationMs / 2));
  });

  it('breaks at chapter markers when the program has them', () => {
    const lib = standardLibrary().map((a) => (a.collectionId === C.series ? { ...a, chapters: [0, 8 * MIN, 16 * MIN] } : a));
    const parts = firstBlock({ ...base, zones: [{ ...(base.zones[0] as ZonePlan), midBreaks: 2 }] }, lib).events.filter((e) => e.kind === 'program');
    expect(parts.map((e) => e.inPointMs)).toEqual([0, 8 * MIN, 16 * MIN]);
    // One break wanted: the chapter nearest the middle.
    const one = firstBlock({ ...base, zones: [{ ...(base.zones[0] as ZonePlan), midBreaks: 1 }] }, lib).events.filter((e) => e.kind === 'program');
    expect(one.map((e) => e.inPointMs)).toEqual([0, 8 * MIN]);
  });

  it('breaks at detected break points (black + silence) when there are no chapters; chapters win over them', () => {
    const zoned = { ...base, zones: [{ ...(base.zones[0] as ZonePlan), midBreaks: 2 }] };
    const detected = standardLibrary().map((a) => (a.collectionId === C.series ? { ...a, detectedBreaks: [7 * MIN, 15 * MIN] } : a));
    expect(firstBlock(zoned, detected).events.filter((e) => e.kind === 'program').map((e) => e.inPointMs)).toEqual([0, 7 * MIN, 15 * MIN]);
    const both = detected.map((a) => (a.collectionId === C.series ? { ...a, chapters: [0, 8 * MIN, 16 * MIN] } : a));
    expect(firstBlock(zoned, both).events.filter((e) => e.kind === 'program').map((e) => e.inPointMs)).toEqual([0, 8 * MIN, 16 * MIN]);
    // Detected points inside the margins are not used: even spacing instead.
    const early = standardLibrary().map((a) => (a.collectionId === C.series ? { ...a, detectedBreaks: [30_000] } : a));
    const ep = episodes[0] as LibraryAsset;
    expect(firstBlock(zoned, early).events.filter((e) => e.kind === 'program').map((e) => e.inPointMs)).toEqual([0, Math.round(ep.durationMs / 3), Math.round((2 * ep.durationMs) / 3)]);
  });

  it('a 45-minute program takes 60 minutes; a movie spans as many blocks as it needs', () => {
    const lib = [...standardLibrary(), asset(C.series2, 45 * MIN, { series: 'Hour', season: 1, episode: 1 })];
    const b = firstBlock({ ...base, zones: [zone({ start: '06:00', end: '06:00', content: 'series', sources: [{ collectionId: C.series2 }] })] }, lib);
    expect(b.entry.endMs - b.entry.startMs).toBe(60 * MIN);
    const m = firstBlock({ ...base, zones: [zone({ start: '06:00', end: '06:00', content: 'movies', sources: [{ collectionId: C.movies }] })] });
    const movie = library.find((a) => a.id === m.entry.assetId) as LibraryAsset;
    expect(m.entry.endMs - m.entry.startMs).toBe(Math.ceil(movie.durationMs / (30 * MIN)) * 30 * MIN);
  });

  it('a station ID airs at the top of the hour, ending exactly on it', () => {
    const resolved = resolvePlan(base, new LibraryIndex(library));
    const date = parseDate('2026-06-01') as LocalDate;
    const [day] = buildDays(resolved, date, 1) as [BuiltDay];
    const frame = frameOf(resolved, date);
    let hours = 0;
    for (const b of day.blocks) {
      if (!frame.isOnGrid(b.entry.endMs, 3_600_000)) continue;
      hours++;
      const last = b.events[b.events.length - 1];
      expect(last?.kind).toBe('station_id');
      expect(last?.endMs).toBe(b.entry.endMs);
    }
    expect(hours).toBe(24);
    // Half-hour breaks carry no top-of-hour ID.
    const halfHour = day.blocks.find((b) => !frame.isOnGrid(b.entry.endMs, 3_600_000)) as BuiltBlock;
    expect(halfHour.events[halfHour.events.length - 1]?.kind).toBe('bumper');
  });

  it('no spot twice in a break; cooldowns hold; least-played spots go first', () => {
    const resolved = resolvePlan(base, new LibraryIndex(library));
    const days = buildDays(resolved, parseDate('2026-06-01') as LocalDate, 2);
    const commercials = library.filter((a) => a.collectionId === C.commercials);
    const airings = new Map<number, number[]>();
    for (const d of days) for (const b of d.blocks) for (const e of b.events) if (e.kind === 'commercial') airings.set(e.assetId as number, [...(airings.get(e.assetId as number) ?? []), e.startMs]);
    // Every commercial is used, and plays are spread evenly (least-played first).
    expect(airings.size).toBe(commercials.length);
    const counts = [...airings.values()].map((a) => a.length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(2);
    // With filler in the pools, the cooldown is never broken.
    for (const times of airings.values()) for (let i = 1; i < times.length; i++) expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(DEFAULT_BREAK_RULES.spotCooldownMs);
  });

  it.each([0, 1, 2])('a break carries at most maxPromos (%i) promos, tight-fill and dead-air fill included', (cap) => {
    // Short promos and few commercials: without the cap, tight-fill closes most breaks with promos.
    const lib = [...standardLibrary().filter((a) => a.collectionId !== C.promos && a.collectionId !== C.commercials)];
    [15, 30, 30, 60].forEach((s) => lib.push(asset(C.commercials, s * 1000, { kind: 'commercial' })));
    for (let i = 0; i < 4; i++) lib.push(asset(C.promos, 15_000, { kind: 'promo' }));
    for (const filler of [true, false]) {
      const p = { ...base, breaks: { ...DEFAULT_BREAK_RULES, spotCooldownMs: 5 * MIN, maxPromosPerBreak: cap }, pools: filler ? pools() : pools({ filler: [] }) };
      const resolved = resolvePlan(p, new LibraryIndex(lib));
      const [day] = buildDays(resolved, parseDate('2026-06-01') as LocalDate, 1) as [BuiltDay];
      const perBreak = day.blocks.flatMap((b) => breaksOf(b)).map((brk) => brk.filter((e) => e.kind === 'promo').length);
      expect(perBreak.length).toBeGreaterThan(40);
      expect(Math.max(...perBreak)).toBeLessThanOrEqual(cap);
      // The cap is reached where promos fit: they are not dropped altogether.
      if (cap > 0) expect(perBreak.filter((n) => n === cap).length).toBeGreaterThan(perBreak.length / 2);
      checkInvariants(resolved, [day], lib);
    }
  });

  it('fills leftover exactly: filler cut to length, else black', () => {
    const noSpots = pools({ commercial: [], promo: [], bumper_pre: [], bumper_post: [], station_id: [] });
    const withFiller = firstBlock({ ...base, pools: noSpots });
    expect(withFiller.events.filter((e) => e.kind !== 'program').every((e) => e.kind === 'filler' || e.kind === 'pad')).toBe(true);
    const black = firstBlock({ ...base, pools: { ...noSpots, filler: [] } });
    const nonProgram = black.events.filter((e) => e.kind !== 'program');
    expect(nonProgram.every((e) => e.kind === 'pad' && e.assetId === null && e.path === null)).toBe(true);
    expect(black.events[black.events.length - 1]?.endMs).toBe(black.entry.endMs);
  });
});

// ------------------------------------------------------------------ reports

describe('bad plans are reported', () => {
  const library = standardLibrary();

  it('equal-priority overlaps, empty pools and gaps', () => {
    const p = plan({
      zones: [
        zone({ name: 'Morning', start: '06:00', end: '12:00', content: 'series', sources: [{ collectionId: C.series }] }),
        zone({ name: 'Brunch', start: '11:00', end: '13:00', content: 'series', sources: [{ collectionId: C.series }] }),
        zone({ name: 'Nothing', start: '13:00', end: '14:00', content: 'random', sources: [{ collectionId: 999 }] }),
      ],
      pools: pools({ promo: [{ collectionId: 998 }] }),
    });
    const resolved = resolvePlan(p, new LibraryIndex(library));
    const codes = resolved.issues.map((i) => i.code);
    expect(codes).toContain('zone_overlap');
    expect(resolved.issues.find((i) => i.code === 'zone_overlap')?.message).toMatch(/Morning.*Brunch/);
    expect(resolved.issues.filter((i) => i.code === 'empty_pool').map((i) => i.message).join('\n')).toMatch(/Nothing[\s\S]*promo/);
    const [day] = buildDays(resolved, parseDate('2026-06-01') as LocalDate, 1) as [BuiltDay];
    const gaps = day.issues.filter((i) => i.code === 'gap');
    // 13:00–14:00 (empty zone) and 14:00–06:00 (no zone): filler airs, and the report says so.
    expect(gaps.length).toBeGreaterThanOrEqual(1);
    expect(gaps.map((g) => g.message).join('\n')).toMatch(/13:00–06:00.*airs filler/);
    const gapBlock = day.blocks.find((b) => b.entry.kind === 'filler') as BuiltBlock;
    expect(gapBlock.events.every((e) => e.kind === 'filler' || e.kind === 'pad')).toBe(true);
  });

  it('higher priority wins where zones overlap', () => {
    const p = plan({
      zones: [
        zone({ name: 'All day', start: '06:00', end: '06:00', content: 'series', sources: [{ collectionId: C.series }] }),
        zone({ name: 'Saturday movie', start: '20:00', end: '22:00', days: [6], priority: 5, content: 'movies', sources: [{ collectionId: C.movies }] }),
      ],
    });
    const resolved = resolvePlan(p, new LibraryIndex(library));
    expect(resolved.issues.filter((i) => i.code === 'zone_overlap')).toEqual([]);
    const saturday = parseDate('2026-06-06') as LocalDate;
    const [day] = buildDays(resolved, saturday, 1) as [BuiltDay];
    const frame = frameOf(resolved, saturday);
    const at20 = day.blocks.find((b) => frame.localHhMm(b.entry.startMs) === '20:00') as BuiltBlock;
    expect(at20.zone).toBe('Saturday movie');
    const [friday] = buildDays(resolved, nextDate(saturday, -1), 1) as [BuiltDay];
    expect(friday.blocks.every((b) => b.zone === 'All day')).toBe(true);
  });
});

describe('broadcast date of an instant', () => {
  it('is the previous date before the day start', () => {
    const at = Date.parse('2026-06-02T08:00:00Z'); // 04:00 in New York
    expect(broadcastDateAt(at, 'America/New_York', 360)).toEqual({ year: 2026, month: 6, day: 1 });
    expect(broadcastDateAt(at, 'America/New_York', 0)).toEqual({ year: 2026, month: 6, day: 2 });
  });
});

