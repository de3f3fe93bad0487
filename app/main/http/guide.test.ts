/**
 * A guide clients can sort, end to end: tagged clips made with ffmpeg, probed into a real
 * SQLite library, a station file with logos, groups and a language, and a headless
 * station serving the guide over real HTTP (nothing is tuned, so no playout runs). The
 * XMLTV is checked element by element and validated with tv_validate_file against the
 * DTD on disk, never the network.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHeadlessStation, type RunningStation } from '../headless.ts';
import { resolveFfmpegBinaries } from '../media/ffmpeg-binaries.ts';
import { importStation } from '../schedule/station-file.ts';
import { openStation } from '../station.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';
import { watchStream } from '../test-support/watch-stream.ts';
import { channelLogoPng } from './channel-logo.ts';

const VALIDATOR = ['/usr/bin/tv_validate_file', '/usr/local/bin/tv_validate_file'].find((p) => existsSync(p));
const DTD = ['/usr/share/xmltv/xmltv.dtd', '/usr/share/sgml/xmltv/dtd/0.5/xmltv.dtd'].find((p) => existsSync(p));

function clip(file: string, seconds: number, tags: Record<string, string> = {}): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const meta = Object.entries(tags).flatMap(([k, v]) => ['-metadata', `${k}=${v}`]);
  execFileSync(resolveFfmpegBinaries().ffmpeg, [
    '-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=64x36:rate=10:duration=${seconds}`, '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', ...meta, file,
  ]);
}

/** GET with full control of the headers; the body as raw bytes (no transparent decompression). */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
    }).on('error', reject);
  });
}

/** Every <programme> element whose <title> is `title`. */
function programmes(xml: string, title: string): string[] {
  return [...xml.matchAll(/<programme [^>]*>[\s\S]*?<\/programme>/g)].map((m) => m[0]).filter((p) => p.includes(`>${title}</title>`));
}

