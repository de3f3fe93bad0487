import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/master-clock.ts';
import { resolveFfmpegBinaries } from '../media/ffmpeg-binaries.ts';
import { ffprobe } from '../media/ffprobe.ts';
import { openStation, type Station } from '../station.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';
import { assertTransition, canTransition } from './asset-lifecycle.ts';
import { kindFromRelPath, parseFileName } from './asset-kind.ts';

const { ffmpeg } = resolveFfmpegBinaries();

function clip(file: string, seconds: number, opts: { chapters?: number[]; audio?: boolean; size?: string } = {}): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const args = ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${opts.size ?? '160x120'}:rate=25:duration=${seconds}`];
  if (opts.audio !== false) args.push('-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`);
  if (opts.chapters) {
    const meta = path.join(path.dirname(file), `${path.basename(file)}.ffmeta`);
    const bounds = [0, ...opts.chapters, seconds];
    const body = bounds.slice(0, -1).map((s, i) => `[CHAPTER]\nTIMEBASE=1/1000\nSTART=${s * 1000}\nEND=${(bounds[i + 1] as number) * 1000}\ntitle=Part ${i + 1}\n`);
    writeFileSync(meta, `;FFMETADATA1\n${body.join('')}`);
    args.push('-i', meta, '-map_metadata', opts.audio === false ? '1' : '2', '-map', '0', ...(opts.audio === false ? [] : ['-map', '1']));
  }
  args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', ...(opts.audio === false ? [] : ['-c:a', 'aac']), file);
  execFileSync(ffmpeg, args);
}

describe('asset lifecycle', () => {
  it('allows only new → enriching → ready → retired and the recoveries', () => {
    expect(canTransition('new', 'enriching')).toBe(true);
    expect(canTransition('enriching', 'ready')).toBe(true);
    expect(canTransition('ready', 'retired')).toBe(true);
    expect(canTransition('retired', 'new')).toBe(true);
    expect(canTransition('new', 'ready')).toBe(false);
    expect(canTransition('retired', 'ready')).toBe(false);
    expect(() => assertTransition('new', 'ready')).toThrow(/cannot go from 'new' to 'ready'/);
  });
});

describe('folder conventions', () => {
  it('derives kind from the nearest kind-named folder', () => {
    expect(kindFromRelPath('commercials/80s/soap.mp4')).toBe('commercial');
    expect(kindFromRelPath('bumpers/pre/in.mp4')).toBe('bumper');
    expect(kindFromRelPath('ids/top.mp4')).toBe('station_id');
    expect(kindFromRelPath('promos/x.mp4')).toBe('promo');
    expect(kindFromRelPath('shows/Space Patrol/e1.mp4')).toBe('program');
    expect(kindFromRelPath('top.mp4')).toBe('program');
  });
  it('parses season and episode from names', () => {
    expect(parseFileName('shows/Space Patrol/Space.Patrol.S01E02.The.Moon.mkv')).toEqual({ title: 'The Moon', series: 'Space Patrol', season: 1, episode: 2, year: null });
    expect(parseFileName('Movie Night.mp4')).toEqual({ title: 'Movie Night', series: null, season: null, episode: null, year: null });
  });

  it('parses a release year from movie names, and leaves numbers that are part of the title', () => {
    expect(parseFileName('movies/The Long Night (1987).mp4')).toMatchObject({ title: 'The Long Night', year: 1987 });
    expect(parseFileName('movies/Robot.Summer.[2003].mkv')).toMatchObject({ title: 'Robot Summer', year: 2003 });
    expect(parseFileName('movies/Robot.Summer.1999.720p.BluRay.x264.mkv')).toMatchObject({ title: 'Robot Summer', year: 1999 });
    expect(parseFileName('movies/Blade Runner 2049.mp4')).toMatchObject({ title: 'Blade Runner 2049', year: null });
    expect(parseFileName('movies/2001 A Space Odyssey.mp4')).toMatchObject({ title: '2001 A Space Odyssey', year: null });
  });
});

