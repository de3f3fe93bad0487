/**
 * ScheduleService figures: a 14-day build for 20 channels over 5,000 assets, EPG
 * and playlog range queries, "what is on now". Aims: build < 2 s, now < 0.1 ms.
 */
import { ManualClock } from '../app/main/clock/master-clock.ts';
import { ScheduleService } from '../app/main/schedule/schedule-service.ts';
import { importStation } from '../app/main/schedule/station-file.ts';
import { sqlite } from '../app/main/schedule/store.ts';
import { LibraryWriter, openTestDb, type TestDb } from '../app/main/schedule/test-fixtures.ts';
import { mulberry32 } from '../app/main/schedule/prng.ts';

const MIN = 60_000;
const HOUR = 3_600_000;

function fillLibrary(t: TestDb): number {
  const rnd = mulberry32(2026);
  const lib = new LibraryWriter(t.db, 'bench');
  let n = 0;
  const add = (collection: string, spec: Parameters<LibraryWriter['add']>[1]): void => {
    lib.add(collection, spec);
    n++;
  };
  sqlite(t.db).transaction(() => {
    for (let s = 0; s < 40; s++) {
      const hour = s % 4 === 0;
      for (let e = 1; e <= 50; e++) {
        const dur = (hour ? 43 : 21) * MIN + Math.floor(rnd() * 2 * MIN);
        add(`shows/Series ${s}`, { title: `Series ${s} ep ${e}`, series: `Series ${s}`, season: 1 + Math.floor(e / 25), episode: e, durationMs: dur, chapters: e % 2 ? [0, Math.floor(dur / 3), Math.floor((2 * dur) / 3)] : [] });
      }
    }
    for (let m = 0; m < 600; m++) add(`movies/${['action', 'drama', 'classic'][m % 3]}`, { title: `Movie ${m}`, durationMs: (80 + Math.floor(rnd() * 70)) * MIN });
    const spot = [10, 15, 15, 20, 30, 30, 30, 45, 60];
    for (let c = 0; c < 1500; c++) add(`commercials/${c % 5}`, { kind: 'commercial', durationMs: (spot[c % spot.length] as number) * 1000 });
    for (let p = 0; p < 300; p++) add('promos', { kind: 'promo', durationMs: (10 + (p % 4) * 5) * 1000 });
    for (let i = 0; i < 150; i++) add(`ids/${i % 10}`, { kind: 'station_id', durationMs: (5 + (i % 3) * 5) * 1000 });
    for (let b = 0; b < 200; b++) add(b % 2 ? 'bumpers/pre' : 'bumpers/post', { kind: 'bumper', durationMs: (3 + (b % 5)) * 1000 });
    for (let f = 0; f < 250; f++) add('filler', { kind: 'filler', durationMs: (30 + (f % 10) * 30) * 1000 });
  })();
  return n;
}

function stationYaml(channels: number): string {
  const zones = ['America/New_York', 'Europe/London', 'America/Los_Angeles', 'Asia/Tokyo', 'UTC'];
  let out = 'version: 1\nchannels:\n';
  for (let c = 1; c <= channels; c++) {
    const s = (k: number): string => `"shows/Series ${(c * 3 + k) % 40}"`;
    out += `
  - number: ${c}
    name: Bench ${c}
    timezone: ${zones[c % zones.length]}
    grid: ${c % 7 === 0 ? 15 : c % 5 === 0 ? 60 : 30}
    seed: ${c}
    zones:
      - { name: Morning, start: "06:00", end: "12:00", play: series, sources: [{ collection: ${s(0)} }, { collection: ${s(1)} }] }
      - { name: Daytime, start: "12:00", end: "18:00", play: random, sources: [{ collection: ${s(2)} }, { collection: ${s(3)} }, { collection: ${s(4)} }] }
      - { name: Prime, start: "18:00", end: "21:00", play: series, sources: [{ collection: ${s(5)} }, { collection: ${s(6)} }] }
      - { name: Weekend prime, start: "18:00", end: "21:00", days: [sat, sun], priority: 5, play: movies, sources: [{ collection: "movies/*" }] }
      - { name: Movies, start: "21:00", end: "03:00", play: movies, sources: [{ collection: "movies/${['action', 'drama', 'classic'][c % 3]}" }] }
      - { name: Overnight, start: "03:00", end: "05:00", play: random, sources: [{ collection: ${s(7)} }] }
      - { name: Late movie, start: "05:00", end: "06:00", play: movies, sources: [{ collection: "movies/classic" }] }
    pools:
      commercials: [{ collection: "commercials/${c % 5}" }]
      promos: [{ collection: promos }]
      ids: [{ collection: "ids/${c % 10}" }]
      bumpers: { pre: [{ collection: bumpers/pre }], post: [{ collection: bumpers/post }] }
      filler: [{ collection: filler }]
`;
  }
  return out;
}

