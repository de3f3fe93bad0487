/**
 * NFO files beside real media, through a real scan into a real SQLite library, out
 * through the XMLTV guide: titles, plots, genres, ratings, aired dates and episode
 * numbers; a broken NFO is a warning naming it, and the scan goes on.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/master-clock.ts';
import { buildXmltv } from '../http/xmltv.ts';
import { resolveFfmpegBinaries } from '../media/ffmpeg-binaries.ts';
import { ffprobe } from '../media/ffprobe.ts';
import type { EpgEntry } from '../schedule/types.ts';
import { openStation, type Station } from '../station.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';
import { ProgramInfoReader } from './program-info.ts';
import { Scanner } from './scanner.ts';

const SHOW = path.join('shows', 'Space Patrol');
const S1 = path.join(SHOW, 'Season 1');
const E1 = path.join(S1, 'Space.Patrol.S01E01.mp4');
const E2 = path.join(S1, 'Space.Patrol.S01E02.mp4');
const E3 = path.join(S1, 'Space.Patrol.S01E03.mp4');
const MOVIE = path.join('movies', 'Night', 'night-final-v2.mp4');
const VALIDATOR = ['/usr/bin/tv_validate_file', '/usr/local/bin/tv_validate_file'].find((p) => existsSync(p));
const DTD = ['/usr/share/xmltv/xmltv.dtd', '/usr/share/sgml/xmltv/dtd/0.5/xmltv.dtd'].find((p) => existsSync(p));

describe('NFO metadata at scan time', () => {
  const clock = new ManualClock('2026-11-21T12:00:00Z');
  let tmp: ReturnType<typeof makeTempDir>;
  let media: string;
  let station: Station;
  const probed: string[] = [];
  let scanner: Scanner;
  const at = (rel: string): string => path.join(media, rel);
  const asset = (rel: string) => station.library.listAssets().find((a) => a.relPath === rel);

  beforeAll(() => {
    tmp = makeTempDir();
    media = path.join(tmp.dir, 'media');
    const seed = path.join(tmp.dir, 'seed.mp4');
    execFileSync(resolveFfmpegBinaries().ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=25:duration=1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', seed]);
    for (const rel of [E1, E2, E3, MOVIE, path.join('commercials', 'soap.mp4')]) {
      mkdirSync(path.dirname(at(rel)), { recursive: true });
      copyFileSync(seed, at(rel));
    }
    writeFileSync(
      at(path.join(SHOW, 'tvshow.nfo')),
      '<?xml version="1.0" encoding="UTF-8"?>\n<tvshow><title>Space Patrol</title><plot>The crew of the Meridian.</plot><mpaa>US:TV-PG</mpaa><genre>Science Fiction</genre><genre>Kids</genre></tvshow>',
    );
    writeFileSync(
      at(E2.replace(/\.mp4$/, '.nfo')),
      '<episodedetails><title>The Moon &amp; Beyond</title><showtitle>Space Patrol</showtitle><season>1</season><episode>2</episode><plot>They land on the far side.</plot><aired>1962-09-08</aired><mpaa>TV-14</mpaa><runtime>22</runtime></episodedetails>\nhttps://example.org/episode/2',
    );
    writeFileSync(at(E3.replace(/\.mp4$/, '.nfo')), '<episodedetails>\n<title>Broken</title>\n<season>1</season></episodedetail>');
    writeFileSync(
      at(path.join('movies', 'Night', 'movie.nfo')),
      '<movie><title>The Long Night</title><year>1987</year><mpaa>Rated R</mpaa><genre>Drama</genre><genre>Thriller</genre><plot>A night that never ends.</plot></movie>',
    );
    station = openStation({ dataDir: path.join(tmp.dir, 'data'), clock });
    station.library.addSource('tv', media);
    scanner = new Scanner(station.db, station.library, clock, { probe: (f) => (probed.push(path.relative(media, f)), ffprobe(f)) });
  });
  afterAll(() => {
    station.close();
    tmp.cleanup();
  });

  it('stores what the NFOs say over the file names, and warns about a broken one by name', async () => {
    const summary = await scanner.scan('tv');
    expect(summary.ready).toBe(5);
    expect(summary.failed).toEqual([]);
    expect(summary.warnings).toHaveLength(1);
    expect(summary.warnings[0]).toMatch(/^shows\/Space Patrol\/Season 1\/Space\.Patrol\.S01E03\.nfo: not valid XML at line 3, column 19 .*opened in line 1, col 1\b/);

    expect(asset(E1)).toMatchObject({ series: 'Space Patrol', season: 1, episode: 1, description: 'The crew of the Meridian.', genre: 'Science Fiction; Kids', rating: 'TV-PG', aired: null });
    expect(asset(E2)).toMatchObject({
      title: 'The Moon & Beyond', series: 'Space Patrol', season: 1, episode: 2, description: 'They land on the far side.',
      genre: 'Science Fiction; Kids', rating: 'TV-14', aired: '1962-09-08', year: 1962, listedRuntimeMs: 22 * 60_000,
    });
    // The broken episode file is skipped: the show's file and the name still apply.
    expect(asset(E3)).toMatchObject({ state: 'ready', title: 'Space Patrol S01E03', series: 'Space Patrol', episode: 3, rating: 'TV-PG' });
    expect(asset(MOVIE)).toMatchObject({ title: 'The Long Night', series: null, year: 1987, rating: 'R', genre: 'Drama; Thriller', description: 'A night that never ends.' });
    expect(asset(path.join('commercials', 'soap.mp4'))).toMatchObject({ title: 'soap', rating: null, nfoSig: null });
  });

  it('flows into the XMLTV guide: desc, categories, rating, episode numbers, aired date', () => {
    const ids = [E2, MOVIE].map((rel) => asset(rel)?.id as number);
    const entries: EpgEntry[] = ids.map((id, i) => ({
      startMs: Date.parse('2026-11-21T20:00:00Z') + i * 3_600_000, endMs: Date.parse('2026-11-21T20:30:00Z') + i * 3_600_000,
      title: 'x', subtitle: null, season: null, episode: null, kind: 'program', assetId: id,
    }));
    const xml = buildXmltv('http://tv', [{ number: 2, name: 'Two', timezone: 'UTC', entries }], new ProgramInfoReader(station.db).get(ids));
    const [episode, movie] = xml.split('<programme ').slice(1) as [string, string];
    expect(episode).toContain('<title lang="en">Space Patrol</title>');
    expect(episode).toContain('<sub-title lang="en">The Moon &amp; Beyond</sub-title>');
    expect(episode).toContain('<desc lang="en">They land on the far side.</desc>');
    expect(episode).toContain('<date>19620908</date>');
    expect(episode).toMatch(/<category lang="en">Series<\/category>\n\s+<category lang="en">Science Fiction<\/category>\n\s+<category lang="en">Kids<\/category>/);
    expect(episode).toContain('<episode-num system="xmltv_ns">0.1.</episode-num>');
    expect(episode).toContain('<episode-num system="onscreen">S01E02</episode-num>');
    expect(episode).toMatch(/<previously-shown start="19620908000000" \/>\n\s+<rating system="VCHIP">\n\s+<value>TV-14<\/value>\n\s+<\/rating>\n\s+<\/programme>/);
    expect(movie).toContain('<title lang="en">The Long Night</title>');
    expect(movie).toContain('<date>1987</date>');
    expect(movie).toContain('<category lang="en">Movie</category>');
    expect(movie).toMatch(/<rating system="MPAA">\n\s+<value>R<\/value>/);
    expect(movie).not.toContain('previously-shown');
    // The DTD accepts the order and form of the new elements.
    if (VALIDATOR && DTD) {
      const file = path.join(tmp.dir, 'guide.xml');
      writeFileSync(file, xml);
      const r = spawnSync(VALIDATOR, ['--dtd-file', DTD, file], { encoding: 'utf8', env: { ...process.env, XMLTV_SUPPLEMENT: path.dirname(DTD) }, timeout: 60_000 });
      expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    } else console.warn('tv_validate_file or xmltv.dtd is missing (apt-get install xmltv-util): XMLTV validation skipped');
  });

  it('rescans read an NFO again only when it changed; without NFOs the names apply again', async () => {
    probed.length = 0;
    expect((await scanner.scan('tv')).unchanged).toBe(5);
    expect(probed).toEqual([]);

    const nfo = at(E2.replace(/\.mp4$/, '.nfo'));
    writeFileSync(nfo, '<episodedetails><title>The Moon, Revisited</title><season>1</season><episode>2</episode></episodedetails>');
    utimesSync(nfo, new Date(2_000_000_000_000), new Date(2_000_000_000_000));
    const edited = await scanner.scan('tv');
    expect(edited.changed).toBe(1);
    expect(probed).toEqual([E2]);
    expect(asset(E2)).toMatchObject({ title: 'The Moon, Revisited', rating: 'TV-PG', aired: null });

    // The show's file goes: every episode under it is read again, and falls back to its name.
    probed.length = 0;
    rmSync(at(path.join(SHOW, 'tvshow.nfo')));
    await scanner.scan('tv');
    expect(probed.sort()).toEqual([E1, E2, E3].sort());
    expect(asset(E1)).toMatchObject({ title: 'Space Patrol S01E01', series: 'Space Patrol', description: null, genre: null, rating: null, nfoSig: null });
  });
});
