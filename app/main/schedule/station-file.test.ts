import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ManualClock } from '../clock/master-clock.ts';
import { toLocal } from '../clock/zoned-time.ts';
import { DEMO_LIBRARY } from '../media/demo-media.ts';
import { applyDemoStation, demoStationPath } from './demo.ts';
import { ScheduleService } from './schedule-service.ts';
import { exportStation, exportStationYaml, importStation, parseStation, StationFileError, stationJsonSchema } from './station-file.ts';
import { sqlite } from './store.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';
import { LibraryWriter, openTestDb, type TestDb } from './test-fixtures.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const MIN = 60_000;

const open: TestDb[] = [];
afterEach(() => {
  while (open.length) open.pop()?.close();
});

function problems(text: string): string[] {
  try {
    parseStation(text);
  } catch (err) {
    if (err instanceof StationFileError) return err.problems;
    throw err;
  }
  return [];
}

const GOOD = `
version: 1
channels:
  - number: 3
    name: Three
    timezone: Europe/London
    zones:
      - { name: Day, start: "06:00", end: "06:00", play: series, sources: [{ collection: shows }] }
`;

describe('station file validation', () => {
  it('accepts a good file', () => {
    expect(problems(GOOD)).toEqual([]);
  });

  it('names the path of the bad field', () => {
    const text = `
channels:
  - number: 1
    name: One
    timezone: UTC
    zones: []
  - number: 2
    name: Two
    timezone: Mars/Olympus
    grid: 20
    zones:
      - name: Broken
        start: "6am"
        end: "25:00"
        days: [someday]
        play: series
        sources: [{ collection: shows, path: /x.mp4 }]
        extra: 1
`;
    const p = problems(text);
    expect(p).toContain('channels[1].zones[0].start: expected HH:MM');
    expect(p).toContain('channels[1].zones[0].end: expected HH:MM');
    expect(p.some((x) => x.startsWith('channels[1].timezone: unknown time zone'))).toBe(true);
    expect(p.some((x) => x.startsWith('channels[1].grid:'))).toBe(true);
    expect(p.some((x) => x.startsWith('channels[1].zones[0].days[0]:'))).toBe(true);
    expect(p.some((x) => x.startsWith('channels[1].zones[0]:') && /extra/.test(x))).toBe(true);
    expect(p).toContain('channels[1].zones[0].sources[0]: expected exactly one of collection or path');
    // Errors for channel 0 would be a bug: it is fine.
    expect(p.some((x) => x.startsWith('channels[0]'))).toBe(false);
  });

  it('reports duplicate channels, bad date ranges and YAML syntax errors', () => {
    const dup = GOOD.replace('channels:', 'channels:\n  - { number: 3, name: Again, timezone: UTC }');
    expect(problems(dup).some((x) => x.startsWith('channels[1].number: channel 3 is defined twice'))).toBe(true);
    const dates = GOOD.replace('play: series', 'play: series, from: "2026-05-01", to: "2026-04-01"');
    expect(problems(dates)).toContain('channels[0].zones[0].to: ends before it starts (2026-05-01)');
    expect(problems('channels: [ {')[0]).toMatch(/^yaml: /);
  });

  it('the exported JSON Schema is current and describes the file', () => {
    const file = path.resolve(here, '../../../resources/station/station.schema.json');
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(stationJsonSchema())));
    const schema = stationJsonSchema() as { properties: { channels: { items: { properties: Record<string, unknown> } } } };
    expect(Object.keys(schema.properties.channels.items.properties)).toEqual(expect.arrayContaining(['zones', 'pools', 'loop', 'grid', 'broadcastDayStart']));
  });
});