function cpuMs(from: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1000;
}

function fmt(n: number, digits = 1): string {
  return n.toFixed(digits);
}

export async function run(): Promise<void> {
  // Warm the JIT on a small station first, as a long-running station would be.
  {
    const w = openTestDb();
    fillLibrary(w);
    const clock = new ManualClock('2026-05-01T12:00:00Z');
    importStation(w.db, clock, stationYaml(2));
    await new ScheduleService({ db: w.db, clock }).buildHorizon({ days: 3 });
    w.close();
  }

  const t = openTestDb();
  const assets = fillLibrary(t);
  const clock = new ManualClock('2026-03-06T15:17:00Z');
  importStation(t.db, clock, stationYaml(20));
  const schedule = new ScheduleService({ db: t.db, clock });

  let t0 = performance.now();
  let c0 = process.cpuUsage();
  const summary = await schedule.buildHorizon({ days: 14 });
  const buildMs = performance.now() - t0;
  const buildCpu = cpuMs(c0);
  const now = clock.nowMs();
  let events = 0;
  let blocks = 0;
  for (let ch = 1; ch <= 20; ch++) {
    events += schedule.playlog(ch, now - 24 * HOUR, now + 16 * 24 * HOUR).length;
    blocks += schedule.epg(ch, now - 24 * HOUR, now + 16 * 24 * HOUR).length;
  }
  const days = summary.channels.reduce((s, c) => s + c.built.length, 0);
  console.log(`schedule.library_assets: ${assets}`);
  console.log(`schedule.build_14d_20ch_days: ${days}`);
  console.log(`schedule.build_14d_20ch_epg_entries: ${blocks}`);
  console.log(`schedule.build_14d_20ch_events: ${events}`);
  console.log(`schedule.build_14d_20ch_ms: ${Math.round(buildMs)}`);
  console.log(`schedule.build_14d_20ch_cpu_ms: ${Math.round(buildCpu)}`);

  t0 = performance.now();
  await schedule.buildHorizon({ days: 14 });
  console.log(`schedule.rebuild_unchanged_14d_20ch_ms: ${Math.round(performance.now() - t0)}`);

  // Queries.
  const N = 2000;
  t0 = performance.now();
  let sink = 0;
  for (let i = 0; i < N; i++) sink += schedule.epg(1 + (i % 20), now + (i % 48) * HOUR, now + (i % 48) * HOUR + 24 * HOUR).length;
  console.log(`schedule.epg_24h_query_us: ${fmt(((performance.now() - t0) * 1000) / N)}`);
  t0 = performance.now();
  for (let i = 0; i < N; i++) sink += schedule.playlog(1 + (i % 20), now + (i % 48) * HOUR, now + (i % 48) * HOUR + 3 * HOUR).length;
  console.log(`schedule.playlog_3h_query_us: ${fmt(((performance.now() - t0) * 1000) / N)}`);
  const M = 200_000;
  t0 = performance.now();
  for (let i = 0; i < M; i++) sink += schedule.onAir(1 + (i % 20), now + i * 997)?.offsetMs ?? 0;
  const nowUs = ((performance.now() - t0) * 1000) / M;
  console.log(`schedule.on_air_now_us: ${fmt(nowUs, 2)}`);
  console.log(`schedule.on_air_now_ms: ${fmt(nowUs / 1000, 4)}`);

  // A restart: the first read loads the stored playlog (never builds).
  const fresh = new ScheduleService({ db: t.db, clock });
  t0 = performance.now();
  sink += fresh.onAir(1, now)?.offsetMs ?? 0;
  console.log(`schedule.first_read_after_restart_ms: ${fmt(performance.now() - t0)}`);
  t0 = performance.now();
  await fresh.buildHorizon({ days: 14 });
  console.log(`schedule.restart_rebuild_14d_20ch_ms: ${Math.round(performance.now() - t0)}`);

  // A plan edit on every channel: all but the locked window is rebuilt.
  importStation(t.db, clock, stationYaml(20).replace(/seed: (\d+)/g, (_m, s: string) => `seed: ${Number(s) + 100}`));
  clock.advance(10 * MIN);
  t0 = performance.now();
  c0 = process.cpuUsage();
  await schedule.buildHorizon({ days: 14 });
  console.log(`schedule.plan_edit_rebuild_14d_20ch_ms: ${Math.round(performance.now() - t0)}`);
  console.log(`schedule.plan_edit_rebuild_14d_20ch_cpu_ms: ${Math.round(cpuMs(c0))}`);
  if (sink === Number.MIN_VALUE) console.log('');
  t.close();
}

if (import.meta.url === `file://${process.argv[1]}`) void run();