describe('the guide, as clients sort and show it', () => {
  const tmp = makeTempDir();
  const logoFile = path.join(tmp.dir, 'logos', 'shows.png');
  let running: RunningStation;
  let base = '';

  beforeAll(async () => {
    const media = path.join(tmp.dir, 'media');
    clip(path.join(media, 'movies', 'The Long Night (1987).mp4'), 240, { description: 'A night that never ends & a city <awake>.', genre: 'Drama; Thriller' });
    clip(path.join(media, 'shows', 'Space Patrol', 'Space.Patrol.S01E02.The.Moon.mp4'), 120, { genre: 'Kids', comment: 'The crew lands on the Moon.' });
    clip(path.join(media, 'shows', 'Space Patrol', 'Space.Patrol.S01E03.mp4'), 120);
    mkdirSync(path.dirname(logoFile), { recursive: true });
    writeFileSync(logoFile, channelLogoPng(99));
    const data = path.join(tmp.dir, 'data');
    const st = openStation({ dataDir: data });
    st.library.addSource('tv', media);
    await st.scanner.scan('tv');
    importStation(st.db, st.clock, [
      'version: 1',
      'channels:',
      '  - { number: 5, name: Movies, timezone: UTC, group: Films, logo: "https://logos.example.org/movies.png", loop: { collection: movies, epoch: "2026-01-01T00:00:00Z" } }',
      `  - { number: 6, name: Shows, timezone: UTC, group: Kids, language: fr, logo: ${JSON.stringify(logoFile)}, loop: { collection: "shows/Space Patrol", epoch: "2026-01-01T00:00:00Z" } }`,
      '  - number: 8',
      '    name: "Rock & <Roll>"',
      '    timezone: America/New_York',
      '    zones: [{ name: All day, start: "06:00", end: "06:00", play: series, sources: [{ collection: "shows/Space Patrol" }] }]',
    ].join('\n'));
    st.close();
    running = await startHeadlessStation({ dataDir: data, host: '127.0.0.1', port: 0, demo: false, consoleDir: null, ssdp: false, lingerMs: 0 });
    base = running.url;
  }, 60_000);
  afterAll(async () => {
    await running?.stop();
    tmp.cleanup();
  });

  it('movies are Movie with their year, description and genres; no Series, no sub-title', async () => {
    const xml = (await get(`${base}/iptv/xmltv.xml?days=1`)).body.toString('utf8');
    const movie = programmes(xml, 'The Long Night')[0] ?? '';
    expect(movie).toContain('<desc lang="en">A night that never ends &amp; a city &lt;awake&gt;.</desc>');
    expect(movie).toContain('<date>1987</date>');
    expect(movie).toContain('<category lang="en">Movie</category>');
    expect(movie).toContain('<category lang="en">Drama</category>');
    expect(movie).toContain('<category lang="en">Thriller</category>');
    expect(movie).not.toContain('Series');
    expect(movie).not.toContain('<sub-title');
    expect(movie).not.toContain('<episode-num');
  });

  it('episodes are Series under the series title, with the episode title only when known, and episode numbers', async () => {
    const xml = (await get(`${base}/iptv/xmltv.xml?days=1`)).body.toString('utf8');
    const onShows = (p: string): boolean => p.includes('channel="6.retrovue"');
    const eps = programmes(xml, 'Space Patrol').filter(onShows);
    const moon = eps.find((p) => p.includes('S01E02')) ?? '';
    expect(moon).toContain('<title lang="fr">Space Patrol</title>');
    expect(moon).toContain('<sub-title lang="fr">The Moon</sub-title>');
    expect(moon).toContain('<desc lang="fr">The crew lands on the Moon.</desc>');
    expect(moon).toContain('<category lang="en">Series</category>');
    expect(moon).toContain('<category lang="fr">Kids</category>');
    expect(moon).toContain('<episode-num system="xmltv_ns">0.1.</episode-num>');
    expect(moon).toContain('<episode-num system="onscreen">S01E02</episode-num>');
    const bare = eps.find((p) => p.includes('S01E03')) ?? '';
    expect(bare).toContain('<episode-num system="xmltv_ns">0.2.</episode-num>');
    expect(bare, 'no sub-title that only repeats the title').not.toContain('<sub-title');
    expect(bare).not.toContain('<category lang="en">Movie</category>');
    // The scheduled channel carries the same facts, and its name is escaped.
    expect(programmes(xml, 'Space Patrol').some((p) => p.includes('channel="8.retrovue"') && p.includes('<sub-title lang="en">The Moon</sub-title>'))).toBe(true);
    expect(xml).toContain('<display-name lang="en">Rock &amp; &lt;Roll&gt;</display-name>');
  });

  it('lineup.json parses and its URLs play (MPEG-TS), as an HDHomeRun client would use them', async () => {
    const lineup = JSON.parse((await get(`${base}/lineup.json`)).body.toString('utf8')) as Array<{ GuideNumber: string; GuideName: string; URL: string }>;
    expect(lineup.map((c) => c.GuideNumber)).toEqual(['5', '6', '8']);
    const five = lineup.find((c) => c.GuideNumber === '5');
    expect(five?.URL).toBe(`${base}/iptv/channel/5.ts`);
    const r = await watchStream(five?.URL as string, 2500);
    expect(r.status).toBe(200);
    expect(r.body.length).toBeGreaterThan(188 * 50);
    // MPEG-TS: a sync byte every 188 bytes.
    const start = r.body.indexOf(0x47);
    for (let i = start; i + 188 * 10 < r.body.length && i < start + 188 * 200; i += 188) expect(r.body[i]).toBe(0x47);
  }, 30_000);

  it('the EPG API carries the same facts as the XMLTV guide', async () => {
    type Entry = { title: string; subtitle: string | null; description?: string | null; categories?: string[]; year?: number | null; episode: number | null };
    const epg = async (n: number): Promise<Entry[]> => (JSON.parse((await get(`${base}/api/channels/${n}/epg`)).body.toString('utf8')) as { entries: Entry[] }).entries;
    const movie = (await epg(5)).find((e) => e.title === 'The Long Night');
    expect(movie).toMatchObject({ subtitle: null, description: 'A night that never ends & a city <awake>.', categories: ['Movie', 'Drama', 'Thriller'], year: 1987 });
    const shows = await epg(6);
    expect(shows.find((e) => e.episode === 2)).toMatchObject({ title: 'Space Patrol', subtitle: 'The Moon', categories: ['Series', 'Kids'] });
    expect(shows.find((e) => e.episode === 3)).toMatchObject({ title: 'Space Patrol', subtitle: null, categories: ['Series'] });
  });

  it('gives every channel its own icon: the station file URL, its local file served, else a generated PNG', async () => {
    const xml = (await get(`${base}/iptv/xmltv.xml`)).body.toString('utf8');
    expect(xml).toContain('<icon src="https://logos.example.org/movies.png" />');
    expect(xml).toContain(`<icon src="${base}/iptv/logos/6.png" />`);
    expect(xml).toContain(`<icon src="${base}/iptv/logos/8.png" />`);
    const local = await get(`${base}/iptv/logos/6.png`);
    expect(local.headers['content-type']).toBe('image/png');
    expect(local.body.equals(readFileSync(logoFile))).toBe(true);
    const made = await get(`${base}/iptv/logos/8.png`);
    expect(made.status).toBe(200);
    expect(made.body.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(made.body.equals(channelLogoPng(8))).toBe(true);
    expect((await get(`${base}/iptv/logos/42.png`)).status).toBe(404);
    expect((await get(`${base}/iptv/logos/..%2Fx.png`)).status).toBe(404);
  });

  it('validates with tv_validate_file against the local DTD', async () => {
    if (!VALIDATOR || !DTD) {
      console.warn('tv_validate_file or xmltv.dtd is missing (apt-get install xmltv-util): XMLTV validation skipped');
      return;
    }
    const xml = (await get(`${base}/iptv/xmltv.xml?days=2`)).body.toString('utf8');
    const file = path.join(tmp.dir, 'guide.xml');
    writeFileSync(file, xml);
    // --dtd-file and XMLTV_SUPPLEMENT keep the validator off the network.
    const r = spawnSync(VALIDATOR, ['--dtd-file', DTD, file], { encoding: 'utf8', env: { ...process.env, XMLTV_SUPPLEMENT: path.dirname(DTD) }, timeout: 60_000 });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    // A deliberately broken guide fails: the check is real.
    writeFileSync(file, xml.replace('<title lang="en">', '<titel lang="en">'));
    expect(spawnSync(VALIDATOR, ['--dtd-file', DTD, file], { encoding: 'utf8', env: { ...process.env, XMLTV_SUPPLEMENT: path.dirname(DTD) }, timeout: 60_000 }).status).not.toBe(0);
  });

  it('serves gzip when asked and at xmltv.xml.gz, and says when ?days= asks for more than is built', async () => {
    const plain = await get(`${base}/iptv/xmltv.xml?days=1`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const zipped = await get(`${base}/iptv/xmltv.xml?days=1`, { 'accept-encoding': 'gzip, deflate' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toMatch(/Accept-Encoding/i);
    // The same document (the guide window moves with the clock, so compare its channels).
    const channelsOf = (xml: string): string => xml.slice(0, xml.indexOf('<programme '));
    expect(channelsOf(gunzipSync(zipped.body).toString('utf8'))).toBe(channelsOf(plain.body.toString('utf8')));
    expect(zipped.body.length).toBeLessThan(plain.body.length / 3);
    expect((await get(`${base}/iptv/xmltv.xml?days=1`, { 'accept-encoding': 'gzip;q=0' })).headers['content-encoding']).toBeUndefined();
    const gz = await get(`${base}/iptv/xmltv.xml.gz`);
    expect(gz.headers['content-type']).toBe('application/gzip');
    expect(gunzipSync(gz.body).toString('utf8')).toMatch(/^<\?xml/);
    // The scheduled channel is built a few days ahead (loops have no end): 14 days is clamped, 1 is not.
    expect(plain.headers['x-retrovue-days-clamped']).toBeUndefined();
    const far = await get(`${base}/iptv/xmltv.xml?days=14`);
    const clamped = String(far.headers['x-retrovue-days-clamped'] ?? '');
    expect(clamped).toMatch(/^requested=14; served=\d+(\.\d+)?; built-until=\d{4}-\d{2}-\d{2}T/);
    expect(Number(/served=([\d.]+)/.exec(clamped)?.[1])).toBeLessThan(14);
    expect((await get(`${base}/iptv/xmltv.xml?days=15`)).status).toBe(400);
  });

  it('the M3U follows Kodi IPTV Simple: tvg-id matches the XMLTV ids, tvg-chno, a logo and a group per channel', async () => {
    const m3u = (await get(`${base}/iptv/channels.m3u`)).body.toString('utf8');
    const xml = (await get(`${base}/iptv/xmltv.xml?days=1`)).body.toString('utf8');
    const entries = m3u.split('\n').filter((l) => l.startsWith('#EXTINF'));
    expect(entries).toHaveLength(3);
    const attr = (line: string, name: string): string => new RegExp(`${name}="([^"]*)"`).exec(line)?.[1] ?? '';
    for (const e of entries) expect(xml).toContain(`<channel id="${attr(e, 'tvg-id')}">`);
    const byNumber = new Map(entries.map((e) => [attr(e, 'tvg-chno'), e]));
    expect(attr(byNumber.get('5') ?? '', 'group-title')).toBe('Films');
    expect(attr(byNumber.get('5') ?? '', 'tvg-logo')).toBe('https://logos.example.org/movies.png');
    expect(attr(byNumber.get('6') ?? '', 'group-title')).toBe('Kids');
    expect(attr(byNumber.get('6') ?? '', 'tvg-logo')).toBe(`${base}/iptv/logos/6.png`);
    expect(attr(byNumber.get('8') ?? '', 'group-title')).toBe('RetroVue');
    expect(attr(byNumber.get('8') ?? '', 'tvg-logo')).toBe(`${base}/iptv/logos/8.png`);
  });
});