describe('station import and export', () => {
  function library(t: TestDb): void {
    const lib = new LibraryWriter(t.db);
    for (let e = 1; e <= 4; e++) lib.add('shows/A', { durationMs: 22 * MIN, series: 'A', season: 1, episode: e });
    for (let e = 1; e <= 4; e++) lib.add('shows/B', { durationMs: 22 * MIN, series: 'B', season: 1, episode: e });
    lib.add('movies', { durationMs: 95 * MIN });
    for (let k = 0; k < 5; k++) lib.add('commercials', { durationMs: 30_000, kind: 'commercial' });
    lib.add('ids', { durationMs: 10_000, kind: 'station_id' });
  }

  const TEXT = `
channels:
  - number: 5
    name: Five
    timezone: America/Chicago
    grid: 60
    broadcastDayStart: "05:00"
    seed: 9
    breaks: { perHour: 2, cooldownMinutes: 10 }
    zones:
      - { name: Shows, start: "05:00", end: "20:00", play: series, sources: [{ collection: "shows/*" }] }
      - { name: Film, start: "20:00", end: "05:00", days: [fri, sat], priority: 2, from: "2026-01-01", play: movies, sources: [{ collection: movies }], midBreaks: 3 }
    pools:
      commercials: [{ collection: commercials, cooldownMinutes: 45 }]
      ids: [{ collection: ids }]
  - number: 6
    name: Six
    timezone: UTC
    loop: { collection: movies, epoch: "2026-02-01T00:00:00.000Z" }
`;

  it('keeps how a channel looks in IPTV clients (logo, group, language) through import and export', () => {
    const t = openTestDb();
    open.push(t);
    library(t);
    const clock = new ManualClock('2026-03-01T00:00:00Z');
    const looks = TEXT.replace('    name: Six\n', '    name: Six\n    logo: "https://logos.example.org/six.png"\n    group: Films\n    language: fr\n');
    importStation(t.db, clock, looks);
    expect(exportStation(t.db).channels.find((c) => c.number === 6)).toMatchObject({ logo: 'https://logos.example.org/six.png', group: 'Films', language: 'fr' });
    expect(exportStation(t.db).channels.find((c) => c.number === 5)).not.toHaveProperty('logo');
    const bad = (field: string): string[] => problems(GOOD.replace('    name: Three\n', `    name: Three\n    ${field}\n`));
    expect(bad('logo: logos/three.png')).toEqual(['channels[0].logo: expected an http(s) URL or an absolute path to a .png, .jpg, .svg or .webp file']);
    expect(bad('logo: "javascript:alert(1)"')).toHaveLength(1);
    expect(bad('language: English')).toEqual(['channels[0].language: expected a language code such as en, fr or pt-BR']);
  });

  it('imports (upserts) channels, plans and pools, and exports them back', () => {
    const t = openTestDb();
    open.push(t);
    library(t);
    const clock = new ManualClock('2026-03-01T00:00:00Z');
    const first = importStation(t.db, clock, TEXT);
    expect(first.channels).toEqual([
      { number: 5, action: 'created' },
      { number: 6, action: 'created' },
    ]);
    const doc = exportStation(t.db);
    const five = doc.channels.find((c) => c.number === 5);
    // The wildcard became the concrete collections, in name order.
    expect(five?.zones?.[0]?.sources).toEqual([{ collection: 'shows/A' }, { collection: 'shows/B' }]);
    expect(five?.zones?.[1]).toMatchObject({ days: ['fri', 'sat'], priority: 2, from: '2026-01-01', midBreaks: 3 });
    expect(five?.pools?.commercials).toEqual([{ collection: 'commercials', cooldownMinutes: 45 }]);
    expect(five).toMatchObject({ grid: 60, broadcastDayStart: '05:00', seed: 9, timezone: 'America/Chicago' });
    expect(doc.channels.find((c) => c.number === 6)?.loop).toEqual({ collection: 'movies', epoch: '2026-02-01T00:00:00.000Z' });
    // Re-importing the export changes nothing (and updates rather than creates).
    const yamlText = exportStationYaml(t.db);
    expect(parse(yamlText)).toEqual(JSON.parse(JSON.stringify(doc)));
    const again = importStation(t.db, clock, yamlText);
    expect(again.channels.every((c) => c.action === 'updated')).toBe(true);
    expect(exportStation(t.db)).toEqual(doc);
    expect((sqlite(t.db).prepare('SELECT COUNT(*) AS n FROM channels').get() as { n: number }).n).toBe(2);
  });

  it('a guide channel has no schedule of its own: it imports, builds nothing, exports back', async () => {
    const t = openTestDb();
    open.push(t);
    library(t);
    const clock = new ManualClock('2026-03-01T00:00:00Z');
    const text = `${TEXT}  - number: 9
    name: Guide
    timezone: UTC
    guide: true
`;
    importStation(t.db, clock, text);
    expect(exportStation(t.db).channels.find((c) => c.number === 9)).toEqual({ number: 9, name: 'Guide', timezone: 'UTC', guide: true });
    const schedule = new ScheduleService({ db: t.db, clock });
    const summary = await schedule.buildHorizon({ days: 1 });
    expect(summary.channels.find((c) => c.channelNumber === 9)).toMatchObject({ planKind: 'guide', issues: [] });
    expect(schedule.report(9)).toEqual([]);
    expect(schedule.onAir(9, clock.nowMs())).toBeNull();
    schedule.stop();
    expect(problems(`channels:\n  - { number: 1, name: G, timezone: UTC, guide: true, loop: { collection: movies } }\n`)).toEqual(['channels[0].guide: a guide channel has no loop or zones']);
  });

  it('fails as a whole on references that match nothing, naming them; lenient drops them', () => {
    const t = openTestDb();
    open.push(t);
    library(t);
    const clock = new ManualClock('2026-03-01T00:00:00Z');
    const bad = TEXT.replace('[{ collection: ids }]', '[{ collection: idents }]');
    expect(() => importStation(t.db, clock, bad)).toThrow(/channels\[0\]\.pools\.ids\[0\]: no collection named 'idents'/);
    expect((sqlite(t.db).prepare('SELECT COUNT(*) AS n FROM channels').get() as { n: number }).n).toBe(0);
    const lenient = importStation(t.db, clock, bad, { lenient: true });
    expect(lenient.warnings.join('\n')).toMatch(/idents/);
    expect(exportStation(t.db).channels.find((c) => c.number === 5)?.pools?.ids).toBeUndefined();
  });
});

