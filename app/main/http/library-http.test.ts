/**
 * The console's library, channel-enable and poster endpoints over real HTTP, on a real
 * station (SQLite, generated media, ffprobe and ffmpeg): reads that never show a full path,
 * a background scan behind the token with its progress (polled and pushed), a channel taken
 * out of service and back, and a still of what is on now.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LibraryAssetPageDto, LibraryCollectionDto, LibrarySourceDto, ScanStatusDto } from '../../shared/library-types.ts';
import type { ChannelStatusDto } from '../../shared/types.ts';
import { SystemClock } from '../clock/master-clock.ts';
import { startHeadlessStation, type RunningStation } from '../headless.ts';
import { makeCorruptFile, makeFrameNumberedClip } from '../media/test-media.ts';
import { DEFAULT_PROFILE } from '../runtime/producer/output-profile.ts';
import { openStation } from '../station.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';

const clock = new SystemClock();

/** Width and height from a baseline or progressive JPEG's SOF marker. */
function jpegSize(jpeg: Buffer): { width: number; height: number } | null {
  for (let i = 2; i < jpeg.length - 9; ) {
    if (jpeg[i] !== 0xff) return null;
    const marker = jpeg[i + 1]!;
    const len = jpeg.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc2) return { height: jpeg.readUInt16BE(i + 5), width: jpeg.readUInt16BE(i + 7) };
    i += 2 + len;
  }
  return null;
}

