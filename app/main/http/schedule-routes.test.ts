/**
 * The schedule grid's read endpoints over real HTTP, on a real station (SQLite, scanned
 * media, the ScheduleService): what they answer is what the schedule holds, with day
 * boundaries and carry-over marked, and ranges are bounded with a 400 that says what to do.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError, EpgDto, PlaylogDto } from '../../shared/types.ts';
import { startHeadlessStation, type RunningStation } from '../headless.ts';
import { makeFrameNumberedClip } from '../media/test-media.ts';
import { importStation } from '../schedule/station-file.ts';
import { openStation } from '../station.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';

const CLIPS: { rel: string; seconds: number }[] = [
  { rel: 'programs/Show.S01E01.mp4', seconds: 40 },
  { rel: 'programs/Show.S01E02.mp4', seconds: 35 },
  { rel: 'commercials/spot-a.mp4', seconds: 10 },
  { rel: 'commercials/spot-b.mp4', seconds: 15 },
  { rel: 'bumpers/pre/in.mp4', seconds: 3 },
  { rel: 'bumpers/post/out.mp4', seconds: 3 },
  { rel: 'ids/id.mp4', seconds: 5 },
  { rel: 'filler/fill.mp4', seconds: 45 },
  // Longer than its hour before 06:00: it carries over into the next broadcast day.
  { rel: 'movies/Long Movie.mp4', seconds: 75 * 60 },
];

const STATION = `
version: 1
channels:
  - number: 4
    name: Grid TV
    timezone: America/New_York
    grid: 30
    broadcastDayStart: "06:00"
    seed: 9
    breaks: { perHour: 4, marginMinutes: 0, minBreakSeconds: 10, cooldownMinutes: 0, maxPromos: 1 }
    zones:
      - { name: Day, start: "06:00", end: "05:00", play: series, sources: [{ collection: programs }] }
      - { name: Late movie, start: "05:00", end: "06:00", play: movies, sources: [{ collection: movies }] }
    pools:
      commercials: [{ collection: commercials }]
      ids: [{ collection: ids }]
      bumpers: { pre: [{ collection: bumpers/pre }], post: [{ collection: bumpers/post }] }
      filler: [{ collection: filler }]
`;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function get<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as T };
}

describe('schedule grid endpoints', () => {
  const tmp = makeTempDir();
  let running: RunningStation;
  let base = '';

  beforeAll(async () => {
    const media = path.join(tmp.dir, 'media');
    for (const c of CLIPS) {
      mkdirSync(path.dirname(path.join(media, c.rel)), { recursive: true });
      // Tiny and 1 fps where long: these only need to probe, never to air.
      await makeFrameNumberedClip(path.join(media, c.rel), { seconds: c.seconds, width: 64, height: 36, fps: c.seconds > 60 ? '1' : '10', toneHz: null });
    }
    const data = path.join(tmp.dir, 'data');
    const st = openStation({ dataDir: data });
    st.library.addSource('grid', media);
    await st.scanner.scan('grid');
    importStation(st.db, st.clock, STATION);
    st.close();
    running = await startHeadlessStation({ dataDir: data, host: '127.0.0.1', port: 0, demo: false, consoleDir: null });
    base = running.url;
  }, 240_000);
  afterAll(async () => {
    await running?.stop();
    tmp.cleanup();
  });

  const now = (): number => running.station.clock.nowMs();
  const iso = (ms: number): string => new Date(ms).toISOString();

  it('epg: three days of programme blocks as the schedule holds them, with 06:00 day starts and the movie marked as carry-over', async () => {
    const from = now();
    const to = from + 3 * DAY;
    const { status, body } = await get<EpgDto>(`${base}/api/channels/4/epg?from=${encodeURIComponent(iso(from))}&to=${encodeURIComponent(iso(to))}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ channel: 4, name: 'Grid TV', timezone: 'America/New_York', broadcastDayStart: '06:00', gridMinutes: 30, planKind: 'schedule', truncated: false });
    expect(Date.parse(body.from)).toBe(from);
    expect(Date.parse(body.to)).toBe(to);
    expect(Date.parse(body.builtUntil!)).toBeGreaterThanOrEqual(to);

    // The same entries the ScheduleService answers, in the channel's zone.
    const want = running.schedule.epg(4, from, to);
    expect(want.length).toBeGreaterThan(3 * 24);
    expect(body.entries.map((e) => [Date.parse(e.start), Date.parse(e.end), e.title, e.kind])).toEqual(want.map((e) => [e.startMs, e.endMs, e.title, e.kind]));
    for (const e of body.entries) expect(e.start).toMatch(/T\d{2}:\d{2}:\d{2}(\.\d{3})?-0[45]:00$/);

    // Three (or four) 06:00 New York day starts inside three days.
    expect(body.dayStarts.length).toBeGreaterThanOrEqual(3);
    for (const d of body.dayStarts) {
      expect(d).toMatch(/T06:00:00(\.000)?-0[45]:00$/);
      expect(Date.parse(d)).toBeGreaterThanOrEqual(from);
      expect(Date.parse(d)).toBeLessThan(to);
    }
    // Carry-over is exactly what spans a day start: the long movie, once a night.
    const starts = body.dayStarts.map(Date.parse);
    for (const e of body.entries) {
      const spans = starts.some((d) => Date.parse(e.start) < d && Date.parse(e.end) > d);
      if (Date.parse(e.start) >= from && Date.parse(e.end) <= to) expect(e.carryOver, `${e.title} at ${e.start}`).toBe(spans);
    }
    const carried = body.entries.filter((e) => e.carryOver);
    expect(carried.length).toBeGreaterThanOrEqual(2);
    expect(new Set(carried.map((e) => e.title))).toEqual(new Set(['Long Movie']));
  });

  it('playlog: a programme block broken down to its parts, spots, bumpers and IDs, tiling the block exactly', async () => {
    const from = now();
    const epg = (await get<EpgDto>(`${base}/api/channels/4/epg?from=${encodeURIComponent(iso(from))}&to=${encodeURIComponent(iso(from + 6 * HOUR))}`)).body;
    // A whole block after the one on air: a 30-minute slot of a 40-second show, mostly break.
    const block = epg.entries.find((e) => Date.parse(e.start) > from && e.kind === 'program')!;
    const { status, body } = await get<PlaylogDto>(`${base}/api/channels/4/playlog?from=${encodeURIComponent(block.start)}&to=${encodeURIComponent(block.end)}`);
    expect(status).toBe(200);
    const want = running.schedule.playlog(4, Date.parse(block.start), Date.parse(block.end));
    expect(body.events.map((e) => [e.id, Date.parse(e.start), Date.parse(e.end), e.kind, e.assetId, e.inPointMs, e.durationMs])).toEqual(
      want.map((e) => [e.id, e.startMs, e.endMs, e.kind, e.assetId, e.inPointMs, e.durationMs]),
    );
    // Back to back from the block's start to its end.
    expect(Date.parse(body.events[0]!.start)).toBe(Date.parse(block.start));
    expect(Date.parse(body.events.at(-1)!.end)).toBe(Date.parse(block.end));
    for (let i = 1; i < body.events.length; i++) expect(body.events[i]!.start).toBe(body.events[i - 1]!.end);
    const kinds = new Set(body.events.map((e) => e.kind));
    for (const k of ['program', 'commercial', 'bumper']) expect(kinds, `a break with ${k}`).toContain(k);
    // File names, never the station's folders.
    for (const e of body.events) if (e.file !== null) expect(e.file).not.toContain('/');
    expect(body.events.find((e) => e.kind === 'program')!.file).toMatch(/^Show\.S01E0[12]\.mp4$/);
  });

  it('defaults: the guide from now for a day, the playlog from now for three hours', async () => {
    const before = now();
    const epg = (await get<EpgDto>(`${base}/api/channels/4/epg`)).body;
    expect(Date.parse(epg.from)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(epg.to) - Date.parse(epg.from)).toBe(DAY);
    const playlog = (await get<PlaylogDto>(`${base}/api/channels/4/playlog`)).body;
    expect(Date.parse(playlog.to) - Date.parse(playlog.from)).toBe(3 * HOUR);
    expect(Date.parse(playlog.events[0]!.start)).toBeLessThanOrEqual(Date.parse(playlog.from));
  });

  it('refuses bad requests with a 400 (or 404) that names the problem and what to do', async () => {
    const from = now();
    const q = (f: number, t: number): string => `from=${encodeURIComponent(iso(f))}&to=${encodeURIComponent(iso(t))}`;
    const cases: [string, number, RegExp][] = [
      [`/api/channels/4/epg?from=yesterday`, 400, /query 'from': expected an ISO-8601 time with offset/],
      [`/api/channels/4/epg?from=2026-01-01T06:00:00`, 400, /query 'from'/],
      [`/api/channels/4/playlog?${q(from, from)}`, 400, /'to': must be after 'from'/],
      [`/api/channels/4/epg?${q(from, from + 61 * DAY)}`, 400, /epg range is at most 60 days/],
      [`/api/channels/4/playlog?${q(from, from + 15 * DAY)}`, 400, /playlog range is at most 14 days/],
      [`/api/channels/4/epg?days=3`, 400, /query/],
      [`/api/channels/77/epg`, 404, /There is no channel 77/],
      [`/api/channels/x/playlog`, 400, /path 'number'/],
    ];
    for (const [url, code, message] of cases) {
      const { status, body } = await get<ApiError>(`${base}${url}`);
      expect(status, url).toBe(code);
      expect(body.error, url).toMatch(message);
      if (code === 400 && !url.includes('/x/')) expect(body.hint, url).toBeTruthy();
    }
    // The widest allowed ranges are answered.
    expect((await get<EpgDto>(`${base}/api/channels/4/epg?${q(from, from + 60 * DAY)}`)).status).toBe(200);
    expect((await get<PlaylogDto>(`${base}/api/channels/4/playlog?${q(from, from + 14 * DAY)}`)).status).toBe(200);
  });
});