describe('station branding at import', () => {
  const shipped = path.resolve(here, '../../../resources/branding/logo-bug.png');
  const tmp = makeTempDir('retrovue-branding-import-');
  afterAll(() => tmp.cleanup());
  const file = (logoYaml: string, channelYaml = ''): string => `
version: 1
branding:
  logo: ${logoYaml}
channels:
  - number: 1
    name: One
    timezone: UTC
    loop: { collection: shows }
${channelYaml}`;
  const openWithShows = (): TestDb => {
    const t = openTestDb();
    open.push(t);
    new LibraryWriter(t.db).add('shows', { durationMs: 22 * MIN });
    return t;
  };
  const clock = new ManualClock('2026-03-01T00:00:00Z');

  it('a logo that is missing, a folder or not the image its name says fails the import, naming the field; lenient imports with a warning', () => {
    const notPng = path.join(tmp.dir, 'bug.png');
    writeFileSync(notPng, 'GIF89a, not a PNG at all');
    const cases: [string, RegExp][] = [
      [path.join(tmp.dir, 'nowhere.png'), /^branding\.logo\.image: .*nowhere\.png does not exist \(check the path\)/],
      [notPng, /^branding\.logo\.image: .*bug\.png is not a PNG image \(save it again as PNG\)/],
    ];
    mkdirSync(path.join(tmp.dir, 'folder.png'));
    cases.push([path.join(tmp.dir, 'folder.png'), /folder\.png is a folder, not an image/]);
    for (const [image, message] of cases) {
      const t = openWithShows();
      let err: unknown;
      try {
        importStation(t.db, clock, file(`{ image: ${JSON.stringify(image)} }`));
      } catch (e) {
        err = e;
      }
      expect(err, image).toBeInstanceOf(StationFileError);
      expect((err as StationFileError).problems.join('\n')).toMatch(message);
      expect((sqlite(t.db).prepare('SELECT COUNT(*) AS n FROM channels').get() as { n: number }).n, 'nothing stored').toBe(0);
      const lenient = importStation(t.db, clock, file(`{ image: ${JSON.stringify(image)} }`), { lenient: true });
      expect(lenient.warnings.join('\n')).toMatch(message);
    }
    // A channel's own logo is checked where it is written.
    const t = openWithShows();
    expect(() => importStation(t.db, clock, file('{}', `    branding: { logo: { image: ${JSON.stringify(notPng)} } }\n`))).toThrow(/channels\[0\]\.branding\.logo\.image: .*is not a PNG image/);
  });

  it('a real image, the shipped mark, or no logo at all imports cleanly', () => {
    for (const logo of [`{ image: ${JSON.stringify(shipped)} }`, '{}', 'false']) {
      const t = openWithShows();
      expect(importStation(t.db, clock, file(logo)).warnings, logo).toEqual([]);
    }
  });

  it('branding on a guide channel is refused: the guide has no programmes to brand', () => {
    expect(problems(`channels:\n  - { number: 9, name: G, timezone: UTC, guide: true, branding: { logo: {} } }\n`)).toEqual([
      'channels[0].branding: a guide channel airs the guide, not programmes, so it carries no branding; remove it here',
    ]);
    // The station's branding does not make a guide channel invalid: it just does not apply there.
    expect(problems(`branding: { logo: {} }\nchannels:\n  - { number: 9, name: G, timezone: UTC, guide: true }\n`)).toEqual([]);
  });
});