describe('scanning a folder into a real SQLite library', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let media: string;
  let station: Station;
  const clock = new ManualClock('2026-11-21T12:00:00Z');

  beforeEach(() => {
    tmp = makeTempDir();
    media = path.join(tmp.dir, 'media');
    clip(path.join(media, 'shows', 'Space Patrol', 'Space.Patrol.S01E01.mp4'), 3);
    clip(path.join(media, 'shows', 'Space Patrol', 'Space.Patrol.S01E02.mp4'), 2, { chapters: [0.8, 1.5] });
    clip(path.join(media, 'commercials', 'soap.mp4'), 1, { size: '320x240' });
    mkdirSync(path.join(media, 'shows', 'Broken'), { recursive: true });
    writeFileSync(path.join(media, 'shows', 'Broken', 'broken.mp4'), Buffer.from('this is not a video file at all'));
    writeFileSync(path.join(media, 'readme.txt'), 'not media, ignored');
    station = openStation({ dataDir: path.join(tmp.dir, 'data'), clock });
    station.library.addSource('tv', media);
  });
  afterEach(() => {
    station.close();
    tmp.cleanup();
  });

  it('stores durations, streams, chapters and kinds; a broken file is not ready and says why', async () => {
    const summary = await station.scanner.scan('tv');
    expect(summary.filesSeen).toBe(4);
    expect(summary.ready).toBe(3);
    expect(summary.failed).toHaveLength(1);
    expect(summary.failed[0]?.path).toContain('broken.mp4');

    const byPath = new Map(station.library.listAssets().map((a) => [a.relPath, a]));
    const e1 = byPath.get(path.join('shows', 'Space Patrol', 'Space.Patrol.S01E01.mp4'));
    expect(e1?.state).toBe('ready');
    expect(e1?.durationMs).toBeGreaterThanOrEqual(2950);
    expect(e1?.durationMs).toBeLessThanOrEqual(3100);
    expect(e1?.video).toMatchObject({ codec: 'h264', width: 160, height: 120, fps: 25 });
    expect(e1?.audio).toMatchObject({ codec: 'aac', channels: 1, sampleRate: 44100 });
    expect(e1?.kind).toBe('program');
    expect(e1?.season).toBe(1);
    expect(e1?.episode).toBe(1);

    const e2 = byPath.get(path.join('shows', 'Space Patrol', 'Space.Patrol.S01E02.mp4'));
    expect(e2?.chapters.map((c) => c.startMs)).toEqual([0, 800, 1500]);
    expect(e2?.chapters[1]?.title).toBe('Part 2');

    expect(byPath.get(path.join('commercials', 'soap.mp4'))?.kind).toBe('commercial');
    const broken = byPath.get(path.join('shows', 'Broken', 'broken.mp4'));
    expect(broken?.state).toBe('new');
    expect(broken?.stateReason).toMatch(/ffprobe failed|not a media/);

    const collections = station.library.listCollections().map((c) => c.name).sort();
    expect(collections).toEqual(['commercials', 'shows/Broken', 'shows/Space Patrol']);
  });

  it('re-scans incrementally: unchanged files are not probed again, nothing is lost, gone files retire', async () => {
    await station.scanner.scan('tv');
    const idsBefore = station.library.listAssets().map((a) => a.id).sort();

    const probed: string[] = [];
    const { Scanner } = await import('./scanner.ts');
    const counting = new Scanner(station.db, station.library, clock, { probe: (f) => (probed.push(f), ffprobe(f)) });

    const second = await counting.scan('tv');
    expect(probed).toEqual([]);
    expect(second.unchanged).toBe(4);
    expect(station.library.listAssets().map((a) => a.id).sort()).toEqual(idsBefore);

    // A changed file is probed again; a removed file is retired (kept, not deleted).
    const changed = path.join(media, 'commercials', 'soap.mp4');
    clip(changed, 2, { size: '320x240' });
    utimesSync(changed, new Date(2_000_000_000_000), new Date(2_000_000_000_000));
    rmSync(path.join(media, 'shows', 'Space Patrol', 'Space.Patrol.S01E01.mp4'));
    const third = await counting.scan('tv');
    expect(probed).toEqual([changed]);
    expect(third.retired).toBe(1);
    const rows = station.library.listAssets();
    expect(rows.map((a) => a.id).sort()).toEqual(idsBefore);
    expect(rows.find((a) => a.relPath.endsWith('S01E01.mp4'))?.state).toBe('retired');
    const soap = rows.find((a) => a.relPath.endsWith('soap.mp4'));
    expect(soap?.state).toBe('ready');
    expect(soap?.durationMs).toBeGreaterThanOrEqual(1950);

    // The file comes back: it starts over and becomes ready again.
    clip(path.join(media, 'shows', 'Space Patrol', 'Space.Patrol.S01E01.mp4'), 3);
    await counting.scan('tv');
    expect(station.library.listAssets({ state: 'ready' })).toHaveLength(3);
  });

  it('a scan that cannot read the source changes nothing', async () => {
    await station.scanner.scan('tv');
    const before = station.library.listAssets();
    rmSync(media, { recursive: true, force: true });
    await expect(station.scanner.scan('tv')).rejects.toThrow(/Cannot read source 'tv'.*Nothing was changed/);
    expect(station.library.listAssets()).toEqual(before);
  });

  it('an interrupted probe is picked up by the next scan', async () => {
    const failing = new (await import('./scanner.ts')).Scanner(station.db, station.library, clock, {
      probe: async () => {
        throw new Error('killed');
      },
    });
    await expect(failing.scan('tv')).rejects.toThrow('killed');
    const stuck = station.library.listAssets().filter((a) => a.state === 'enriching' || (a.state === 'new' && a.stateReason === null));
    expect(stuck.length).toBeGreaterThan(0);
    const summary = await station.scanner.scan('tv');
    expect(summary.ready).toBe(3);
  });
});