describe('library, channel control and posters over HTTP', () => {
  const tmp = makeTempDir();
  const media = path.join(tmp.dir, 'media');
  let running: RunningStation;
  let base = '';

  beforeAll(async () => {
    mkdirSync(path.join(media, 'loop'), { recursive: true });
    mkdirSync(path.join(media, 'gone'), { recursive: true });
    await makeFrameNumberedClip(path.join(media, 'loop', 'a.mp4'), { seconds: 20, width: 640, height: 360, toneHz: null });
    await makeFrameNumberedClip(path.join(media, 'gone', 'only.mp4'), { seconds: 20, width: 320, height: 180, toneHz: null });
    await makeCorruptFile(path.join(media, 'loop', 'broken.mp4'));
    const data = path.join(tmp.dir, 'data');
    const st = openStation({ dataDir: data });
    st.library.addSource('test', media);
    await st.scanner.scan('test');
    st.channels.addLoop({ number: 1, name: 'Loop', collection: 'loop', startMs: clock.nowMs() - 15_000, timezone: 'UTC' });
    st.channels.addLoop({ number: 2, name: 'Gone', collection: 'gone', startMs: clock.nowMs() - 15_000, timezone: 'UTC' });
    st.close();
    running = await startHeadlessStation({
      dataDir: data, host: '127.0.0.1', port: 0, demo: false, lingerMs: 0, consoleDir: null, ssdp: false,
      profile: { ...DEFAULT_PROFILE, width: 320, height: 180, videoBitrateKbps: 400 },
    });
    base = running.url;
  }, 240_000);
  afterAll(async () => {
    await running?.stop();
    tmp.cleanup();
  });

  const get = async <T>(url: string): Promise<{ status: number; text: string; body: T }> => {
    const res = await fetch(`${base}${url}`);
    const text = await res.text();
    return { status: res.status, text, body: (text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : null) as T };
  };
  const post = (url: string, body: unknown, token: string | null = running.token) =>
    fetch(`${base}${url}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });

  it('lists sources, collections and assets with their state and why a file is not ready, and never a full path', async () => {
    const sources = await get<LibrarySourceDto[]>('/api/library/sources');
    expect(sources.status).toBe(200);
    expect(sources.body).toEqual([expect.objectContaining({ name: 'test', type: 'local', rootName: 'media', counts: { new: 1, enriching: 0, ready: 2, retired: 0 } })]);
    expect(sources.body[0]!.lastScanAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    const collections = await get<LibraryCollectionDto[]>('/api/library/collections');
    expect(collections.body.map((c) => [c.name, c.assetCount, c.readyCount])).toEqual([['gone', 1, 1], ['loop', 2, 1]]);

    const all = await get<LibraryAssetPageDto>('/api/library/assets');
    expect(all.body.total).toBe(3);
    const broken = all.body.assets.find((a) => a.file === 'broken.mp4')!;
    expect(broken).toMatchObject({ state: 'new', collection: 'loop', source: 'test' });
    expect(broken.reason, 'a failed probe says why').toBeTruthy();
    expect(all.body.assets.find((a) => a.file === 'a.mp4')).toMatchObject({ state: 'ready', video: 'h264 640x360', audio: null, durationMs: expect.any(Number) });

    const newOnes = await get<LibraryAssetPageDto>('/api/library/assets?state=new');
    expect(newOnes.body.assets.map((a) => a.file)).toEqual(['broken.mp4']);
    const inLoop = await get<LibraryAssetPageDto>('/api/library/assets?collection=loop&limit=1&offset=1');
    expect(inLoop.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(inLoop.body.assets.map((a) => a.file)).toEqual(['broken.mp4']);

    for (const text of [sources.text, collections.text, all.text]) expect(text, 'no absolute path on the LAN').not.toContain(tmp.dir);
  });

  it('refuses unbounded or malformed listings, naming the field', async () => {
    const tooMany = await get<{ error: string }>('/api/library/assets?limit=501');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toContain("'limit'");
    expect((await get<{ error: string }>('/api/library/assets?state=broken')).status).toBe(400);
    expect((await get<{ error: string }>('/api/library/assets?path=/etc')).status).toBe(400);
    expect((await get<{ error: string }>('/api/library/assets?collection=nope')).status).toBe(404);
    expect((await get<{ error: string }>('/api/library/collections?source=nope')).status).toBe(404);
  });

  it('a scan needs the token, runs in the background one at a time, and its progress is readable and pushed', async () => {
    await makeFrameNumberedClip(path.join(media, 'loop', 'b.mp4'), { seconds: 3, width: 320, height: 180, toneHz: null });
    expect((await post('/api/library/sources/test/scan', {}, null)).status).toBe(401);
    expect((await post('/api/library/sources/test/scan', {}, 'wrong-token-000000000000')).status).toBe(401);
    expect((await get<ScanStatusDto>('/api/library/scan')).body.state, 'nothing started without the token').toBe('idle');
    expect((await post('/api/library/sources/nope/scan', {})).status).toBe(404);

    // Listen to the live feed for scan events.
    const ctl = new AbortController();
    const feed = await fetch(`${base}/api/events`, { signal: ctl.signal });
    const events: ScanStatusDto[] = [];
    const reading = (async () => {
      const reader = feed.body!.getReader();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += new TextDecoder().decode(value);
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (block.startsWith('event: scan\n')) events.push(JSON.parse(block.slice(block.indexOf('data: ') + 6)) as ScanStatusDto);
        }
      }
    })().catch(() => undefined);

    const started = await post('/api/library/sources/test/scan', {});
    expect(started.status).toBe(202);
    expect(await started.json()).toMatchObject({ state: 'running', source: 'test' });
    const again = await post('/api/library/sources/test/scan', {});
    expect(again.status, 'one scan at a time').toBe(409);
    expect(((await again.json()) as { hint: string }).hint).toContain('/api/library/scan');

    let status: ScanStatusDto | null = null;
    for (let i = 0; i < 100; i++) {
      status = (await get<ScanStatusDto>('/api/library/scan')).body;
      if (status.state !== 'running') break;
      await clock.sleep(100);
    }
    expect(status).toMatchObject({ state: 'done', source: 'test', phase: 'done', error: null });
    // The broken file failed before and is unchanged: it is not probed again.
    expect(status!.summary).toMatchObject({ filesSeen: 4, added: 1, ready: 1, failed: 0, unchanged: 3 });
    const b = (await get<LibraryAssetPageDto>('/api/library/assets?collection=loop')).body.assets.find((a) => a.file === 'b.mp4');
    expect(b?.state).toBe('ready');

    for (let i = 0; i < 30 && !events.some((e) => e.state === 'done'); i++) await clock.sleep(100);
    ctl.abort();
    await reading;
    expect(events[0]?.state, 'the feed pushed the start').toBe('running');
    expect(events.at(-1)).toMatchObject({ state: 'done', summary: { added: 1 } });
  });

  it('disables and enables a channel with the token: off the M3U and refused with a hint that names the control, then back', async () => {
    expect((await post('/api/channels/1/enabled', { enabled: false }, null)).status).toBe(401);
    expect((await post('/api/channels/1/enabled', { enabled: 'no' })).status).toBe(400);
    expect((await post('/api/channels/1/enabled', {})).status).toBe(400);
    expect((await post('/api/channels/42/enabled', { enabled: false })).status).toBe(404);
    const channel = async (n: number) => (await get<ChannelStatusDto[]>('/api/channels')).body.find((c) => c.number === n)!;
    expect((await channel(1)).enabled).toBe(true);

    const off = await post('/api/channels/1/enabled', { enabled: false });
    expect(off.status).toBe(200);
    expect(await off.json()).toEqual({ ok: true, channel: 1, enabled: false });
    expect((await channel(1)).enabled).toBe(false);
    expect((await get('/iptv/channels.m3u')).text).not.toContain('/iptv/channel/1.ts');
    const refused = await get<{ error: string; hint: string }>('/iptv/channel/1.ts');
    expect(refused.status).toBe(403);
    expect(refused.body.hint).toContain('/api/channels/N/enabled');
    expect(running.station.channels.find(1)?.enabled, 'saved, so it lasts a restart').toBe(false);

    expect((await post('/api/channels/1/enabled', { enabled: true })).status).toBe(200);
    expect((await channel(1)).enabled).toBe(true);
    expect((await get('/iptv/channels.m3u')).text).toContain('/iptv/channel/1.ts');
  });

  it('a poster is a small JPEG of what is on now, made once per 10 s; nothing or a missing file is a JSON refusal', async () => {
    const first = await fetch(`${base}/api/channels/1/poster.jpg`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('image/jpeg');
    const jpeg = Buffer.from(await first.arrayBuffer());
    expect(jpegSize(jpeg)).toEqual({ width: 320, height: 180 });
    expect(first.headers.get('x-retrovue-poster')).toBe('made');
    const secondRes = await fetch(`${base}/api/channels/1/poster.jpg?t=1`);
    const second = Buffer.from(await secondRes.arrayBuffer());
    // The kept still, unless the 10-second bucket turned over in between (then a new one, same size).
    if (second.equals(jpeg)) expect(secondRes.headers.get('x-retrovue-poster'), 'the second is the kept still').toBe('kept');
    else expect(jpegSize(second)).toEqual({ width: 320, height: 180 });

    const unknown = await get<{ error: string }>('/api/channels/42/poster.jpg');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toContain('no channel 42');

    rmSync(path.join(media, 'gone', 'only.mp4'));
    const gone = await get<{ error: string; hint: string }>('/api/channels/2/poster.jpg');
    expect(gone.status).toBe(503);
    expect(gone.body.error).toContain('No still of channel 2');
    expect(gone.text).not.toContain(tmp.dir);
  });
});