describe('demo station', () => {
  it('the demo file validates and builds two channels with dayparts, breaks and a movie across 06:00', async () => {
    const file = demoStationPath() as string;
    expect(file).toBeTruthy();
    expect(() => parseStation(readFileSync(file, 'utf8'))).not.toThrow();
    const t = openTestDb();
    open.push(t);
    const lib = new LibraryWriter(t.db, 'demo');
    for (const item of DEMO_LIBRARY) {
      const collection = path.posix.dirname(item.relPath);
      const m = /S(\d+)E(\d+)/.exec(item.relPath);
      lib.add(collection, {
        title: item.title,
        durationMs: item.seconds * 1000,
        series: collection.startsWith('shows/') ? item.title : null,
        season: m ? Number(m[1]) : null,
        episode: m ? Number(m[2]) : null,
        chapters: (item.chapters ?? []).map((s) => s * 1000),
      });
    }
    const clock = new ManualClock('2026-06-04T16:00:00Z');
    const result = applyDemoStation(t.db, clock);
    expect(result.warnings).toEqual([]);
    expect(result.channels.map((c) => c.number)).toEqual([1, 2]);
    const svc = new ScheduleService({ db: t.db, clock });
    const summary = await svc.buildHorizon();
    for (const ch of summary.channels) expect(ch.issues.filter((i) => i.severity !== 'info')).toEqual([]);
    const now = clock.nowMs();
    const tz = svc.channelInfo(1)?.timezone as string;
    const events = svc.playlog(1, now, now + 2 * 24 * 3_600_000);
    for (const kind of ['program', 'commercial', 'bumper', 'promo', 'station_id']) expect(events.some((e) => e.kind === kind)).toBe(true);
    // The late movie starts at 05:00 local and runs past the broadcast-day start.
    const epg = svc.epg(1, now, now + 2 * 24 * 3_600_000);
    const late = epg.find((e) => toLocal(e.startMs, tz).hour === 5 && toLocal(e.startMs, tz).minute === 0);
    expect(late).toBeDefined();
    expect(['The Long Night', 'Robot Summer']).toContain(late?.title);
    const endLocal = toLocal(late?.endMs as number, tz);
    expect(endLocal.hour * 60 + endLocal.minute).toBeGreaterThan(6 * 60);
    expect(epg.find((e) => e.startMs === late?.endMs)).toBeDefined();
    // Channel 2 runs on a 15-minute grid: 11-minute cartoons take one block.
    const toons = svc.epg(2, now, now + 2 * 24 * 3_600_000).filter((e) => e.title === 'Saturday Toons');
    expect(toons.length).toBeGreaterThan(0);
    for (const e of toons) expect(e.endMs - e.startMs).toBe(15 * MIN);
  });
});
